// The frontier of many threads, in Go's order without Go's quadratic work.
//
// Where the first cursor's event must wait, Go's reader (reader.go) sorts the
// whole heap of cursors and tries each in time order until one is accepted:
// with thousands of threads whose events wait for one late thread (early
// GoStarts of goroutines created late), every event of that thread costs a
// sort and a try of every waiting thread. This file does the same choices
// with work that grows with the events, not with events times threads:
//
// - Where no two cursors have the same time, which cursor Go picks depends on
//   the times alone: the first is the earliest, and the sort puts the rest in
//   time order. And right after a sort, Go's heap is in time order, equal
//   times in a known order (seq), and stays so while each operation leaves
//   its cursor between its neighbors (sorted); a sort of it changes nothing.
//   So once Go's heap is sorted, the frontier is held here ("virtual" mode)
//   as a heap of its own (byTime, by time then seq), with no sort. Go's own
//   heap (the order of its slice, which decides among equal times) is
//   rebuilt only where a tie would be decided by it while it is not known to
//   be sorted (materialize): from the last sort, by replaying the log of Go's
//   heap operations since. Then the reader goes on with Go's heap
//   (cursor.ts) until its next sort.
// - A cursor whose GoStart or GoUnblock waits for its goroutine is set aside
//   under that goroutine's ID: Go's check of such an event reads nothing but
//   that goroutine's record, so the event is refused again until the ordering
//   changes that record (wake.ts). The rest are tried in time order from a
//   second heap (ready), of the cursors not set aside.
//
// Enough threads to matter (virtualMin, 256) are needed for the virtual
// mode: for the few threads of most traces, Go's heap is as cheap. Other
// waits (a ProcStart for its proc, a GoSwitch, a syscall's end, GC and range
// sequences) are not set aside: such a cursor is tried again at each sort
// while it waits, as in Go, so thousands of threads waiting that way still
// cost work quadratic in them. So do thousands of threads whose waiting
// events have one time: each one taken leaves Go's heap unsorted among
// equal times, so it is rebuilt, and sorted as Go sorts it, once an event
// (n log n each: its group of equal times is sorted by seq, not by
// insertion, which took a step per pair out of order).

import { Vec, U64Map } from './mem';
import {
  cursorCount, cursorAddr, cursorIndexAt, frontierLen, setFrontierLen, heapClear, heapAppend,
  heapSetTime, heapRemoveAt, sortFrontier, timeAt, threadOf, threadSlotCacheOf, batchOffsetOf, nextEvent,
} from './cursor';
import { advance } from './order';
import { queueOffer } from './queue';
import { genNum } from './generation';
import { sortByKey } from './sort';
import { fail, ERROR } from './errors';
import { E_FAILED_TO_ADVANCE } from './error-codes';
import { EvGoStart, EvGoUnblock } from './format';
import { setWatching, touched } from './wake';

// virtualMin is the fewest cursors for the virtual mode.
let virtualMin: i32 = 256;

/** virtual is whether the frontier is held here rather than in Go's heap. */
export let virtual = false;

/** work counts the cursors tried and the cursors sorted, in the debug build
 * only: the measure of the reader's work that tests bound. */
let work: u64 = 0;

/** countWork adds `n` to work in the debug build; the release build drops it. */
@inline export function countWork(n: u64): void {
  if (!ASC_NO_ASSERT) work += n;
}

/** orderWork is exported: the work counted since the core started (debug build; 0 in release). */
export function orderWork(): u64 { return work; }

// Debug build: the times the virtual mode began and ended (materialize).
let entered: u32 = 0;
let ended: u32 = 0;

/** orderVirtualStats is exported: the times the virtual mode began (`which`
 * 0) and ended with a rebuild of Go's heap (1), in the debug build, so that
 * tests know they exercised both. */
export function orderVirtualStats(which: i32): u32 { return which == 0 ? entered : ended; }

