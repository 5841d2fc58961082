// What a reading of a damaged trace owes the reading of the trace it was made
// from, as Go's reader behaves (internal/trace/reader.go):
// - Every reading's event times strictly increase (Go moves an event that
//   is not later than the one before to 1 ns after it), and its Syncs are
//   numbered 1, 2, 3, ... in order, the first event being the first Sync.
// - A new-format trace is read a generation at a time: a generation is
//   delivered once all its batches are read, which takes the batch after its
//   last (Go 1.22-1.25: the next generation's first batch; Go 1.26+: its
//   EndOfGeneration). So the generations whose batches, and the batch after
//   them, lie before the first damaged byte are read as in the undamaged
//   trace: the damaged reading starts with the same events, up to the Sync
//   that opens the next generation.
// - An old-format trace (Go 1.11-1.21) is parsed, ordered and checked whole
//   before its first event: an error of those stages comes before any event.
import { expect } from 'vitest';
import type { TraceError } from '../src/errors';
import type { Reading } from './golden';

/** events splits a reading's printout (one latin1 char a byte) into its events' texts. */
export function events(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split(/\n(?=M=)/);
}

/** TIME_AND_SYNC reads an event's time, and a Sync's number. */
const HEAD = /^M=-?\d+ P=-?\d+ G=-?\d+ (\w+) Time=(-?\d+)(?: N=(\d+))?/;

/** expectWellFormed checks what every reading owes, damaged or not: times that increase and Syncs in order. */
export function expectWellFormed(text: string, what: string): void {
  let last: bigint | null = null,
    syncs = 0;
  events(text).forEach((e, i) => {
    const m = HEAD.exec(e);
    if (!m) throw new Error(`${what}: event ${i} is not an event: ${e.slice(0, 80)}`);
    const t = BigInt(m[2]!);
    if (last !== null && t <= last) expect.fail(`${what}: event ${i} at ${t} is not after ${last}`);
    last = t;
    if (i === 0 && m[1] !== 'Sync') expect.fail(`${what}: the first event is a ${m[1]}, not a Sync`);
    if (m[1] === 'Sync' && BigInt(m[3]!) !== BigInt(++syncs)) expect.fail(`${what}: Sync ${m[3]} where Sync ${syncs} was due`);
  });
}

/** uvarint reads an unsigned LEB128 number at `at`: its value and the offset after it (-1 past the end). */
function uvarint(b: Uint8Array, at: number): [number, number] {
  let v = 0,
    scale = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    v += (b[i]! & 0x7f) * scale;
    scale *= 128;
    if (b[i]! < 0x80) return [v, i + 1];
  }
  return [0, -1];
}

/**
 * safeGenerations counts the leading generations of a new-format trace that
 * Go reads the same whatever bytes follow offset `at`: those whose batches,
 * and the batch after them, end at or before it.
 */
export function safeGenerations(trace: Uint8Array, at: number): number {
  // The generation of each batch, in file order, and where it ends.
  const batches: { gen: number; end: number }[] = [];
  for (let p = 16; p < trace.length; ) {
    const type = trace[p]!;
    if (type === 52) {
      // EndOfGeneration: one byte, of the generation before it
      batches.push({ gen: batches.at(-1)?.gen ?? 0, end: p + 1 });
      p++;
      continue;
    }
    if (type !== 1 && type !== 49) break; // EventBatch, ExperimentalBatch
    let q = p + (type === 49 ? 2 : 1);
    const fields: number[] = [];
    for (let k = 0; k < 4 && q >= 0; k++) {
      let v: number;
      [v, q] = uvarint(trace, q);
      fields.push(v);
    }
    if (q < 0) break;
    const end = q + fields[3]!;
    if (end > trace.length) break;
    batches.push({ gen: fields[0]!, end });
    p = end;
  }
  let safe = 0;
  for (let i = 0; i < batches.length; i++) {
    const next = batches[i + 1];
    // Batch i is the last of its generation: that generation is safe if the
    // batch after it is whole before the damage.
    if (next === undefined || next.gen === batches[i]!.gen) continue;
    if (next.end > at) break;
    safe++;
  }
  return safe;
}

/** firstDifference is the first offset where two byte strings differ (the shorter's length if one starts the other). */
export function firstChange(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * expectSameGenerations checks that `damaged` starts with the events of the
 * first `n` generations of `undamaged` (all of them if it has fewer: then
 * it failed in one of them, and the damaged reading fails alike).
 */
export function expectSameGenerations(damaged: Reading, undamaged: Reading, n: number, what: string): void {
  const want = events(undamaged.text);
  let cut = want.findIndex((e) => HEAD.exec(e)?.[1] === 'Sync' && HEAD.exec(e)?.[3] === String(n + 1));
  if (cut < 0) {
    cut = want.length;
    if (undamaged.error) expect(damaged.error?.message, `${what}: the undamaged reading fails before the damage`).toBe(undamaged.error.message);
  }
  const got = events(damaged.text);
  if (got.length < cut) expect.fail(`${what}: ${got.length} events where the ${n} generations before the damage have ${cut}`);
  for (let i = 0; i < cut; i++) if (got[i] !== want[i]) expect.fail(`${what}: event ${i} differs:\n  got:  ${got[i]}\n  want: ${want[i]}`);
}

/** OLD_WHOLE_TRACE_ERRORS are the old format's errors of parsing, ordering and checking (before any event). */
export function isWholeTraceError(e: TraceError | null): boolean {
  return e !== null && e.code >= 400 && e.code < 450;
}
