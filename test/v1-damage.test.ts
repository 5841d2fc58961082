// Damaged old traces (truncated, bytes changed, inserted or removed, garbage
// after a valid header): reading must end, with the events or a TraceError of
// gotrace's table, never a trap, an internal error or a hang; what it reads
// must be a reading (times that increase, Syncs in order), and as Go parses,
// orders and checks an old trace whole before its first event, an error of
// those stages must come before any event (damage-relation.ts). And feeding a
// trace in chunks of any size must read exactly as feeding it whole: an old
// trace is held until the input ends.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSync, type Core } from '../bindings/index';
import { createHash } from 'node:crypto';
import { ERRORS } from '../format/errors.mjs';
import { Reader } from '../src/reader';
import { read } from './golden';
import { expectWellFormed, isWholeTraceError } from './damage-relation';

const dir = new URL('./fixtures/v1/', import.meta.url);
const traces = readdirSync(dir)
  .filter((f) => f.endsWith('.trace') && !f.includes('-gc'))
  .map((f) => new Uint8Array(readFileSync(new URL(f, dir))));

/** survives reads `bytes` and checks that it ended in one of the ways allowed. */
function survives(bytes: Uint8Array): void {
  const { text, error } = read(bytes);
  expectWellFormed(text, 'damaged old trace');
  if (isWholeTraceError(error)) expect(text, error!.message).toBe('');
  if (error === null) return;
  expect(error.code, error.message).not.toBe(900);
  expect(ERRORS[error.code], `code ${error.code} is in format/errors.mjs`).toBeDefined();
}

/** An edit of a trace: a byte set, a run of bytes inserted, or removed. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** apply returns `trace` with `edits` made after its 16-byte header. */
function apply(trace: Uint8Array, edits: Edit[]): Uint8Array {
  const b = Array.from(trace);
  for (const e of edits) {
    const at = 16 + (e.at % Math.max(1, b.length - 16));
    if (e.kind === 'set') b[at] = e.value;
    else if (e.kind === 'insert') b.splice(at, 0, ...e.bytes);
    else b.splice(at, e.count);
  }
  return Uint8Array.from(b);
}

describe('damaged old traces end cleanly', () => {
  it('cut short anywhere', () => {
    fc.assert(
      fc.property(fc.nat({ max: traces.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (t, f) => {
        const trace = traces[t]!;
        survives(trace.subarray(0, Math.floor(trace.length * f)));
      }),
      { numRuns: 150 },
    );
  });

  it('with bytes changed, inserted or removed', () => {
    fc.assert(
      fc.property(fc.nat({ max: traces.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (t, edits) => {
        survives(apply(traces[t]!, edits));
      }),
      { numRuns: 250 },
    );
  });

  it('with garbage after a valid header', () => {
    const versions = ['11', '19', '21'];
    fc.assert(
      fc.property(fc.constantFrom(...versions), fc.uint8Array({ maxLength: 600 }), (v, body) => {
        const header = new TextEncoder().encode(`go 1.${v} trace\0\0\0`);
        const b = new Uint8Array(header.length + body.length);
        b.set(header);
        b.set(body, header.length);
        survives(b);
      }),
      { numRuns: 250 },
    );
  });
});

/** readChunked reads `trace` from an async source of chunks of the given sizes. */
async function readChunked(trace: Uint8Array, sizes: number[]): Promise<string> {
  async function* chunks() {
    let at = 0;
    for (let i = 0; at < trace.length; i++) {
      const n = sizes[i % sizes.length]!;
      yield trace.subarray(at, at + n);
      at += n;
    }
  }
  let text = '';
  try {
    for await (const ev of new Reader(chunks())) text += ev.toString() + '\n';
  } catch (e) {
    text += `error: ${(e as Error).message}\n`;
  }
  return text;
}

describe('old traces in chunks', () => {
  it('read as when whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: traces.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (t, sizes, cut) => {
          const trace = cut ? traces[t]!.subarray(0, traces[t]!.length - 7) : traces[t]!;
          let whole = '';
          try {
            for await (const ev of new Reader(trace)) whole += ev.toString() + '\n';
          } catch (e) {
            whole += `error: ${(e as Error).message}\n`;
          }
          expect(await readChunked(trace, sizes)).toBe(whole);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** uvarint is the varint encoding of `x`. */
function uvarint(x: number): number[] {
  const out: number[] = [];
  for (; x >= 0x80; x = Math.floor(x / 128)) out.push((x & 0x7f) | 0x80);
  out.push(x);
  return out;
}

describe('old traces that make Go slow', () => {
  // P 0 has `n` events that need no goroutine; each of `n` other Ps has one
  // GoStart of a goroutine that never becomes runnable. Go checks every such
  // P again before each event it takes (n² checks: minutes at n = 40000);
  // Go's verdict, whatever n (checked with Go at n = 3000 and 10000), is this
  // error after no events.
  it("read in linear time, with Go's verdict", { timeout: 20_000 }, () => {
    const n = 40_000;
    const b: number[] = [...new TextEncoder().encode('go 1.21 trace\0\0\0')];
    b.push(0x41, ...uvarint(0), 1); // batch of P 0 at time 1
    for (let i = 0; i < n; i++) b.push(0x40 | 33, 1, ...uvarint(i)); // HeapAlloc
    for (let p = 1; p <= n; p++) b.push(0x41, ...uvarint(p), 1, 0x80 | 14, 1, 7, 100); // GoStart g=7 seq=100
    b.push(2, ...uvarint(1e9)); // Frequency
    const { text, error } = read(Uint8Array.from(b));
    expect(text).toBe('');
    expect(error?.goMessage).toBe('no consistent ordering of events possible');
  });
});

/** recordsOf feeds `trace` to `core` whole and returns a hash of every record
 * and table blob it writes, and its last status. */
function recordsOf(core: Core, trace: Uint8Array): string {
  core.feed(trace);
  core.close();
  const h = createHash('sha256');
  for (;;) {
    const n = core.next();
    if (n <= 0) return `${h.digest('hex')} ${n}`;
    const at = core.exports.records();
    h.update(core.views.u8.subarray(at, at + n * 80));
    const t = core.exports.tables();
    h.update(core.views.u8.subarray(t, t + core.exports.tablesLen()));
  }
}

describe('one core, one trace after another', () => {
  it('reads each as a fresh core does, after reset()', () => {
    const damaged = traces[0]!.subarray(0, traces[0]!.length >> 1);
    const order = [traces[1]!, damaged, traces[0]!, traces[1]!, traces[2]!];
    const core = loadSync();
    for (const trace of order) {
      core.reset();
      expect(recordsOf(core, trace)).toBe(recordsOf(loadSync(), trace));
    }
  });
});