/** orderVirtualMin is exported: it sets the fewest cursors for the virtual
 * mode and the longest log (debug build only), so that tests run the mode
 * and its rebuilds of Go's heap on small traces. */
export function orderVirtualMin(n: i32, logCap: i32): void {
  if (!ASC_NO_ASSERT) {
    virtualMin = n;
    logMax = logCap;
  }
}

// The longest log where set for tests (-1: none).
let logMax: i32 = -1;

// logTooLong reports whether the log is long enough to end the virtual mode:
// 4 entries a cursor and 4096 more (or logMax).
@inline function logTooLong(count: usize): bool {
  const n = log.len / LOG;
  return logMax >= 0 ? n > <usize>logMax : n > 4 * count + 4096;
}

// ---- An indexed min-heap of cursors by time ----

// Entries are 16 bytes: i64 time, u32 cursor index, u32 unused. pos holds,
// per cursor, 1 + its position (0: absent). Equal times are ordered by the
// cursors' seq: their order in Go's heap where it is known (sorted), else
// any (the virtual mode then holds no tie where the order would matter).
class TimeHeap {
  ent: Vec = new Vec();
  pos: Vec = new Vec();
  n: i32 = 0;

  /** reset empties the heap, for cursors below `count`. */
  reset(count: u32): void {
    this.ent.reset();
    this.ent.reserve(<usize>count * 16);
    this.pos.reset();
    memory.fill(this.pos.grow(<usize>count * 4), 0, <usize>count * 4);
    this.n = 0;
  }

  @inline has(k: u32): bool { return load<u32>(this.pos.ptr + (<usize>k << 2)) != 0; }
  @inline private timeAt(i: i32): i64 { return load<i64>(this.ent.ptr + (<usize>i << 4)); }
  @inline private keyAt(i: i32): u32 { return load<u32>(this.ent.ptr + (<usize>i << 4), 8); }
  /** time is the time of cursor `k`, which must be present. */
  @inline time(k: u32): i64 { return this.timeAt(<i32>load<u32>(this.pos.ptr + (<usize>k << 2)) - 1); }
  /** first is the earliest cursor (the heap must not be empty). */
  @inline first(): u32 { return this.keyAt(0); }
  /** firstTime is the earliest time (the heap must not be empty). */
  @inline firstTime(): i64 { return this.timeAt(0); }

  // put writes cursor `k` with time `t` at position `i`.
  @inline private put(i: i32, t: i64, k: u32): void {
    const e = this.ent.ptr + (<usize>i << 4);
    store<i64>(e, t);
    store<u32>(e, k, 8);
    store<u32>(this.pos.ptr + (<usize>k << 2), <u32>i + 1);
  }

  /** insert adds cursor `k` with time `t`. */
  insert(k: u32, t: i64): void {
    this.ent.grow(16);
    this.n++;
    this.up(this.n - 1, t, k);
  }

  /** update gives cursor `k` (present) time `t`. */
  update(k: u32, t: i64): void {
    const i = <i32>load<u32>(this.pos.ptr + (<usize>k << 2)) - 1;
    if (before(t, k, this.timeAt(i), k)) this.up(i, t, k);
    else this.down(i, t, k);
  }

  /** remove takes cursor `k` (present) out. */
  remove(k: u32): void {
    const i = <i32>load<u32>(this.pos.ptr + (<usize>k << 2)) - 1;
    store<u32>(this.pos.ptr + (<usize>k << 2), 0);
    this.n--;
    this.ent.len -= 16;
    if (i == this.n) return;
    const t = this.timeAt(this.n), last = this.keyAt(this.n);
    const p = (i - 1) >> 1;
    if (i > 0 && before(t, last, this.timeAt(p), this.keyAt(p))) this.up(i, t, last);
    else this.down(i, t, last);
  }

