// The real times of syscall exits, and the stable re-sort by time that
// follows, as Go's old parser does them after ordering: a GoSysExit is written
// when the goroutine gets going again, but carries the time its syscall
// really ended, which is the time Go gives it. And the sort of the CPU
// samples by time before the ordering, with Go's unstable sort.

import { Vec, U64Map } from '../mem';
import { fail, ERROR } from '../errors';
import { V1GoSysBlock, V1GoInSyscall, V1GoSysExit } from './format';
import { EV_SIZE, EV_TS, EV_BOFF, EV_BLOCKED, evType, evTs, evG, evArg, copyEvent } from './event';
import { events } from './order';
import { sortByKey } from '../sort';
import { E_OLD_STRAY_SYSCALL_EXIT, E_OLD_TIME_ORDER } from '../error-codes';



/** syscallTimes gives each GoSysExit the time its syscall really ended and
 * sorts the events by time again, stably, as Go does after ordering them.
 * It returns 1, or ERROR. */
export function syscallTimes(): i32 {
  if (fixSysExits() < 0) return ERROR;
  resortMoved();
  return 1;
}

// The events whose time fixSysExits changed, by index (each also marked
// with its EV_BLOCKED byte until resortMoved, which clears it).
const moved = new Vec();
// The time of each goroutine's last GoSysBlock or GoInSyscall (index into times).
const lastBlock = new U64Map();
const times = new Vec();

// fixSysExits gives each GoSysExit the time its syscall really ended (its
// third argument), which may lie before the event was written.
function fixSysExits(): i32 {
  lastBlock.clear();
  times.reset();
  moved.reset();
  const n = events.len / EV_SIZE;
  for (let i: usize = 0; i < n; i++) {
    const e = events.ptr + i * EV_SIZE;
    const t = evType(e);
    if (t == V1GoSysBlock || t == V1GoInSyscall) {
      const k = lastBlock.get(evG(e), U32.MAX_VALUE);
      if (k == U32.MAX_VALUE) { lastBlock.set(evG(e), <u32>(times.len >> 3)); times.push64(<u64>evTs(e)); }
      else times.set64(<usize>k, <u64>evTs(e));
    } else if (t == V1GoSysExit) {
      const ts = <i64>evArg(e, 2);
      if (ts == 0) continue;
      const k = lastBlock.get(evG(e), U32.MAX_VALUE);
      const block: i64 = k == U32.MAX_VALUE ? 0 : <i64>times.get64(<usize>k);
      if (block == 0) return fail(E_OLD_STRAY_SYSCALL_EXIT, <u64>load<u32>(e, EV_BOFF), 0);
      if (ts < block) return fail(E_OLD_TIME_ORDER, <u64>load<u32>(e, EV_BOFF), 0);
      if (ts != evTs(e)) { moved.push32(<u32>i); store<u8>(e, 1, EV_BLOCKED); }
      store<i64>(e, ts, EV_TS);
    }
  }
  return 1;
}

/** isSorted reports whether the events of `v` are in time order. */
export function isSorted(v: Vec): bool {
  const n = v.len / EV_SIZE;
  for (let i: usize = 1; i < n; i++) {
    if (evTs(v.ptr + i * EV_SIZE) < evTs(v.ptr + (i - 1) * EV_SIZE)) return false;
  }
  return true;
}

// resortMoved sorts the events by time again, stably, after fixSysExits
// moved some: the others are still in order, so the moved ones are sorted
// by (time, index) and merged in, in O(n + k log k) for k moved events.
function resortMoved(): void {
  const k = <usize>(moved.len >> 2);
  if (k == 0) return;
  if (k <= 64 && insertMoved(k)) return;
  sortIndices(moved, k);
  const n = events.len / EV_SIZE;
  scratch.reset();
  const out = scratch.grow(events.len);
  let m: usize = 0, o = out;
  for (let i: usize = 0; i < n; i++) {
    const e = events.ptr + i * EV_SIZE;
    if (load<u8>(e, EV_BLOCKED)) continue; // a moved one: merged in by copyMoved
    while (m < k && before(<usize>moved.get32(m), i)) { copyMoved(o, m++); o += EV_SIZE; }
    copyEvent(o, e);
    o += EV_SIZE;
  }
  while (m < k) { copyMoved(o, m++); o += EV_SIZE; }
  memory.copy(events.ptr, out, events.len);
}

