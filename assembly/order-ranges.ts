// Ordering of ranges of time (Go's GC, sweep, mark-assist and STW handlers):
// the GC cycle is global and its begin, active and end events carry the GC
// sequence number; sweeps are bound to a proc; mark assists and stops of the
// world to a goroutine. A range is (begin event type, description string ID),
// the description being the STW kind; each goroutine and proc keeps the list
// of its ranges in flight in Go's order, which its error messages show.

import { EvSTWBegin, EvSTWEnd, startOf } from './format';
import { Vec } from './mem';
import {
  goroutines, procs, R_RANGES, evGen, initialGen, curG, curP, evArg, setEvArg, evType,
  failEvent, validateCtx, validateUserGo, MUST, MAY, pushEvent, pushEventHere, ERROR, goAt, procAt,
} from './order-state';
import { listLen, listPush, listPushHere, listFind, listAt, listTop, listEmptyKeep, listSwapRemove, listCopy } from './order-lists';
import {
  E_GC_ACTIVE_NOT_FIRST, E_GC_ACTIVE_NOT_RUNNING, E_GC_BEGIN_RUNNING, E_GC_END_NOT_RUNNING,
  E_GC_END_UNDETERMINED, E_INTERNAL, E_RANGE_ACTIVE_FIRST_GEN, E_RANGE_ACTIVE_UNKNOWN_GOROUTINE,
  E_RANGE_IN_FLIGHT, E_RANGE_MISSING, E_RANGE_NOT_IN_FLIGHT, E_RANGE_UNKNOWN_GOROUTINE,
  E_SWEEP_ACTIVE_UNKNOWN_PROC,
} from './error-codes';

// Go's gcState.
const GC_UNDETERMINED: u32 = 0;
const GC_NOT_RUNNING: u32 = 1;
const GC_RUNNING: u32 = 2;
let gcState: u32 = GC_UNDETERMINED;
let gcSeq: u64 = 0;

// Where the `{Nrange}` and `{Nranges}` placeholders of an error find their
// range or ranges (u64 type, u64 description; a list starts with u32 count).
const oneRange = memory.data(16, 8);
const rangeList = new Vec();

/** resetRanges forgets the GC state, for a new trace. */
export function resetRanges(): void {
  gcState = GC_UNDETERMINED;
  gcSeq = 0;
}

// rangeType is Go's makeRangeType: range ends and actives name their range by
// the event that begins it.
@inline function rangeType(typ: u32): u64 {
  const start = startOf(typ);
  return <u64>(start != 0 ? start : typ);
}

// beginRange starts range (typ, desc) on the record at `r`; ERROR where it is
// already in flight. Most records have none in flight: then no search.
@inline function beginRange(r: usize, typ: u32, desc: u64): i32 {
  const t = rangeType(typ);
  const l = r + R_RANGES;
  if (listLen(l) == 0) {
    listPushHere(l, t, desc);
    return 0;
  }
  if (listFind(l, t, desc, true) >= 0) return failEvent(E_RANGE_IN_FLIGHT, t);
  listPush(l, t, desc);
  return 0;
}

// activeRange records range `typ` as in flight in the first generation, and
// checks that it is in flight in later ones.
function activeRange(r: usize, typ: u32): i32 {
  const t = rangeType(typ);
  const has = listFind(r + R_RANGES, t, 0, true) >= 0;
  if (evGen == initialGen) {
    if (has) {
      store<u64>(oneRange, t);
      store<u64>(oneRange, 0, 8);
      return failEvent(E_RANGE_ACTIVE_FIRST_GEN, oneRange);
    }
    listPush(r + R_RANGES, t, 0);
  } else if (!has) {
    listCopy(r + R_RANGES, rangeList);
    return failEvent(E_RANGE_MISSING, t, rangeList.ptr);
  }
  return 0;
}

// The description of the range endRange ended last.
let endedDesc: u64 = 0;

// endRange ends the oldest range begun by the begin event of `typ`, leaving
// its description in endedDesc; ERROR where there is none.
@inline function endRange(r: usize, typ: u32): i32 {
  const t = <u64>startOf(typ);
  if (listLen(r + R_RANGES) == 1) {
    // The usual case, one range in flight: no search, nothing to move.
    const p = listTop(r + R_RANGES);
    if (load<u64>(p) != t) return failEvent(E_RANGE_NOT_IN_FLIGHT, t);
    endedDesc = load<u64>(p, 8);
    listEmptyKeep(r + R_RANGES);
    return 0;
  }
  const i = listFind(r + R_RANGES, t, 0, false);
  if (i < 0) return failEvent(E_RANGE_NOT_IN_FLIGHT, t);
  endedDesc = load<u64>(listAt(r + R_RANGES, <u32>i), 8);
  listSwapRemove(r + R_RANGES, <u32>i);
  return 0;
}

/** advanceGCActive handles GCActive: a GC cycle under way when the generation
 * started. */
