// `gotrace wire` as a command: Go's stdout byte for byte, Go's failures as one
// line on stderr with exit status 1, stdin with '-'. It runs in-process through
// main(), with stdout and stderr captured; one test also runs the built
// dist/cli.js when `npm run build` has made it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { wire } from '../src/commands/wire';
import { Output } from '../src/io';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/wire/${name}`, import.meta.url));
const want = (stem: string) => readFileSync(fixture(`${stem}.want`), 'utf8');

/** run runs the command line in-process and returns what it printed and its status. */
async function run(...args: string[]) {
  let stdout = '', stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += s), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += s), true));
  const status = await main(['node', 'gotrace', ...args]);
  vi.restoreAllMocks();
  return { stdout, stderr, status };
}

afterEach(() => vi.restoreAllMocks());

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
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--cursr'\n\(Did you mean --cursor\?\)\n/);
    const extra = await run('wire', trace, trace);
    expect(extra.status).toBe(1);
    expect(extra.stderr).toMatch(/^error: too many arguments for 'wire'/);
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

  it.skipIf(!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url))))(
    'runs as dist/cli.js, reading stdin with - (needs npm run build)', () => {
      const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
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
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/missing required argument 'trace'/);
    const help = await run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/wire <trace>/);
  });
});
