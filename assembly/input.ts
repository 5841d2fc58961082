// The input stream. TypeScript writes each chunk of the trace into a fixed
// window and calls feed(); the core keeps the bytes it has not consumed yet in
// `pending`. Readers look ahead from `pos` without consuming, and consume only
// once a whole unit (an event, a batch) is there, so that any unit may straddle
// chunk boundaries: when a unit is incomplete they answer NEED_INPUT and are
// called again with more bytes, or, once the input is closed, report the
// truncation as Go does.

import { Vec } from './mem';

/** The size of the input window TypeScript writes chunks into. */
export const WINDOW_SIZE: u32 = 1 << 20;
const window = heap.alloc(WINDOW_SIZE);

/** Bytes received and not yet consumed start at pending.ptr + pos. */
export const pending = new Vec();
/** The read position in `pending`. */
export let pos: usize = 0;
/** The stream offset of pending.ptr (bytes discarded before it). */
export let base: u64 = 0;
/** Whether close() has been called: no more bytes will come. */
export let closed = false;

export function inputWindow(): usize { return window; }
export function inputWindowSize(): u32 { return WINDOW_SIZE; }

/** feed takes `n` bytes from the window into the stream. Consumed bytes are
 * dropped first when they are the larger part, so the pending buffer stays
 * within about twice the largest unit plus one chunk. */
export function feed(n: u32): void {
  if (pos > 0 && pos >= pending.len - pos) {
    pending.discard(pos);
    base += <u64>pos;
    pos = 0;
  }
  pending.append(window, <usize>min(n, WINDOW_SIZE));
}

export function close(): void { closed = true; }

/** resetInput forgets the stream, for a new trace. */
export function resetInput(): void {
  pending.reset();
  pos = 0;
  base = 0;
  closed = false;
}

/** avail is the number of unconsumed bytes. */
@inline export function avail(): usize { return pending.len - pos; }
/** at is the address of the first unconsumed byte. */
@inline export function at(): usize { return pending.ptr + pos; }
/** consume marks `n` bytes read. */
@inline export function consume(n: usize): void { pos += n; }
/** offset is the stream offset of the first unconsumed byte. */
@inline export function offset(): u64 { return base + <u64>pos; }

// ---- Varints, with Go's encoding/binary semantics ----

/** The value of the last varint read by uvarint(). */
export let varValue: u64 = 0;

/** uvarint decodes an unsigned LEB128 varint from [p, end) into varValue and
 * returns its length in bytes. It returns 0 where the bytes end before the
 * varint does, and -(k) where the varint overflows 64 bits at its k-th byte
 * (a tenth byte above 1, or an eleventh byte), as Go's binary.Uvarint does. */
@inline export function uvarint(p: usize, end: usize): i32 {
  let x: u64 = 0;
  let s: u64 = 0;
  for (let i: i32 = 0; i < 10; i++) {
    if (p + <usize>i >= end) return 0;
    const b = <u64>load<u8>(p + <usize>i);
    if (b < 0x80) {
      if (i == 9 && b > 1) return -(i + 1);
      varValue = x | (b << s);
      return i + 1;
    }
    x |= (b & 0x7f) << s;
    s += 7;
  }
  return -11;
}

// ---- The header ----

/** The format version from the header: 22, 23, 25, 26, or 11, 19, 21 for the
 * old formats; 0 until the header has been read. */
export let traceVersion: u32 = 0;

export function version(): u32 { return traceVersion; }

/** Header errors (format/errors.mjs). */
export const E_BAD_HEADER: u32 = 1;
export const E_BAD_VERSION: u32 = 2;

/** readHeader reads "go 1.NN trace\0\0\0" (16 bytes) and returns 1 when done,
 * NEED_INPUT when fewer than 16 bytes are there yet and the input is open, or
 * a negative status after recording the error. The number is parsed as Go's
 * fmt.Fscanf("%d") would: an optional sign, then digits. */
export function readHeader(): i32 {
  if (traceVersion != 0) return 1;
  // Go reads exactly the header's bytes: "go 1." + digits + " trace" + three NULs.
  const prefix = "go 1.";
  const p = at();
  const n = avail();
  // Match the fixed prefix as far as we have bytes.
  for (let i = 0; i < 5; i++) {
    if (<usize>i >= n) return closed ? badHeader() : 0;
    if (<u32>load<u8>(p + <usize>i) != <u32>prefix.charCodeAt(i)) return badHeader();
  }
  let i: usize = 5;
  let v: u64 = 0;
  let digits = 0;
  while (true) {
    if (i >= n) return closed ? badHeader() : 0;
    const c = <u32>load<u8>(p + i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + <u64>(c - 0x30);
    if (v > 0xffffffff) return badHeader();
    digits++;
    i++;
  }
  if (digits == 0) return badHeader();
  const suffix = " trace\0\0\0";
  for (let j = 0; j < 9; j++) {
    if (i >= n) return closed ? badHeader() : 0;
    if (<u32>load<u8>(p + i) != <u32>suffix.charCodeAt(j)) return badHeader();
    i++;
  }
  const ver = <u32>v;
  if (ver != 11 && ver != 19 && ver != 21 && ver != 22 && ver != 23 && ver != 25 && ver != 26) {
    return fail(E_BAD_VERSION, offset(), 0, <u64>ver);
  }
  consume(i);
  traceVersion = ver;
  return 1;
}

function badHeader(): i32 { return fail(E_BAD_HEADER, 0, 0); }

import { fail } from './errors';
