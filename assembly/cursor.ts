// One cursor per thread over its batches, and the min-heap of cursors by the
// time of their next event (Go's batchcursor.go). The reader tries the thread
// whose next event is earliest first; which thread wins a tie decides the order
// of events, so the heap is Go's, operation for operation.
//
// A cursor is CURSOR bytes: the base event it holds (the layout that
// order.ts's advance reads, 48 bytes: u32 type, u32 unused, i64 time, u64
// args[4]), then u64 thread (48), i64 last time (56), u32 batch (64: index + 1
// into the generation's batches, 0 when done), u32 offset of the next event in
// the batch's data (68).

import { Vec } from './mem';
import { uvarint, varValue } from './input';
import { nargs, flags, F_TIMED, MAX_EXPERIMENTAL_EVENT } from './format';
import { batches, batchBytes, threads, BATCH, THREAD, freq, genNum, mulFreq } from './generation';
import { sortByKey } from './sort';
import { fail, ERROR } from './errors';

/** Cursor errors (format/errors.mjs). */
export const E_BAD_TYPE: u32 = 140;
export const E_UNTIMED: u32 = 141;
export const E_BAD_TIME: u32 = 142;
export const E_BAD_ARG: u32 = 143;

/** CURSOR is the size of a cursor. */
export const CURSOR: usize = 80;

const cursors = new Vec();
const heap = new Vec(); // u32 cursor indices
const sortBuf = new Vec();

/** frontierLen is the number of cursors in the heap. */
export let frontierLen: i32 = 0;

/** cursorAt is the address of the cursor at heap position `i`; its base event
 * is at that address. */
@inline export function cursorAt(i: i32): usize {
  return cursors.ptr + <usize>load<u32>(heap.ptr + (<usize>i << 2)) * CURSOR;
}
/** timeAt is the time of the next event of the cursor at heap position `i`. */
@inline export function timeAt(i: i32): i64 { return load<i64>(cursorAt(i), 8); }
/** threadOf is the thread of cursor `c`. */
@inline export function threadOf(c: usize): u64 { return load<u64>(c, 48); }
/** batchOffsetOf is the stream offset of the batch cursor `c` reads. */
export function batchOffsetOf(c: usize): u64 {
  const b = load<u32>(c, 64);
  return b ? load<u64>(batches.ptr + <usize>(b - 1) * BATCH, 8) : 0;
}

/** resetCursors empties the heap. */
export function resetCursors(): void { heap.reset(); frontierLen = 0; cursors.reset(); }

/** startCursors makes one cursor per thread of the generation, in order of
 * first appearance, reads each one's first event and inserts the cursors that
 * have one into the heap, as Go's installGen does. Returns 1 or ERROR. */
export function startCursors(): i32 {
  const n = threads.len / THREAD;
  resetCursors();
  // Room for every cursor at once: their addresses stay put for the generation.
  cursors.reserve(n * CURSOR);
  heap.reserve(n << 2);
  for (let i: usize = 0; i < n; i++) {
    const t = threads.ptr + i * THREAD;
    const c = cursors.grow(CURSOR);
    memory.fill(c, 0, CURSOR);
    store<u64>(c, load<u64>(t), 48);
    store<u32>(c, load<u32>(t, 8), 64);
    const st = nextEvent(c);
    if (st == ERROR) return ERROR;
    if (st == 0) continue;
    heap.push32(<u32>i);
    frontierLen++;
    siftUp(frontierLen - 1);
  }
  return 1;
}

/** nextEvent reads the next event of cursor `c` into its base event, as Go's
 * batchCursor.nextEvent does. Returns 1, 0 where the thread has no more
 * events, or ERROR. */
