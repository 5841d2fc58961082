// Old traces (Go 1.11-1.21) at the edges of what the core holds: names longer
// than 64 KiB, which Go's old parser allows (strings up to 1e6 bytes) and
// keeps whole; and traces of more events than the core's largest buffer holds,
// which must stop with the named "trace too large" TraceError at a byte
// offset, never a trap reported as internal, never a hang.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader, TraceError } from '../src/index';
import { canon } from './v1-canon';
import { read } from './golden';

const go127 = join(process.env.GOTRACE_GO_TOOLCHAINS ?? '/opt/go-toolchains', 'go1.27', 'bin', 'go');
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gotrace-v1-limits-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** uvarint is the unsigned LEB128 encoding of `x`. */
function uvarint(x: number): number[] {
  const out: number[] = [];
  for (; x >= 0x80; x = Math.floor(x / 128)) out.push((x & 0x7f) | 0x80);
  out.push(x);
  return out;
}

/** longName is `length` bytes of words that number themselves, so that a cut or a shift shows. */
function longName(prefix: string, length: number): string {
  let s = '';
  for (let i = 0; s.length < length; i++) s += `${prefix}-${i} `;
  return s.slice(0, length);
}

/** The old format's String event type (a string table entry: ID, length, bytes). */
const EV_STRING = 37;

/**
 * withLongNames returns a copy of the old trace `trace` whose string table
 * entries named in `names` (each a one-byte ID and length, as short strings
 * in Go's traces are) hold the given strings instead. Old traces have no
 * batch sizes, so the entries can grow in place.
 */
function withLongNames(trace: Buffer, names: Record<string, string>): Buffer {
  let out = trace;
  for (const [old, name] of Object.entries(names)) {
    const entry = Buffer.from([old.length, ...Buffer.from(old)]);
    let at = out.indexOf(entry);
    while (at >= 0 && out[at - 2] !== EV_STRING) at = out.indexOf(entry, at + 1);
    if (at < 0) throw new Error(`no string table entry ${JSON.stringify(old)}`);
    const bytes = Buffer.from(name);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(uvarint(bytes.length)), bytes, out.subarray(at + entry.length)]);
  }
  return out;
}

describe('old-format names longer than 64 KiB', () => {
  // A task's name (kept in the names arena until its TaskEnd) and a region's
  // (interned, as regions are matched by name), each past 65,536 bytes.
  const task = longName('outer', 70_000),
    region = longName('work', 70_001);
  const trace = withLongNames(readFileSync(new URL('./fixtures/v1/own-go121-annotations.trace', import.meta.url)), { outer: task, work: region });

  it('are read whole', () => {
    const { text, error } = read(trace);
    expect(error).toBeNull();
    const lines = text.split('\n');
    const begin = lines.filter((l) => l.includes(' TaskBegin ') && l.includes('ID=1 '));
    const end = lines.filter((l) => l.includes(' TaskEnd ') && l.includes('ID=1 '));
    expect(begin).toHaveLength(1);
    expect(end).toHaveLength(1);
    for (const l of [...begin, ...end]) expect(l.endsWith(` Type="${task}"`)).toBe(true);
    const regions = lines.filter((l) => l.includes(` Type="${region}"`));
    expect(regions).toHaveLength(6); // three goroutines' RegionBegin and RegionEnd
  });

  it.skipIf(!existsSync(go127))(`read as Go 1.27 reads them${existsSync(go127) ? '' : ` [skipped: no Go 1.27 at ${go127}]`}`, () => {
    const path = join(tmp, 'long-names.trace');
    writeFileSync(path, trace);
    const go = spawnSync(go127, ['tool', 'trace', '-d=parsed', path], { env: { ...process.env, GOTOOLCHAIN: 'local', TZ: 'UTC' }, maxBuffer: 1 << 30 });
    expect(go.stderr.toString()).toBe('');
    const got = canon(read(trace).text),
      want = canon(go.stdout.toString('latin1'));
    expect(want).toContain(task);
    expect(got === want).toBe(true);
  });
});

/**
 * manyEvents streams a Go 1.21 trace of `count` HeapAlloc events on P 0, in
 * batches of `perBatch`, then its Frequency: three bytes an event (type and
 * argument count, time delta 1, heap size 1), so millions of events take
 * tens of MB of input but 64 bytes each in the core.
 */
async function* manyEvents(count: number, perBatch: number): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('go 1.21 trace\x00\x00\x00');
  const full = new Uint8Array(3 * perBatch);
  for (let i = 0; i < perBatch; i++) full.set([33 | (1 << 6), 1, 1], 3 * i);
  let ts = 1;
  for (let n = 0; n < count; n += perBatch) {
    const k = Math.min(perBatch, count - n);
    yield Uint8Array.from([1 | (1 << 6), 0, ...uvarint(ts)]); // Batch p=0 ticks=ts
    yield full.subarray(0, 3 * k);
    ts += k;
  }
  yield Uint8Array.from([2, ...uvarint(1e9)]); // Frequency: 1 tick a nanosecond
}

/** count reads the trace `source` yields and returns its number of events, or the error it ended with. */
async function count(source: AsyncIterable<Uint8Array>): Promise<number | unknown> {
  const reader = new Reader(source);
  let n = 0;
  try {
    for (let b = await reader.nextBatch(); b !== null; b = await reader.nextBatch()) n += b.length;
  } catch (e) {
    return e;
  }
  return n;
}

/** expectTooLarge checks that `err` is the named "trace too large" error, at a byte offset past `after`. */
function expectTooLarge(err: unknown, after: number): void {
  expect(err).toBeInstanceOf(TraceError);
  const e = err as TraceError;
  expect(e.code).toBe(7);
  expect(e.goMessage).toBe('trace too large for gotrace: it needs a buffer of 536870976 bytes, more than the limit of 536870912');
  expect(e.offset).toBeGreaterThan(after);
}

describe('old traces of more events than the core holds', () => {
  // The core holds an old trace's events at once, 64 bytes each, in one
  // buffer of at most 512 MiB: 8,388,608 events (2^23).
  const limit = 2 ** 23;

  it('reads 8,388,608 events', { timeout: 60_000 }, async () => {
    expect(await count(manyEvents(limit, 1 << 14))).toBe(limit + 2); // and the two Syncs around them
  });

  it('stops one more with a named error at the batch that passes the limit', { timeout: 60_000 }, async () => {
    // The batches are 16,384 events: the last one does not fit.
    const err = await count(manyEvents(limit + 1, 1 << 14));
    expectTooLarge(err, 3 * limit);
  });

  it('stops a batch of more events than that with a named error at the event that passes it', { timeout: 60_000 }, async () => {
    const err = await count(manyEvents(limit + 1, limit + 1));
    expectTooLarge(err, 3 * limit);
    expect((err as TraceError).offset).toBe(16 + 3 + 3 * limit); // header, batch header (p=0 ticks=1), `limit` events
  });
});
