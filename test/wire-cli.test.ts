// `gotrace wire` as a command: Go's stdout byte for byte, Go's failures as one
// line on stderr with exit status 1, stdin with '-'. It runs in-process through
// main(), with stdout and stderr captured; one test also runs the built
// dist/cli.cjs when `npm run build` has made it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { writeStdout } from '../src/io';
import { wire } from '../src/commands/wire';
import { Output } from '../src/io';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/wire/${name}`, import.meta.url));
const want = (stem: string) => readFileSync(fixture(`${stem}.want`), 'utf8');

// A summary (gotrace stats) goes straight to file descriptor 1, not through
// process.stdout (see writeStdout): the tests take what is written to fd 1.
// With `full` set, a write to fd 1 takes at most that many bytes and the next
// one fails with EAGAIN, as a non-blocking pipe that is full does.
const written = vi.hoisted(() => ({ fd1: null as string[] | null, full: null as number | null }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (fd !== 1 || written.fd1 === null) return (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const at = typeof rest[0] === 'number' ? rest[0] : 0;
    if (written.full === 0) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    const end = written.full === null ? bytes.length : Math.min(bytes.length, at + written.full);
    if (written.full !== null) written.full = 0;
    written.fd1.push(bytes.subarray(at, end).toString());
    return end - at;
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

/** run runs the command line in-process and returns what it printed and its status. */
async function run(...args: string[]) {
  let stdout = '',
    stderr = '';
  written.fd1 = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += s), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += s), true));
  const status = await main(['node', 'gotrace', ...args]);
  vi.restoreAllMocks();
  stdout = written.fd1.join('') + stdout;
  written.fd1 = null;
  return { stdout, stderr, status };
}

afterEach(() => vi.restoreAllMocks());

describe('writeStdout', () => {
  afterEach(() => Object.assign(written, { fd1: null, full: null }));

  it('writes a summary to fd 1 whole', async () => {
    written.fd1 = [];
    await writeStdout('a summary\n');
    expect(written.fd1).toEqual(['a summary\n']);
  });

  it('writes the rest through process.stdout where fd 1 is a full non-blocking pipe', async () => {
    written.fd1 = [];
    written.full = 4;
    const rest: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((s: string | Uint8Array, done?: (e?: Error | null) => void) => {
      rest.push(Buffer.from(s).toString());
      done?.();
      return true;
    }) as typeof process.stdout.write);
    await writeStdout('a summary\n');
    expect(written.fd1).toEqual(['a su']);
    expect(rest).toEqual(['mmary\n']);
  });

  it("fails with the rest's write error (EPIPE: the reader has gone), which the command line ends quietly on", async () => {
    written.fd1 = [];
    written.full = 4;
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    vi.spyOn(process.stdout, 'write').mockImplementation(((_s: string | Uint8Array, done?: (e?: Error | null) => void) => {
      done?.(epipe);
      return false;
    }) as typeof process.stdout.write);
    await expect(writeStdout('a summary\n')).rejects.toBe(epipe);
  });
});

describe('gotrace wire', () => {
  it("prints Go's listing of a trace", async () => {
    const got = await run('wire', fixture('traces-go1.23-annotations.trace'));
    expect(got).toEqual({ stdout: want('traces-go1.23-annotations'), stderr: '', status: 0 });
  });

  it("prints the events before the damage, then Go's error as one line, and exits 1", async () => {
    const got = await run('wire', fixture('crafted-varint-cut.trace'));
    expect(got.stdout).toBe('Frequency freq=5\n');
    expect(got.stderr).toBe('gotrace: unexpected EOF (at byte 20)\n');
    expect(got.status).toBe(1);
  });

  it('says which file it could not open, in the words of go tool trace', async () => {
    const got = await run('wire', '/nonexistent/x.trace');
    expect(got.stderr).toBe('gotrace: failed to read trace file: open /nonexistent/x.trace: no such file or directory\n');
    expect(got.status).toBe(1);
  });

  it('runs a plain invocation directly and leaves the rest (flags it does not declare, help) to Commander', async () => {
    const trace = fixture('traces-go1.23-annotations.trace');
    const direct = await run('stats', trace, '--cursor');
    expect(direct.status).toBe(0);
    expect(direct.stdout).toMatch(/^format {6}Go 1\.23\n/);
    const unknown = await run('stats', '--cursr', trace);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^gotrace: unknown option '--cursr' \(did you mean --cursor\?\)\n/);
    const extra = await run('wire', trace, trace);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/^gotrace: too many arguments for 'wire'/);
    const help = await run('stats', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gotrace stats \[options\] <trace>\n/);
  });

  it('reads a stream chunk by chunk', async () => {
    const bytes = readFileSync(fixture('traces-go1.27-stacks.trace'));
    const chunks = [];
    for (let i = 0; i < bytes.length; i += 1000) chunks.push(bytes.subarray(i, i + 1000));
    let text = '';
    const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
    await wire(Readable.from(chunks), new Output(sink as never, 4096));
    expect(text).toBe(want('traces-go1.27-stacks'));
  });

  it.skipIf(!existsSync(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url))))('runs as dist/cli.cjs, reading stdin with - (needs npm run build)', () => {
    const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'wire', '-'], { input: readFileSync(fixture('traces-go1.22-annotations.trace')) });
    expect(r.stdout.toString()).toBe(want('traces-go1.22-annotations'));
    expect(r.status).toBe(0);
    const bad = spawnSync(process.execPath, [cli, 'wire', fixture('crafted-v26-type-137.trace')]);
    expect(bad.stdout.toString()).toBe('Frequency freq=5\n');
    expect(bad.stderr.toString()).toBe('gotrace: invalid event type: 137 (at byte 18)\n');
    expect(bad.status).toBe(1);
  });
});

describe('the command line', () => {
  it('ends with a status, not the process, on a usage error or --help', async () => {
    const missing = await run('wire');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'trace'/);
    const help = await run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/wire <trace>/);
  });
});
