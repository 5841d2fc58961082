// The core's own limits: input that would need a buffer past the core's
// largest (512 MiB) ends in a named TraceError with its byte offset, never in
// a WebAssembly trap reported as an internal error.
import { describe, expect, it } from 'vitest';
import { Reader, TraceError } from '../src/index';

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
    const err = await reader.next().then(() => reader.next()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    const e = err as TraceError;
    expect(e.goMessage).toMatch(/^trace too large for gotrace: it needs a buffer of \d+ bytes, more than the limit of 536870912$/);
    expect(e.offset).toBeGreaterThan(512 * 1024 * 1024);
    // The reader keeps its error.
    await expect(reader.next()).rejects.toBe(err);
  });
});