  // up places (t, k) at or above position `i`.
  private up(i: i32, t: i64, k: u32): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, k, this.timeAt(p), this.keyAt(p))) break;
      this.put(i, this.timeAt(p), this.keyAt(p));
      i = p;
    }
    this.put(i, t, k);
  }

  // down places (t, k) at or below position `i`.
  private down(i: i32, t: i64, k: u32): void {
    while (true) {
      let m = 2 * i + 1;
      if (m >= this.n) break;
      if (m + 1 < this.n && before(this.timeAt(m + 1), this.keyAt(m + 1), this.timeAt(m), this.keyAt(m))) m++;
      if (!before(this.timeAt(m), this.keyAt(m), t, k)) break;
      this.put(i, this.timeAt(m), this.keyAt(m));
      i = m;
    }
    this.put(i, t, k);
  }
}

// seqs holds, per cursor (u32), its place among equal times: its position in
// Go's heap as last sorted, where known.
const seqs = new Vec();
@inline function seqOf(k: u32): u32 { return load<u32>(seqs.ptr + (<usize>k << 2)); }

// before orders cursor `a` at time `ta` and cursor `b` at time `tb`: by time,
// then by seq.
@inline function before(ta: i64, a: u32, tb: i64, b: u32): bool {
  return ta < tb || (ta == tb && seqOf(a) < seqOf(b));
}

// sorted is whether Go's heap is known to be in time order, each cursor at
// the position its seq says (byPos: u32 cursor per position): so it is after
// a sort of Go's heap, until an operation moves a cursor out of time order or
// removes one. While it is, Go's heap is known without a rebuild, ties and
// all, and its next sort changes nothing.
let sorted = false;
const byPos = new Vec();

// byTime holds every cursor of the frontier; ready those not set aside.
const byTime = new TimeHeap();
const ready = new TimeHeap();

// times counts the cursors of the frontier at each time; ties is the number
// of cursors that share their time with an earlier-counted one.
const times = new U64Map();
let ties: u32 = 0;

// Per cursor (u32 each): 1 while set aside, and the stamp of its last
// setting aside (waits entries with an older stamp are stale).
const asideFlag = new Vec();
const asideStamp = new Vec();
// waiting maps a goroutine ID to 1 + the index of the first entry of its
// list in waits: entries of 12 bytes, u32 cursor, u32 1 + next entry's index
// (0: none), u32 stamp.
const waiting = new U64Map();
const waits = new Vec();
const WAIT: usize = 12;

// The log of Go's heap operations since its last sort: entries of 24 bytes,
// u32 cursor, u32 flags (FOUND: the cursor the scan found, else the first;
// GONE: it left the heap), i64 its time before, i64 its time after.
const log = new Vec();
const LOG: usize = 24;
const FOUND: u32 = 1;
const GONE: u32 = 2;

// Cursors tried and refused during a scan without being set aside.
const skipped = new Vec();
// Scratch for materialize: per cursor, i64 time then u32 in-the-heap flag.
const scratch = new Vec();
// Scratch for orderTies: the heap's entries in their new order (16 bytes:
// i64 time, or seq while a group of equal times is sorted; u64 cursor).
const reordered = new Vec();

/** resetFrontier leaves the virtual mode, for a new generation or trace. */
export function resetFrontier(): void {
  virtual = false;
  setWatching(false);
}

/** firstTime is the time of the frontier's first event (it must not be empty). */
@inline export function firstTime(): i64 { return virtual ? byTime.firstTime() : timeAt(0); }

/** afterSort is called by the reader once it sorted Go's heap because its
 * first cursor's event must wait: where the frontier is large, the reader
 * continues in the virtual mode (Go's heap is sorted: each cursor's seq is
 * its position), and this returns 1; else 0, and the reader tries the rest
 * in Go's heap. */
