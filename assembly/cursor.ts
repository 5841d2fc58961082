// One cursor per thread over its batches, and the min-heap of cursors by the
// time of their next event (Go's batchcursor.go). The reader tries the thread
// whose next event is earliest first; which thread wins a tie decides the order
// of events, so the heap is Go's, operation for operation.
//
// A cursor is CURSOR bytes: the base event it holds (the layout that
// order.ts's advance reads, 48 bytes: u32 type, u32 unused, i64 time, u64
// args[4]), then u64 thread (48), i64 last time (56), u32 batch (64: index + 1
// into the generation's batches, 0 when done), u32 the ordering's cache of the
// thread's slot (68: see order.ts's advance; 0 at first), u64 stream
// offset of the batch (72), and the read position and end of the batch's data
// (80, 84: addresses; the generation's data stays put while it is read).
//
// The heap's entries are 16 bytes: the time of the cursor's event, kept there
// so that comparisons read no cursor, then the cursor's index. That is also
// the element sort.ts sorts, so the frontier is sorted in place.

import { Vec } from './mem';
import { uvarint, varValue } from './input';
import { nargs, flags, F_TIMED, MAX_EXPERIMENTAL_EVENT } from './format';
import { batches, threads, BATCH, THREAD, freq, genNum, mulFreq } from './generation';
import { sortByKey } from './sort';
import { fail, ERROR } from './errors';
import { E_EVENT_ARG, E_EVENT_TIME, E_EVENT_TYPE, E_EVENT_UNTIMED } from './error-codes';

/** CURSOR is the size of a cursor. */
export const CURSOR: usize = 96;

const cursors = new Vec();
const heap = new Vec(); // entries: i64 time, u32 cursor index, u32 unused
const ENTRY: usize = 16;

/** frontierLen is the number of cursors in the heap. */
export let frontierLen: i32 = 0;

/** cursorAt is the address of the cursor at heap position `i`; its base event
 * is at that address. */
@inline export function cursorAt(i: i32): usize {
  return cursors.ptr + <usize>load<u32>(heap.ptr + <usize>i * ENTRY, 8) * CURSOR;
}
/** timeAt is the time of the next event of the cursor at heap position `i`. */
@inline export function timeAt(i: i32): i64 { return load<i64>(heap.ptr + <usize>i * ENTRY); }
/** threadOf is the thread of cursor `c`. */
@inline export function threadOf(c: usize): u64 { return load<u64>(c, 48); }
/** threadSlotCacheOf is the address of cursor `c`'s cache for the ordering
 * (order.ts's advance). */
@inline export function threadSlotCacheOf(c: usize): usize { return c + 68; }
/** batchOffsetOf is the stream offset of the batch cursor `c` reads. */
@inline export function batchOffsetOf(c: usize): u64 { return load<u64>(c, 72); }

/** cursorCount is the number of cursors of the generation (threads with
 * batches), in the heap or done. */
export function cursorCount(): u32 { return <u32>(cursors.len / CURSOR); }
/** cursorAddr is the address of cursor `k` (an index below cursorCount). */
@inline export function cursorAddr(k: u32): usize { return cursors.ptr + <usize>k * CURSOR; }
/** cursorIndexAt is the index of the cursor at heap position `i`. */
@inline export function cursorIndexAt(i: i32): u32 { return load<u32>(heap.ptr + <usize>i * ENTRY, 8); }

// ---- The heap as Go holds it, rebuilt and replayed by frontier.ts ----

/** heapClear empties the heap, for heapAppend to refill. */
export function heapClear(): void { heap.reset(); frontierLen = 0; }
/** heapAppend adds cursor `k` with time `t` at the end of the heap, without
 * restoring its order (sortFrontier does). */
export function heapAppend(t: i64, k: u32): void {
  const e = heap.grow(ENTRY);
  store<i64>(e, t);
  store<u64>(e, <u64>k, 8);
  frontierLen++;
}
/** heapSetTime gives the cursor at position `i` time `t` and restores the
 * heap as Go's heapUpdate does. */
export function heapSetTime(i: i32, t: i64): void {
  store<i64>(heap.ptr + <usize>i * ENTRY, t);
  heapUpdate(i);
}
/** heapRemoveAt removes the cursor at position `i` as Go's heapRemove does. */
export function heapRemoveAt(i: i32): void { heapRemove(i); }
/** setFrontierLen sets the number of cursors in the frontier while
 * frontier.ts holds it in its own form (the heap is rebuilt before use). */
export function setFrontierLen(n: i32): void { frontierLen = n; }

/** resetCursors empties the heap. */
export function resetCursors(): void { heap.reset(); frontierLen = 0; cursors.reset(); }

