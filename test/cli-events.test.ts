// `gotrace events` and `gotrace stats`: Go's text byte for byte (bytes that
// are not UTF-8 included), JSON Lines, failures as Go fails, and the summary.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { program } from '../src/cli';
import { events } from '../src/commands/events';
import { formatStats, stats, statsCursor } from '../src/commands/stats';
import { openTrace } from '../src/io';
import { TraceError } from '../src/errors';

const fixture = (name: string) => new URL(`./fixtures/events/traces/${name}`, import.meta.url);
const bytes = (name: string) => new Uint8Array(readFileSync(fixture(name + '.trace')));
const want = (name: string) => readFileSync(fixture(name + '.want'));

/** sink is a Writable that keeps what is written, with a small buffer to exercise backpressure. */
function sink(): { stream: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk, _enc, done) {
      parts.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

/** chunked streams a fixture in small chunks, as a file or stdin would. */
const chunked = (name: string) =>
  Readable.from(
    (function* () {
      const b = bytes(name);
      for (let i = 0; i < b.length; i += 1000) yield b.subarray(i, i + 1000);
    })(),
  );

describe('gotrace events', () => {
  for (const name of ['go1.27-annotations', 'edge-values', 'allocfree-go1.26', 'test-go122-annotations-stress']) {
    it(`prints Go's text for ${name}`, async () => {
      const out = sink();
      await events(chunked(name), out.stream);
      expect(out.bytes().equals(want(name))).toBe(true);
    });
  }

  it("prints the events before a failure, then fails with Go's words", async () => {
    const name = 'test-go122-create-syscall-with-p';
    const out = sink();
    const err = await events(chunked(name), out.stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).goMessage).toBe("expected a proc but didn't have one");
    expect(out.bytes().equals(want(name))).toBe(true);
  });

  it('--json prints one object per event', async () => {
    const out = sink();
    await events(chunked('edge-values'), out.stream, 'json');
    const lines = out
      .bytes()
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(want('edge-values').toString().split('\nM=').length);
    expect(lines[0].kind).toBe('Sync');
    expect(lines[0].sync.clockSnapshot).toEqual({
      trace: 9007199254740991,
      mono: '18446744073709551615',
      wall: '1970-01-01T00:00:00.999999999Z',
      wallSeconds: 0,
      wallNanoseconds: 999999999,
    });
    const stop = lines[3];
    expect(stop.time).toBe('9007199254740995');
    expect(stop.transition).toMatchObject({ resource: { kind: 'Goroutine', id: 1 }, from: 'Running', to: 'Runnable', reason: 'bad\ufffd\ufffdname' });
    expect(stop.stack[0]).toEqual({ func: 'bad\ufffd\ufffdname', file: '/src/\ufffd\ufffd.go', line: '18446744073709551615', pc: '18446744073709551615' });
    const metric = lines.find((l) => l.kind === 'Metric');
    expect(metric.metric).toEqual({ name: '/memory/classes/heap/objects:bytes', value: '18446744073709551615' });
  });

  it('stops quietly when the reader of its output goes away (EPIPE)', async () => {
    let writes = 0;
    const stream = new Writable({
      write(_chunk, _enc, done) {
        writes++;
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    await expect(events(chunked('test-go122-annotations-stress'), stream)).resolves.toBeUndefined();
    expect(writes).toBe(1);
  });

  it('fails on a missing file as Go does', async () => {
    const err = await (await program())
      .exitOverride()
      .parseAsync(['node', 'gotrace', 'events', '/nonexistent/t.trace'])
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('failed to read trace file: open /nonexistent/t.trace: no such file or directory');
  });
});

describe('gotrace stats', () => {
  it('counts events by kind, and generations', async () => {
    const s = await stats(chunked('go1.27-annotations'));
    const text = want('go1.27-annotations').toString();
    const kinds = [...text.matchAll(/^M=\S+ P=\S+ G=\S+ (\w+) Time=/gm)].map((m) => m[1]!);
    expect(s.events).toBe(kinds.length);
    for (const kind of new Set(kinds)) expect(s.byKind.get(kind)).toBe(kinds.filter((k) => k === kind).length);
    expect(s.generations).toBe(1);
    expect(s.bytes).toBe(bytes('go1.27-annotations').length);
    expect(s.version).toBe(26);
    // Events that ran on a goroutine, a proc, a thread, as Go printed them.
    const ctx = [...text.matchAll(/^M=(\S+) P=(\S+) G=(\S+) /gm)];
    expect(s.context).toEqual([3, 2, 1].map((i) => ctx.filter((m) => m[i] !== '-1').length));
    const printed = formatStats(s);
    expect(printed).toMatch(/^format {6}Go 1\.26\n/);
    expect(printed).toMatch(/\nevents {6}52\n/);
    expect(printed).toMatch(/MB\/s, \d+ events\/s\n/);
  });

  it('reads a file in place (and as chunks, for the commands that take them) as from a stream', async () => {
    for (const name of ['go1.27-annotations', 'edge-values']) {
      const path = fileURLToPath(fixture(name + '.trace'));
      const { seconds: _a, ...want } = await stats(chunked(name));
      const { seconds: _b, ...got } = await stats(openTrace(path));
      expect(got).toEqual(want);
      const { seconds: _c, ...cursor } = await statsCursor(openTrace(path));
      expect(cursor).toEqual(want);
      const parts: Uint8Array[] = [];
      for await (const chunk of openTrace(path)) parts.push(chunk);
      expect(new Uint8Array(Buffer.concat(parts))).toEqual(bytes(name));
    }
  });

  it('spans times past 2^53 exactly', async () => {
    const s = await stats(chunked('edge-values'));
    expect(formatStats(s)).toMatch(/\ntime span {3}12 ns .*from 9007199254740990 to 9007199254741002\)\n/);
  });
});

describe('gotrace --version', () => {
  it('prints the version written in package.json', async () => {
    const p = await program();
    let out = '';
    p.configureOutput({ writeOut: (s) => void (out += s) });
    const err = await p.parseAsync(['node', 'gotrace', '--version']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'commander.version', exitCode: 0 });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(out).toBe(`${pkg.version}\n`);
  });
});