export function afterSort(): i32 {
  if (frontierLen < virtualMin) return 0;
  const count = cursorCount();
  seqs.reset();
  memory.fill(seqs.grow(<usize>count * 4), 0, <usize>count * 4);
  byPos.reset();
  for (let i = 0; i < frontierLen; i++) {
    const k = cursorIndexAt(i);
    store<u32>(seqs.ptr + (<usize>k << 2), <u32>i);
    store<u32>(byPos.grow(4), k);
  }
  sorted = true;
  log.reset();
  byTime.reset(count);
  ready.reset(count);
  times.clear();
  ties = 0;
  asideFlag.reset();
  memory.fill(asideFlag.grow(<usize>count * 4), 0, <usize>count * 4);
  asideStamp.reset();
  memory.fill(asideStamp.grow(<usize>count * 4), 0, <usize>count * 4);
  waiting.clear();
  waits.reset();
  // The sorted heap is already in heap order: entries go in as they are.
  for (let i = 0; i < frontierLen; i++) {
    const k = cursorIndexAt(i), t = timeAt(i);
    byTime.insert(k, t);
    ready.insert(k, t);
    countTime(t);
  }
  virtual = true;
  setWatching(true);
  if (!ASC_NO_ASSERT) entered++;
  return 1;
}

/** tryFirst offers the ordering the first cursor's event in the virtual mode,
 * as the reader's first try: 1 where it was accepted, 0 where it must wait
 * (then scan() tries the rest), ERROR; or AGAIN where the virtual mode has
 * ended (materialize) before the try, and the reader uses Go's heap. */
export function tryFirst(dst: usize): i32 {
  // Equal first times: Go's heap decides which comes first.
  if (!sorted && times.get(<u64>byTime.firstTime(), 0) > 1) {
    materialize();
    return AGAIN;
  }
  const k = byTime.first();
  triedFirst = k;
  const ok = offer(k, dst);
  if (ok != 1) return ok;
  return moved(k, 0);
}

/** triedFirst is the cursor whose event tryFirst offered last. */
export let triedFirst: u32 = 0;

/** AGAIN is tryFirst's status where the reader must use Go's heap. */
export const AGAIN: i32 = -50;

/** scan is the virtual mode's sort and tries after the first cursor's event
 * (cursor `tried`'s) must wait: it returns 1 where another cursor's event was
 * accepted, ERROR, or AGAIN where the frontier has ties (Go's heap is back,
 * unsorted, its first cursor tried). */
export function scan(dst: usize, tried: u32): i32 {
  if (ties != 0 && !sorted) {
    materialize();
    return AGAIN;
  }
  // Go sorts its heap here: with no ties, the times alone decide the result;
  // a sorted heap stays as it is.
  log.reset();
  // Go's loop starts after the sorted heap's first cursor, which is the one
  // tried unless a tie put another first: that one is not tried this time.
  const first = byTime.first();
  setAside(tried);
  skipped.reset();
  let st: i32 = 0;
  while (ready.n > 0) {
    const k = ready.first();
    ready.remove(k);
    if (k == first) {
      store<u32>(skipped.grow(4), k);
      continue;
    }
    st = offer(k, dst);
    if (st == ERROR) return ERROR;
    if (st == 1) {
      st = moved(k, FOUND);
      break;
    }
    if (!setAside(k)) store<u32>(skipped.grow(4), k);
  }
  for (let p = skipped.ptr, end = p + skipped.len; p < end; p += 4) {
    const k = load<u32>(p);
    if (byTime.has(k) && !ready.has(k)) ready.insert(k, byTime.time(k));
  }
  if (st == 1 || st == ERROR) return st;
  const c = cursorAddr(first);
  return fail(E_FAILED_TO_ADVANCE, batchOffsetOf(c), genNum, genNum, <u64>frontierLen, threadOf(c), <u64>load<u32>(c));
}

// offer offers the ordering the event of cursor `k`, its first record to go
// to `dst`.
@inline function offer(k: u32, dst: usize): i32 {
  countWork(1);
  const c = cursorAddr(k);
  queueOffer(dst);
  return advance(c, threadOf(c), genNum, batchOffsetOf(c), threadSlotCacheOf(c));
}