/** startCursors makes one cursor per thread of the generation, in order of
 * first appearance, reads each one's first event and inserts the cursors that
 * have one into the heap, as Go's installGen does. Returns 1 or ERROR. */
export function startCursors(): i32 {
  const n = threads.len / THREAD;
  resetCursors();
  setWholeFreq(freq);
  // Room for every cursor at once: their addresses stay put for the generation.
  cursors.reserve(n * CURSOR);
  heap.reserve(n * ENTRY);
  for (let i: usize = 0; i < n; i++) {
    const t = threads.ptr + i * THREAD;
    const c = cursors.grow(CURSOR);
    memory.fill(c, 0, CURSOR);
    store<u64>(c, load<u64>(t), 48);
    // An empty first batch leaves the cursor at its end: nextEvent moves on.
    enterBatch(c, load<u32>(t, 8));
    const st = nextEvent(c);
    if (st == ERROR) return ERROR;
    if (st == 0) continue;
    const e = heap.grow(ENTRY);
    store<i64>(e, load<i64>(c, 8));
    store<u64>(e, <u64>i, 8);
    frontierLen++;
    siftUp(frontierLen - 1);
  }
  return 1;
}

/** moveOn reads the next event of cursor `c` at heap position `i`, whose
 * event the ordering accepted, and restores the heap: the cursor goes where
 * its new time puts it, or leaves the heap where its thread has no more
 * events. As Go's tryAdvance does after a successful Advance. Returns 1 or
 * ERROR. */
@inline export function moveOn(i: i32, c: usize): i32 {
  const st = readNext(c);
  if (st == ERROR) return ERROR;
  if (st == 1) {
    const t = load<i64>(c, 8);
    store<i64>(heap.ptr + <usize>i * ENTRY, t);
    if (i == 0) {
      // The first cursor (the reader's usual case, where `i` is a constant):
      // it stays first unless a child is now earlier, as siftDown decides.
      const n = frontierLen;
      if ((n <= 1 || !(timeAt(1) < t)) && (n <= 2 || !(timeAt(2) < t))) return 1;
      siftDown(0);
    } else {
      heapUpdate(i);
    }
  } else {
    heapRemove(i);
  }
  return 1;
}

/** firstLimit is the latest time that the next event of the first cursor may
 * have for the cursor to stay first: the earliest of its children's (on a tie
 * it stays, as siftDown keeps it), or i64.MAX_VALUE where it has none. */
export function firstLimit(): i64 {
  const n = frontierLen;
  let limit = i64.MAX_VALUE;
  if (n > 1) limit = timeAt(1);
  if (n > 2 && timeAt(2) < limit) limit = timeAt(2);
  return limit;
}

/** moveFirst is moveOn for the first cursor `c`, where `limit` is at most
 * firstLimit(): while the cursor's next event is no later than that, it stays
 * first without a look at the rest of the heap. Returns 1 where it stays
 * first with its next event, 0 where the heap may have changed (the cursor
 * went down or left it), or ERROR. */
@inline export function moveFirst(c: usize, limit: i64): i32 {
  const st = readNext(c);
  if (st == ERROR) return ERROR;
  if (st == 0) {
    heapRemove(0);
    return 0;
  }
  const t = load<i64>(c, 8);
  store<i64>(heap.ptr, t);
  if (t <= limit) return 1;
  siftDown(0); // moves it only where a child is now earlier
  return 0;
}

/** nextEvent reads the next event of cursor `c` into its base event, as Go's
 * batchCursor.nextEvent does. Returns 1, 0 where the thread has no more
 * events, or ERROR. */
export function nextEvent(c: usize): i32 { return readNext(c); }

// readNext is nextEvent, inlined into moveOn, which runs for every event.
@inline function readNext(c: usize): i32 {
  let p = <usize>load<u32>(c, 80);
  let end = <usize>load<u32>(c, 84);
  if (p == end) {
    if (!nextBatch(c)) return 0;
    p = <usize>load<u32>(c, 80);
    end = <usize>load<u32>(c, 84);
  }
  let last = load<i64>(c, 56);
  if (last == 0) last = toNs(load<u64>(batches.ptr + <usize>(load<u32>(c, 64) - 1) * BATCH));
  // The event's type, then its timestamp delta, then its arguments.
  const typ = <u32>load<u8>(p);
  const n = <u32>load<u8>(TIMED_NARGS + typ);
  if (n == 0) return badType(c, typ);
  p = readVarint(p + 1, end, c + 8);
  if (p == 0) return fail(E_EVENT_TIME, load<u64>(c, 72), genNum);
  const dt = load<u64>(c, 8);
  // Up to four arguments (TIMED_NARGS is at most 5), unrolled: no loop.
  if (n > 1) {
    p = readVarint(p, end, c + 16);
    if (p == 0) return badArg(c);
    if (n > 2) {
      p = readVarint(p, end, c + 24);
      if (p == 0) return badArg(c);
      if (n > 3) {
        p = readVarint(p, end, c + 32);
        if (p == 0) return badArg(c);
        if (n > 4) {
          p = readVarint(p, end, c + 40);
          if (p == 0) return badArg(c);
        }
      }
    }
  }
  // Arguments past the event's own keep what the last event left, as in Go.
  store<u32>(c, typ);
  const time = toNs(dt) + last;
  store<i64>(c, time, 8);
  store<i64>(c, time, 56);
  store<u32>(c, <u32>p, 80);
  return 1;
}