export function advanceGCActive(): i32 {
  const seq = evArg(0);
  if (evGen == initialGen) {
    if (gcState != GC_UNDETERMINED) return failEvent(E_GC_ACTIVE_NOT_FIRST);
    gcSeq = seq;
    gcState = GC_RUNNING;
    pushEvent();
    return 1;
  }
  if (seq != gcSeq + 1) return 0; // another GC cycle
  if (gcState != GC_RUNNING) return failEvent(E_GC_ACTIVE_NOT_RUNNING);
  gcSeq = seq;
  if (validateUserGo() != 0) return ERROR;
  pushEvent();
  return 1;
}

/** advanceGCBegin handles GCBegin. */
export function advanceGCBegin(): i32 {
  const seq = evArg(0);
  if (gcState == GC_UNDETERMINED) {
    gcSeq = seq;
    gcState = GC_RUNNING;
    pushEvent();
    return 1;
  }
  if (seq != gcSeq + 1) return 0; // another GC cycle
  if (gcState == GC_RUNNING) return failEvent(E_GC_BEGIN_RUNNING);
  gcSeq = seq;
  gcState = GC_RUNNING;
  if (validateUserGo() != 0) return ERROR;
  pushEvent();
  return 1;
}

/** advanceGCEnd handles GCEnd. */
export function advanceGCEnd(): i32 {
  const seq = evArg(0);
  if (seq != gcSeq + 1) return 0; // another GC cycle
  if (gcState == GC_NOT_RUNNING) return failEvent(E_GC_END_NOT_RUNNING);
  if (gcState == GC_UNDETERMINED) return failEvent(E_GC_END_UNDETERMINED);
  gcSeq = seq;
  gcState = GC_NOT_RUNNING;
  if (validateUserGo() != 0) return ERROR;
  pushEvent();
  return 1;
}

// currentProc returns the record of the current proc, which validateCtx has
// found present; Go would crash on a nil state here, which cannot happen
// because every proc a thread holds has a state.
@inline function currentProc(): usize {
  const p = procs.find(curP);
  if (p < 0) {
    failEvent(E_INTERNAL);
    return 0;
  }
  return procAt(p);
}

/** advanceGCSweepBegin handles GCSweepBegin, on the current proc. */
export function advanceGCSweepBegin(): i32 {
  if (validateCtx(MUST, MUST, MAY) != 0) return ERROR;
  const r = currentProc();
  if (r == 0 || beginRange(r, evType(), 0) != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceGCSweepActive handles GCSweepActive, for any proc. */
export function advanceGCSweepActive(): i32 {
  const pid = <i64>evArg(0);
  const p = procs.find(pid);
  if (p < 0) return failEvent(E_SWEEP_ACTIVE_UNKNOWN_PROC, pid);
  if (activeRange(procAt(p), evType()) != 0) return ERROR;
  pushEvent();
  return 1;
}

/** advanceGCSweepEnd handles GCSweepEnd, on the current proc. */
export function advanceGCSweepEnd(): i32 {
  if (validateCtx(MUST, MUST, MAY) != 0) return ERROR;
  const r = currentProc();
  if (r == 0 || endRange(r, evType()) != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceGoRangeBegin handles STWBegin and GCMarkAssistBegin, on the running
 * goroutine; a STW's range is described by its kind. */
export function advanceGoRangeBegin(): i32 {
  if (validateUserGo() != 0) return ERROR;
  const typ = evType();
  const desc = typ == EvSTWBegin ? evArg(0) : 0;
  const g = goroutines.find(curG);
  if (g < 0) return failEvent(E_RANGE_UNKNOWN_GOROUTINE, typ, curG);
  if (beginRange(goAt(g), typ, desc) != 0) return ERROR;
  pushEventHere();
  return 1;
}

/** advanceGoRangeActive handles GCMarkAssistActive, for any goroutine. */
export function advanceGoRangeActive(): i32 {
  const gid = <i64>evArg(0);
  const g = goroutines.find(gid);
  if (g < 0) return failEvent(E_RANGE_ACTIVE_UNKNOWN_GOROUTINE, gid, evType());
  if (activeRange(goAt(g), evType()) != 0) return ERROR;
  pushEvent();
  return 1;
}

/** advanceGoRangeEnd handles STWEnd and GCMarkAssistEnd, on the running
 * goroutine. A STWEnd's args[0] receives the kind of the STW it ends. */
export function advanceGoRangeEnd(): i32 {
  if (validateUserGo() != 0) return ERROR;
  const typ = evType();
  const g = goroutines.find(curG);
  if (g < 0) return failEvent(E_RANGE_UNKNOWN_GOROUTINE, typ, curG);
  if (endRange(goAt(g), typ) != 0) return ERROR;
  if (typ == EvSTWEnd) setEvArg(0, endedDesc);
  pushEventHere();
  return 1;
}