export function nextEvent(c: usize): i32 {
  let b = load<u32>(c, 64);
  let off = load<u32>(c, 68);
  while (b != 0) {
    const e = batches.ptr + <usize>(b - 1) * BATCH;
    if (off != load<u32>(e, 20)) break;
    b = load<u32>(e, 24);
    off = 0;
    store<u32>(c, b, 64);
    store<u32>(c, 0, 68);
    store<i64>(c, 0, 56);
  }
  if (b == 0) return 0;
  const e = batches.ptr + <usize>(b - 1) * BATCH;
  let last = load<i64>(c, 56);
  if (last == 0) last = mulFreq(load<u64>(e), freq);
  const start = batchBytes.ptr + <usize>load<u32>(e, 16);
  const end = start + <usize>load<u32>(e, 20);
  let p = start + <usize>off;
  const at = load<u64>(e, 8);
  // The event's type, then its timestamp delta, then its arguments.
  const typ = <u32>load<u8>(p);
  if (typ >= <u32>MAX_EXPERIMENTAL_EVENT) return fail(E_BAD_TYPE, at, genNum, typ);
  if (!(flags(typ) & F_TIMED)) return fail(E_UNTIMED, at, genNum, typ);
  p++;
  let k = uvarint(p, end);
  if (k <= 0) return fail(E_BAD_TIME, at, genNum);
  p += <usize>k;
  const dt = varValue;
  const n = nargs(typ) - 1;
  for (let i: u32 = 0; i < n; i++) {
    k = uvarint(p, end);
    if (k <= 0) return fail(E_BAD_ARG, at, genNum);
    p += <usize>k;
    store<u64>(c + 16 + (<usize>i << 3), varValue);
  }
  // Arguments past the event's own keep what the last event left, as in Go.
  store<u32>(c, typ);
  const time = mulFreq(dt, freq) + last;
  store<i64>(c, time, 8);
  store<i64>(c, time, 56);
  store<u32>(c, <u32>(p - start), 68);
  return 1;
}

// ---- Go's heap of cursors, by the time of their next event ----

@inline function swap(i: i32, j: i32): void {
  const a = heap.ptr + (<usize>i << 2), b = heap.ptr + (<usize>j << 2);
  const t = load<u32>(a);
  store<u32>(a, load<u32>(b));
  store<u32>(b, t);
}

function siftUp(i: i32): i32 {
  while (i > 0 && timeAt((i - 1) / 2) > timeAt(i)) {
    swap((i - 1) / 2, i);
    i = (i - 1) / 2;
  }
  return i;
}

function siftDown(i: i32): void {
  while (true) {
    const m = min3(i, 2 * i + 1, 2 * i + 2);
    if (m == i) return;
    swap(i, m);
    i = m;
  }
}

function min3(i0: i32, i1: i32, i2: i32): i32 {
  let minIdx = i0;
  let minT = i64.MAX_VALUE;
  if (i0 < frontierLen) minT = timeAt(i0);
  if (i1 < frontierLen) {
    const t = timeAt(i1);
    if (t < minT) { minT = t; minIdx = i1; }
  }
  if (i2 < frontierLen) {
    const t = timeAt(i2);
    if (t < minT) { minT = t; minIdx = i2; }
  }
  return minIdx;
}

/** heapUpdate restores the heap after the time at position `i` changed. */
export function heapUpdate(i: i32): void {
  if (siftUp(i) != i) return;
  siftDown(i);
}

/** heapRemove removes the cursor at position `i`, as Go's heapRemove does:
 * it bubbles the entry to the root regardless of times, moves the last entry
 * to the root and sifts it down. */
export function heapRemove(i: i32): void {
  while (i > 0) {
    swap((i - 1) / 2, i);
    i = (i - 1) / 2;
  }
  swap(0, frontierLen - 1);
  frontierLen--;
  heap.len = <usize>frontierLen << 2;
  siftDown(0);
}

/** sortFrontier sorts the heap by time as Go's slices.SortFunc does (a
 * sorted heap is still a heap), for trying the cursors in time order. */
export function sortFrontier(): void {
  const n = <usize>frontierLen;
  sortBuf.reset();
  const buf = sortBuf.grow(n << 4);
  for (let i: usize = 0; i < n; i++) {
    store<i64>(buf + (i << 4), timeAt(<i32>i));
    store<u64>(buf + (i << 4), <u64>load<u32>(heap.ptr + (i << 2)), 8);
  }
  sortByKey(buf, <i32>n);
  for (let i: usize = 0; i < n; i++) store<u32>(heap.ptr + (i << 2), <u32>load<u64>(buf + (i << 4), 8));
}