// Where the frequency is a whole number k of nanoseconds per tick (64 in
// every trace of the corpus), a time t below wholeBelow converts as t * k in
// integers, with the same result as mulFreq's float math: t < 2^53 converts to
// float64 exactly, and so does the product, below 2^53 too; the truncation of
// an exact integer under 2^63 is that integer. Else (wholeBelow 0) the float
// math does it all.
let wholeFreq: u64 = 0;
let wholeBelow: u64 = 0;

// setWholeFreq sets wholeFreq and wholeBelow for frequency `f`.
function setWholeFreq(f: f64): void {
  if (f >= 1 && f <= 4294967296.0 && f == Math.floor(f)) {
    wholeFreq = <u64>f;
    wholeBelow = ((<u64>1 << 53) - 1) / wholeFreq + 1;
  } else {
    wholeFreq = 0;
    wholeBelow = 0;
  }
}

// toNs is mulFreq(t, freq), in integers where that gives the same result.
@inline function toNs(t: u64): i64 {
  return t < wholeBelow ? <i64>(t * wholeFreq) : mulFreq(t, freq);
}

// TIMED_NARGS holds, per event type, the number of its arguments (the time
// delta included) where the type may start an event in a batch, else 0: one
// load tells both nextEvent's checks and its count.
const TIMED_NARGS = memory.data(256);
for (let t: u32 = 0; t < <u32>MAX_EXPERIMENTAL_EVENT; t++) {
  if (flags(t) & F_TIMED) store<u8>(TIMED_NARGS + t, <u8>nargs(t));
}

// badArg fails with the error of an argument cut short or too long.
function badArg(c: usize): i32 { return fail(E_EVENT_ARG, load<u64>(c, 72), genNum); }

// badType fails with the error of an event type that cannot start an event:
// unknown, or one without a timestamp.
function badType(c: usize, typ: u32): i32 {
  if (typ >= <u32>MAX_EXPERIMENTAL_EVENT) return fail(E_EVENT_TYPE, load<u64>(c, 72), genNum, typ);
  return fail(E_EVENT_UNTIMED, load<u64>(c, 72), genNum, typ);
}

// nextBatch moves cursor `c` to the next of its thread's batches that has
// data, forgetting the last time as Go does at each batch, and reports
// whether there is one.
function nextBatch(c: usize): bool {
  let b = load<u32>(c, 64);
  while (b != 0) {
    b = load<u32>(batches.ptr + <usize>(b - 1) * BATCH, 24);
    store<i64>(c, 0, 56);
    if (b != 0 && enterBatch(c, b)) return true;
  }
  store<u32>(c, 0, 64);
  return false;
}

// enterBatch points cursor `c` at the start of batch `b` (index + 1) and
// reports whether the batch has data.
function enterBatch(c: usize, b: u32): bool {
  const e = batches.ptr + <usize>(b - 1) * BATCH;
  const start = <usize>load<u32>(e, 16);
  store<u32>(c, b, 64);
  store<u64>(c, load<u64>(e, 8), 72);
  store<u32>(c, <u32>start, 80);
  store<u32>(c, <u32>(start + <usize>load<u32>(e, 20)), 84);
  return load<u32>(e, 20) != 0;
}