// insertMoved handles a few moved events in place, where each moved earlier
// (as a syscall's exit does): in order of index, each is taken out and put
// back after the last earlier-or-equal event before it, which keeps the sort
// stable; only the events in between shift. It returns false, having changed
// nothing, where some moved event moved later.
function insertMoved(k: usize): bool {
  for (let m: usize = 0; m < k; m++) {
    const i = <usize>moved.get32(m);
    if (m + 1 < k && <usize>moved.get32(m + 1) <= i) return false;
    if (i + 1 < events.len / EV_SIZE && evTs(events.ptr + (i + 1) * EV_SIZE) < evTs(events.ptr + i * EV_SIZE)) return false;
  }
  const tmp = memory.data(64, 8);
  for (let m: usize = 0; m < k; m++) {
    const i = <usize>moved.get32(m);
    const e = events.ptr + i * EV_SIZE;
    store<u8>(e, 0, EV_BLOCKED);
    const ts = evTs(e);
    // The first position in [0, i) whose event is later than ts: the prefix is sorted.
    let lo: usize = 0, hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (evTs(events.ptr + mid * EV_SIZE) > ts) hi = mid; else lo = mid + 1;
    }
    if (lo == i) continue;
    copyEvent(tmp, e);
    memory.copy(events.ptr + (lo + 1) * EV_SIZE, events.ptr + lo * EV_SIZE, (i - lo) * EV_SIZE);
    copyEvent(events.ptr + lo * EV_SIZE, tmp);
  }
  return true;
}

// copyMoved copies the `m`th moved event to `dst`, without its mark.
@inline function copyMoved(dst: usize, m: usize): void {
  copyEvent(dst, events.ptr + <usize>moved.get32(m) * EV_SIZE);
  store<u8>(dst, 0, EV_BLOCKED);
}

// before reports whether event `a` sorts before event `b`: by time, then index.
@inline function before(a: usize, b: usize): bool {
  const ta = evTs(events.ptr + a * EV_SIZE), tb = evTs(events.ptr + b * EV_SIZE);
  return ta < tb || (ta == tb && a < b);
}

const idxScratch = new Vec();

// sortIndices sorts the first `k` u32 event indices of `v` by (time, index),
// a bottom-up merge sort.
function sortIndices(v: Vec, k: usize): void {
  idxScratch.reset();
  let src = v.ptr, dst = idxScratch.grow(k << 2);
  for (let w: usize = 1; w < k; w <<= 1) {
    for (let lo: usize = 0; lo < k; lo += w << 1) {
      const mid = min(lo + w, k), hi = min(lo + (w << 1), k);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = <usize>load<u32>(src + (i << 2)), b = <usize>load<u32>(src + (j << 2));
        if (before(b, a)) { store<u32>(dst + (o++ << 2), <u32>b); j++; } else { store<u32>(dst + (o++ << 2), <u32>a); i++; }
      }
      while (i < mid) { store<u32>(dst + (o++ << 2), load<u32>(src + (i++ << 2))); }
      while (j < hi) { store<u32>(dst + (o++ << 2), load<u32>(src + (j++ << 2))); }
    }
    const t = src; src = dst; dst = t;
  }
  if (src != v.ptr) memory.copy(v.ptr, src, k << 2);
}

const scratch = new Vec();

const keys = new Vec();

/** sortSamples sorts the CPU samples of `v` by time as Go does, with its
 * unstable sort (sort.ts), whose steps decide the order of samples with
 * equal times (a stable sort keeps another wherever there are more than 12):
 * (time, index) pairs are sorted, then the samples are put in their order. */
export function sortSamples(v: Vec): void {
  const n = v.len / EV_SIZE;
  keys.reset();
  const k = keys.grow(n << 4);
  for (let i: usize = 0; i < n; i++) {
    store<i64>(k + (i << 4), evTs(v.ptr + i * EV_SIZE));
    store<u64>(k + (i << 4), <u64>i, 8);
  }
  sortByKey(k, <i32>n);
  scratch.reset();
  const out = scratch.grow(v.len);
  for (let i: usize = 0; i < n; i++) copyEvent(out + i * EV_SIZE, v.ptr + <usize>load<u64>(k + (i << 4), 8) * EV_SIZE);
  memory.copy(v.ptr, out, v.len);
}