// moved reads the next event of cursor `k`, whose event was accepted, and
// updates the frontier and the log (flags: FOUND or 0), then retries the
// cursors that wait on what the event changed. Returns 1 or ERROR.
function moved(k: u32, flags: u32): i32 {
  const c = cursorAddr(k);
  const before = byTime.time(k);
  const st = nextEvent(c);
  if (st == ERROR) return ERROR;
  store<u32>(asideFlag.ptr + (<usize>k << 2), 0);
  uncountTime(before);
  const e = log.grow(LOG);
  store<u32>(e, k);
  store<i64>(e, before, 8);
  if (st == 1) {
    const t = load<i64>(c, 8);
    if (sorted) sorted = staysSorted(k, t);
    byTime.update(k, t);
    if (ready.has(k)) ready.update(k, t);
    else ready.insert(k, t);
    countTime(t);
    store<u32>(e, flags, 4);
    store<i64>(e, t, 16);
  } else {
    sorted = false;
    byTime.remove(k);
    if (ready.has(k)) ready.remove(k);
    setFrontierLen(frontierLen - 1);
    store<u32>(e, flags | GONE, 4);
    store<i64>(e, 0, 16);
  }
  wakeTouched();
  // A long log or many stale waits: back to Go's heap, which holds neither.
  const count = <usize>cursorCount();
  if (logTooLong(count) || waits.len / WAIT > 8 * count + 4096) materialize();
  return 1;
}

// staysSorted reports whether Go's heap, sorted, stays sorted where cursor
// `k` takes time `t`: where `t` is between its neighbors' times, Go's
// heapUpdate moves nothing (no parent is later, no child earlier).
function staysSorted(k: u32, t: i64): bool {
  const i = <i32>seqOf(k);
  if (i > 0 && t < byTime.time(load<u32>(byPos.ptr + (<usize>(i - 1) << 2)))) return false;
  return i + 1 >= frontierLen || t <= byTime.time(load<u32>(byPos.ptr + (<usize>(i + 1) << 2)));
}

// setAside sets cursor `k` aside where its event waits for a goroutine's
// record alone (GoStart, GoUnblock) and reports whether it did.
function setAside(k: u32): bool {
  const c = cursorAddr(k);
  const typ = load<u32>(c);
  if (typ != EvGoStart && typ != EvGoUnblock) return false;
  if (ready.has(k)) ready.remove(k);
  const flag = asideFlag.ptr + (<usize>k << 2);
  if (load<u32>(flag) != 0) return true;
  store<u32>(flag, 1);
  const stampAt = asideStamp.ptr + (<usize>k << 2);
  const stamp = load<u32>(stampAt) + 1;
  store<u32>(stampAt, stamp);
  const g = load<u64>(c, 16);
  const w = waits.grow(WAIT);
  store<u32>(w, k);
  store<u32>(w, waiting.get(g, 0), 4);
  store<u32>(w, stamp, 8);
  waiting.set(g, <u32>((w - waits.ptr) / WAIT) + 1);
  return true;
}

// wakeTouched puts back among the cursors to try those set aside on the
// goroutines whose records the ordering changed.
function wakeTouched(): void {
  for (let p = touched.ptr, end = p + touched.len; p < end; p += 8) {
    const g = load<u64>(p);
    let i = waiting.get(g, 0);
    if (i == 0) continue;
    waiting.delete(g);
    while (i != 0) {
      const w = waits.ptr + <usize>(i - 1) * WAIT;
      const k = load<u32>(w);
      const flag = asideFlag.ptr + (<usize>k << 2);
      if (load<u32>(flag) != 0 && load<u32>(asideStamp.ptr + (<usize>k << 2)) == load<u32>(w, 8)) {
        store<u32>(flag, 0);
        if (byTime.has(k) && !ready.has(k)) ready.insert(k, byTime.time(k));
      }
      i = load<u32>(w, 4);
    }
  }
  touched.reset();
}