// readVarint reads the varint at p (before end) into the u64 at `dst`, as
// uvarint() reads it, and returns the position after it; 0 where it is cut
// short or overflows. Where eight bytes remain, as nearly always, it loads
// them at once: one- and two-byte varints, which most arguments and time
// deltas are, are taken from the word with a mask or two, and longer ones
// that end within it (values below 2^56: no overflow to check) by packing
// its 7-bit groups together with a few masks and shifts. Else it goes byte
// by byte.
@inline function readVarint(p: usize, end: usize, dst: usize): usize {
  if (p + 8 <= end) {
    let w = load<u64>(p);
    if ((w & 0x80) == 0) {
      store<u64>(dst, w & 0x7f);
      return p + 1;
    }
    if ((w & 0x8000) == 0) {
      store<u64>(dst, (w & 0x7f) | (w >> 1 & 0x3f80));
      return p + 2;
    }
    const stops = ~w & 0x8080808080808080;
    if (stops != 0) {
      const bits = ctz(stops) + 1; // through the last byte's top bit
      if (bits < 64) w &= (<u64>1 << bits) - 1;
      w &= 0x7f7f7f7f7f7f7f7f;
      w = (w & 0x007f007f007f007f) | ((w & 0x7f007f007f007f00) >> 1);
      w = (w & 0x00003fff00003fff) | ((w & 0x3fff00003fff0000) >> 2);
      w = (w & 0x000000000fffffff) | ((w & 0x0fffffff00000000) >> 4);
      store<u64>(dst, w);
      return p + <usize>(bits >> 3);
    }
  }
  return readVarintBytes(p, end, dst);
}

// readVarintBytes is readVarint's path byte by byte.
function readVarintBytes(p: usize, end: usize, dst: usize): usize {
  const k = uvarint(p, end);
  if (k <= 0) return 0;
  store<u64>(dst, varValue);
  return p + <usize>k;
}

// ---- Go's heap of cursors, by the time of their next event ----

@inline function swap(i: i32, j: i32): void {
  const a = heap.ptr + <usize>i * ENTRY, b = heap.ptr + <usize>j * ENTRY;
  const t = load<i64>(a), k = load<u64>(a, 8);
  store<i64>(a, load<i64>(b)); store<u64>(a, load<u64>(b, 8), 8);
  store<i64>(b, t); store<u64>(b, k, 8);
}

function siftUp(i: i32): i32 {
  while (i > 0 && timeAt((i - 1) / 2) > timeAt(i)) {
    swap((i - 1) / 2, i);
    i = (i - 1) / 2;
  }
  return i;
}

// siftDown moves the entry at `i` down while a child is earlier, the earlier
// child (the left one on a tie) taking its place, as Go's heapSiftDown does
// with its min3; the entry is held aside and written once where it stops, as
// the chain of swaps would leave it. Positions are byte offsets into the heap
// (the children of the entry at offset o are at 2o + ENTRY and after), so no
// step multiplies an index to find an entry; the first look at the children
// is out of the loop, since most calls move the entry one level or none.
function siftDown(i: i32): void {
  const n = frontierLen;
  if (i >= n) return;
  const base = heap.ptr;
  const end = <usize>n * ENTRY;
  let hole = <usize>i * ENTRY;
  const t = load<i64>(base + hole);
  let m = earlierChild(base, hole, end, t);
  if (!m) return;
  const e = v128.load(base + hole);
  do {
    v128.store(base + hole, v128.load(base + m)); // a memory.copy this small costs a call
    hole = m;
    m = earlierChild(base, hole, end, t);
  } while (m);
  v128.store(base + hole, e);
}

// earlierChild returns the offset of the child of the entry at offset `o`
// that takes its place in siftDown: the earlier of its children (the left one
// on a tie) where that is earlier than `t`, else 0 (never a child's offset).
@inline function earlierChild(base: usize, o: usize, end: usize, t: i64): usize {
  let m = (o << 1) + ENTRY;
  if (m >= end) return 0;
  let mt = load<i64>(base + m);
  const r = m + ENTRY;
  if (r < end) {
    const rt = load<i64>(base + r);
    if (rt < mt) { m = r; mt = rt; }
  }
  // min3 keeps the entry unless a child is strictly earlier.
  return mt < t ? m : 0;
}

// heapUpdate restores the heap after the time at position `i` changed. Where
// no child is earlier, siftDown would move nothing: that common case is
// checked here, without the call.
function heapUpdate(i: i32): void {
  if (siftUp(i) != i) return;
  const l = 2 * i + 1;
  if (l >= frontierLen) return;
  const t = timeAt(i);
  if (!(timeAt(l) < t) && (l + 1 >= frontierLen || !(timeAt(l + 1) < t))) return;
  siftDown(i);
}

// heapRemove removes the cursor at position `i`, as Go's heapRemove does: it
// bubbles the entry to the root regardless of times, moves the last entry to
// the root and sifts it down.
function heapRemove(i: i32): void {
  while (i > 0) {
    swap((i - 1) / 2, i);
    i = (i - 1) / 2;
  }
  swap(0, frontierLen - 1);
  frontierLen--;
  heap.len = <usize>frontierLen * ENTRY;
  siftDown(0);
}

/** sortFrontier sorts the heap by time as Go's slices.SortFunc does (a
 * sorted heap is still a heap), for trying the cursors in time order. */
export function sortFrontier(): void { sortByKey(heap.ptr, frontierLen); }
