// The core's own limits: input that would need a buffer past the core's
// largest (512 MiB) ends in a named TraceError with its byte offset, never in
// a WebAssembly trap reported as an internal error.
import { describe, expect, it } from 'vitest';
import { Reader, TraceError } from '../src/index';
import { PULL, type PullSource } from '../src/reader';

/** uvarint is the unsigned LEB128 encoding of `x`. */
function uvarint(x: number): number[] {
  const out: number[] = [];
  for (; x >= 0x80; x = Math.floor(x / 128)) out.push((x & 0x7f) | 0x80);
  out.push(x);
  return out;
}

/**
 * bigGeneration streams a Go 1.26 trace whose one generation holds `mib` MiB
 * of event batches: each batch is EventBatch gen=1 m=1 time=1 size=65000,
 * then 65000 bytes of GoStart events' type byte (the generation is never
 * ended, so none of it is ordered: only framing and buffering run).
 */
async function* bigGeneration(mib: number): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('go 1.26 trace\x00\x00\x00');
  const size = 65000;
  const head = [1, ...uvarint(1), ...uvarint(1), ...uvarint(1), ...uvarint(size)];
  const batch = new Uint8Array(head.length + size).fill(0x10);
  batch.set(head);
  const chunk = new Uint8Array(batch.length * 64);
  for (let i = 0; i < 64; i++) chunk.set(batch, i * batch.length);
  for (let n = 0; n < mib * 1024 * 1024; n += chunk.length) yield chunk;
}

describe('core limits', () => {
  it('stops a generation of more than 512 MiB with a named error', async () => {
    const reader = new Reader(bigGeneration(600));
    const err = await reader
      .next()
      .then(() => reader.next())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    const e = err as TraceError;
    expect(e.goMessage).toMatch(/^trace too large for gotrace: it needs a buffer of \d+ bytes, more than the limit of 536870912$/);
    expect(e.offset).toBeGreaterThan(512 * 1024 * 1024);
    // The reader keeps its error.
    await expect(reader.next()).rejects.toBe(err);
  });
});

/**
 * atTheLimit is a Go 1.23 trace of exactly 512 MiB, the core's limit on a
 * generation: a header, then event batches (EventBatch gen=1 m=1 time=5) of
 * 4096 bytes each (the first 4080), with no Frequency batch. Its one
 * generation ends at the end of the input; Go 1.27's reader rejects it with
 * "no frequency event found" (go tool trace -d=parsed on this trace). Read
 * as a file is (PullSource: the core asks for a full window each time), the
 * last read brings nothing, and that must not count against the limit.
 */
function atTheLimit(): { chunks(): AsyncGenerator<Uint8Array>; pull(): PullSource } {
  const total = 512 * 1024 * 1024;
  const bytes = (from: number, into: Uint8Array): number => {
    const n = Math.min(into.length, total - from);
    for (let i = 0; i < n; i++) into[i] = byteAt(from + i);
    return n;
  };
  const header = new TextEncoder().encode('go 1.23 trace\x00\x00\x00');
  const batchHead = (size: number) => [1, 1, 1, 5, ...uvarint(size)];
  const first = batchHead(4080 - 6);
  const rest = batchHead(4096 - 6);
  const byteAt = (at: number): number => {
    if (at < 16) return header[at]!;
    if (at < 16 + 4080) return at - 16 < first.length ? first[at - 16]! : 9;
    const o = (at - 16 - 4080) % 4096;
    return o < rest.length ? rest[o]! : 9;
  };
  return {
    async *chunks() {
      for (let at = 0; at < total; at += 1 << 20) {
        const c = new Uint8Array(Math.min(1 << 20, total - at));
        bytes(at, c);
        yield c;
      }
    },
    pull() {
      let at = 0;
      return {
        [PULL]: (into: Uint8Array) => {
          const n = bytes(at, into);
          at += n;
          return n;
        },
      };
    },
  };
}

describe('a generation of exactly the limit', () => {
  for (const way of ['chunks', 'pull'] as const) {
    it(`ends as Go's reader ends it, read as ${way}`, async () => {
      const t = atTheLimit();
      const reader = new Reader(way === 'chunks' ? t.chunks() : t.pull());
      const err = await (async () => {
        for (;;) if ((await reader.next()) === null) return null;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TraceError);
      expect((err as TraceError).goMessage).toBe('no frequency event found');
      expect((err as TraceError).offset).toBe(16);
    }, 60_000);
  }
});