// countTime and uncountTime keep times and ties.
function countTime(t: i64): void {
  const n = times.get(<u64>t, 0);
  if (n != 0) ties++;
  times.set(<u64>t, n + 1);
}
function uncountTime(t: i64): void {
  const n = times.get(<u64>t, 0);
  if (n > 1) {
    ties--;
    times.set(<u64>t, n - 1);
  } else {
    times.delete(<u64>t);
  }
}

/** materialize ends the virtual mode: it rebuilds Go's heap as Go's reader
 * holds it now. Its last sort put the cursors in time order, equal times in
 * the order of their seq (where it had ties, the heap was sorted before it,
 * so the seqs were its positions): the times then are the log's times
 * before, undone from the last entry to the first; then each logged
 * operation is done again on that sorted heap, at the found cursor's
 * position or the first. */
function materialize(): void {
  const count = cursorCount();
  scratch.reset();
  const s = scratch.grow(<usize>count * 12);
  for (let k: u32 = 0; k < count; k++) {
    const at = s + <usize>k * 12;
    const live = byTime.has(k);
    store<i64>(at, live ? byTime.time(k) : 0);
    store<u32>(at, live ? 1 : 0, 8);
  }
  const entries = <i32>(log.len / LOG);
  for (let j = entries - 1; j >= 0; j--) {
    const e = log.ptr + <usize>j * LOG;
    const at = s + <usize>load<u32>(e) * 12;
    store<i64>(at, load<i64>(e, 8));
    store<u32>(at, 1, 8);
  }
  heapClear();
  for (let k: u32 = 0; k < count; k++) {
    const at = s + <usize>k * 12;
    if (load<u32>(at, 8) != 0) heapAppend(load<i64>(at), k);
  }
  sortFrontier();
  countWork(<u64>frontierLen);
  orderTies();
  for (let j = 0; j < entries; j++) {
    const e = log.ptr + <usize>j * LOG;
    const k = load<u32>(e), flags = load<u32>(e, 4);
    let i = 0;
    // A log holds one FOUND entry at most, its first (each scan empties it
    // before its one find): one look through the heap a rebuild.
    if (flags & FOUND) while (cursorIndexAt(i) != k) { i++; countWork(1); }
    if (flags & GONE) heapRemoveAt(i);
    else heapSetTime(i, load<i64>(e, 16));
  }
  log.reset();
  virtual = false;
  setWatching(false);
  if (!ASC_NO_ASSERT) ended++;
}

// orderTies puts each group of equal times of Go's heap, sorted by time, in
// the order of the cursors' seqs, as the sorted heap had them. A group is
// sorted by seq (n log n: a group may hold thousands of cursors, and an
// insertion sort takes a step per pair out of order; the seqs of a group
// differ, so any sort gives the one order), and the heap is refilled in it.
function orderTies(): void {
  const n = frontierLen;
  reordered.reset();
  let i = 0;
  let any = false;
  while (i < n) {
    const t = timeAt(i);
    let j = i + 1;
    while (j < n && timeAt(j) == t) j++;
    const at = reordered.len;
    for (let m = i; m < j; m++) {
      const k = cursorIndexAt(m);
      const e = reordered.grow(16);
      store<i64>(e, j - i > 1 ? <i64>seqOf(k) : t);
      store<u64>(e, <u64>k, 8);
    }
    if (j - i > 1) {
      sortByKey(reordered.ptr + at, j - i);
      countWork(<u64>(j - i));
      for (let e = reordered.ptr + at, end = reordered.ptr + reordered.len; e < end; e += 16) store<i64>(e, t);
      any = true;
    }
    i = j;
  }
  if (!any) return;
  heapClear();
  for (let e = reordered.ptr, end = e + reordered.len; e < end; e += 16) heapAppend(load<i64>(e), <u32>load<u64>(e, 8));
}
