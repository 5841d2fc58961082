// The conversion of an old trace's events to the new event model, as Go's
// reader converts them (its tracev1.go), into event records.
//
// Most old events have a new counterpart with the same arguments, at worst
// reordered. Block and stop events become GoBlock or GoStop with a reason
// string; the goroutines found at the start become GoStatus events; a
// syscall that did not block becomes a 1 ns pair of GoSyscallBegin and
// GoSyscallEnd. The strings the conversion names things with are added to the
// trace's string table under IDs above the trace's own, as Go adds them.

import { Vec, U64Map } from '../mem';
import { intern } from '../names';
import { RECORD_SIZE, writeRecord } from '../queue';
import { EvProcsChange, EvProcStart, EvProcStop, EvProcStatus, EvGoCreate, EvGoStart, EvGoDestroy, EvGoStop,
  EvGoBlock, EvGoUnblock, EvGoSyscallBegin, EvGoSyscallEnd, EvGoSyscallEndBlocked, EvGoStatus, EvSTWBegin,
  EvSTWEnd, EvGCBegin, EvGCEnd, EvGCSweepBegin, EvGCSweepEnd, EvGCMarkAssistBegin, EvGCMarkAssistEnd,
  EvHeapAlloc, EvHeapGoal, EvGoLabel, EvUserTaskBegin, EvUserTaskEnd, EvUserRegionBegin, EvUserRegionEnd,
  EvUserLog, EvCPUSample, GoRunnable, GoRunning, GoSyscall, GoWaiting, ProcRunning, ProcIdle,
  stack0 } from '../format';
import * as v1 from './format';
import { evType, evTs, evG, evP, evStk, evArg, EV_BOFF, EV_BLOCKED } from './event';
import { stringPtr, stringLen } from './tables';

const NONE: u64 = U64.MAX_VALUE;

// Indices of the strings the conversion adds (Go's builtin strings).
const S_FOREVER = 0, S_PREEMPTED = 1, S_GOSCHED = 2, S_SLEEP = 3, S_CHAN_SEND = 4, S_CHAN_RECV = 5;
const S_NETWORK = 6, S_SYNC = 7, S_SYNC_COND = 8, S_SELECT = 9, S_EMPTY = 10, S_MARK_ASSIST_WAIT = 11;
const S_STW_UNKNOWN = 12;
/** BUILTIN_STRINGS are the strings the conversion adds, in Go's order, "|"-separated. */
export const BUILTIN_STRINGS = 'forever|preempted|runtime.Gosched|sleep|chan send|chan receive|network|sync|' +
  'sync.(*Cond).Wait|select||GC mark assist wait for work||GC mark termination|GC sweep termination|' +
  'write heap dump|goroutine profile|goroutine profile cleanup|all goroutine stack trace|read mem stats|' +
  'AllThreadsSyscall|GOMAXPROCS|start trace|stop trace|CountPagesInUse (test)|ReadMetricsSlow (test)|' +
  'ReadMemStatsSlow (test)|PageCachePagesLeaked (test)|ResetDebugLog (test)';
const NUM_STW_REASONS: u64 = 17;
/** NUM_BUILTIN_STRINGS is the number of BUILTIN_STRINGS. */
export const NUM_BUILTIN_STRINGS: u64 = <u64>BUILTIN_STRINGS.split('|').length;

/** builtinBase is the ID of the first builtin string; inlineBase that of the first UserLog message. */
export let builtinBase: u64 = 0;
export let inlineBase: u64 = 0;
/** haveInline and haveBuiltins say whether the UserLog messages and the
 * builtin strings have IDs: a trace whose own string IDs leave no room above
 * them has none (see initConvert). */
export let haveInline = true;
export let haveBuiltins = true;

// Conversion state (Go's traceV1Converter).
let preInit = true;
let lastStwReason: u64 = 0;
let traceVersion: u32 = 0;
// Goroutines created before the first Gomaxprocs, in the order Go's map of
// them gives most often: while it never held more than 8, its 8 slots (a new
// one takes the first free slot, one that gets a status frees its own), and
// after that, which Go then gives in an order of no rule, in order of
// creation. A free slot or a goroutine that got a status is NONE.
const createdList = new Vec();
const createdIndex = new U64Map();
let createdMany = false;
const MAP_SLOTS: usize = 8;
// Ps seen so far, and the thread each P runs on (index into procThreads).
const seenProcs = new U64Map();
const procMs = new U64Map();
const procThreads = new Vec();
// Active tasks: (u64 raw parent ID, u64 name's offset in the names arena).
const taskIndex = new U64Map();
const taskInfo = new Vec();

/**
 * initConvert readies the conversion of a trace of format `ver`, whose
 * largest string ID is `maxString`, with `nInline` UserLog messages. Where
 * the IDs above `maxString` cannot hold the messages, or then the builtin
 * strings, Go's conversion finds "too many strings" but drops that error and
 * converts on without them (and without the stacks); it then fails at the
 * first event that needs one of them, as convert does.
 */
export function initConvert(ver: u32, maxString: u64, nInline: u32): void {
  haveInline = maxString + <u64>nInline >= maxString;
  haveBuiltins = haveInline && maxString + <u64>nInline + NUM_BUILTIN_STRINGS >= maxString + <u64>nInline;
  traceVersion = ver;
  preInit = true;
  lastStwReason = 0;
  createdList.reset(); createdIndex.clear(); createdMany = false;
  seenProcs.clear(); procMs.clear(); procThreads.reset();
  taskIndex.clear(); taskInfo.reset();
  inlineBase = maxString + 1;
  builtinBase = maxString + <u64>nInline + 1;
}

@inline function builtin(s: i32): u64 { return builtinBase + <u64>s; }

// ---- Writing records ----

// put writes a record at `r`: type, time, context, arguments, batch offset.
function put(r: usize, typ: u32, ts: i64, g: i64, p: i64, m: i64, a0: u64, a1: u64, a2: u64, a3: u64, boff: u64): void {
  writeRecord(r, typ, 0, 1, ts, g, p, m, a0, a1, a2, a3, boff); // serial 1: the old trace's one generation
}

// threadOf returns the thread P `p` runs on, or `dflt` where none is known.
function threadOf(p: i32, dflt: i64): i64 {
  const i = procMs.get(<u64><i64>p, U32.MAX_VALUE);
  return i == U32.MAX_VALUE ? dflt : <i64>procThreads.get64(<usize>i);
}

// ---- The conversion ----

/** The results of convert besides a count of records. */
export const SKIP: i32 = 0;
export const UNEXPECTED: i32 = -1;
export const NO_STRINGS: i32 = -2;

/** convert writes the records event `e` becomes at `out` (room for three)
 * and returns how many: 0 where it becomes none yet, UNEXPECTED where Go has
 * no conversion for its type, NO_STRINGS where it needs a string the trace
 * had no ID left for (initConvert). `extra` receives the GoStatus events of
 * the goroutines that existed when tracing started. */
export function convert(e: usize, out: usize, extra: Vec): i32 {
  const t = evType(e);
  const ts = evTs(e), pid = evP(e), boff = <u64>load<u32>(e, EV_BOFF);
  const a0 = evArg(e, 0);
  switch (t) {
    case v1.V1GoStartLabel: {
      const m = threadOf(pid, 0);
      put(out, EvGoStart, ts, <i64>evG(e), pid, m, a0, evArg(e, 1), evArg(e, 2), evArg(e, 3), boff);
      put(out + RECORD_SIZE, EvGoLabel, ts, <i64>evG(e), pid, m, evArg(e, 2), 0, 0, 0, boff);
      return 2;
    }
    case v1.V1GoSysCall: {
      if (load<u8>(e, EV_BLOCKED)) break;
      const m = threadOf(pid, 0);
      put(out, EvGoSyscallBegin, ts, <i64>evG(e), pid, m, 0, <u64>evStk(e), 0, 0, boff);
      put(out + RECORD_SIZE, EvGoSyscallEnd, ts + 1, <i64>evG(e), pid, m, 0, 0, 0, 0, boff);
      return 2;
    }
    case v1.V1Gomaxprocs: {
      if (!preInit) break;
      preInit = false;
      for (let i: usize = 0; i < createdList.len; i += 8) {
        const gid = createdList.get64(i >> 3);
        if (gid == NONE) continue;
        put(extra.grow(RECORD_SIZE), EvGoStatus, ts, -1, -1, -1, gid, NONE, GoRunnable, 0, boff);
      }
      createdList.reset(); createdIndex.clear();
      return SKIP;
    }
    case v1.V1GoCreate: {
      if (!preInit) break;
      if (!createdIndex.has(a0)) created(a0);
      return SKIP;
    }
    case v1.V1GoSysBlock: return SKIP;
  }
  return convertOne(e, out);
}

// convertOne writes the one record that event `e` becomes.
function convertOne(e: usize, out: usize): i32 {
  const t = evType(e), pid = evP(e);
  const a0 = evArg(e, 0), a1 = evArg(e, 1), a2 = evArg(e, 2), a3 = evArg(e, 3);
  let typ: u32 = 0, m0 = a0, m1 = a1, m2 = a2, m3 = a3;
  const stk = <u64>evStk(e);
  if (t == v1.V1ProcStart) {
    setThread(pid, a0);
    typ = seen(pid) ? EvProcStart : EvProcStatus;
    m0 = <u64><i64>pid; m1 = typ == EvProcStatus ? ProcRunning : 0; m2 = 0; m3 = 0;
  } else if (t == v1.V1ProcStop) {
    typ = seen(pid) ? EvProcStop : EvProcStatus;
    m0 = <u64><i64>pid; m1 = typ == EvProcStatus ? ProcIdle : 0; m2 = 0; m3 = 0;
  } else if (t == v1.V1GoStart) {
    if (preInit) {
      typ = EvGoStatus; m1 = NONE; m2 = GoRunning; m3 = 0;
      forget(a0);
    } else {
      typ = EvGoStart;
    }
  } else if (t == v1.V1GoWaiting || t == v1.V1GoInSyscall) {
    typ = EvGoStatus; m1 = NONE; m2 = t == v1.V1GoWaiting ? GoWaiting : GoSyscall; m3 = 0;
    forget(a0);
  } else if (t == v1.V1GCSTWStart) {
    if (!haveBuiltins) return NO_STRINGS;
    typ = EvSTWBegin;
    lastStwReason = builtin(S_STW_UNKNOWN) + stwReason(a0);
    m0 = lastStwReason; m1 = 0; m2 = 0; m3 = 0;
  } else if (t == v1.V1GCSTWDone) {
    typ = EvSTWEnd; m0 = lastStwReason; m1 = 0; m2 = 0; m3 = 0;
  } else if (t >= v1.V1UserTaskCreate && t <= v1.V1UserLog) {
    if (t == v1.V1UserLog && !haveInline) return NO_STRINGS;
    typ = convertUser(e);
    m0 = uA0; m1 = uA1; m2 = uA2; m3 = uA3;
  } else if (t == v1.V1CPUSample) {
    typ = EvCPUSample; m0 = stk; m1 = NONE; m2 = <u64><i64>pid; m3 = evG(e);
  } else {
    const reason = blockReason(t);
    if (reason >= 0) {
      if (!haveBuiltins) return NO_STRINGS;
      typ = t == v1.V1GoSched || t == v1.V1GoPreempt ? EvGoStop : EvGoBlock;
      m0 = builtin(reason); m1 = stk; m2 = 0; m3 = 0;
    } else {
      typ = simpleType(t);
      if (typ == 0) return UNEXPECTED;
      if (t == v1.V1GoSysCall) { m0 = 0; m1 = stk; m2 = 0; m3 = 0; }
    }
  }
  if (v1.v1HasStack(t)) {
    const k = stack0(typ);
    if (k > 1) {
      if (k == 2) m0 = stk; else if (k == 3) m1 = stk; else if (k == 4) m2 = stk; else m3 = stk;
    }
  }
  const m = pid != -1 && t != v1.V1CPUSample ? threadOf(pid, -1) : -1;
  if (t == v1.V1ProcStop) procMs.delete(<u64><i64>pid);
  const g = evG(e);
  put(out, typ, evTs(e), g == 0 ? -1 : <i64>g, pid, m, m0, m1, m2, m3, <u64>load<u32>(e, EV_BOFF));
  return 1;
}

// setThread records that P `p` runs on thread `m`.
function setThread(p: i32, m: u64): void {
  const i = procMs.get(<u64><i64>p, U32.MAX_VALUE);
  if (i != U32.MAX_VALUE) { procThreads.set64(<usize>i, m); return; }
  procMs.set(<u64><i64>p, <u32>(procThreads.len >> 3));
  procThreads.push64(m);
}

// seen reports whether P `p` has been seen before, and marks it seen.
function seen(p: i32): bool {
  if (seenProcs.has(<u64><i64>p)) return true;
  seenProcs.set(<u64><i64>p, 1);
  return false;
}

// created notes goroutine `g`, created before the first Gomaxprocs, where
// Go's map of them would put it.
function created(g: u64): void {
  const n = <usize>(createdList.len >> 3);
  let slot = n;
  if (!createdMany) {
    for (let i: usize = 0; i < n; i++) {
      if (createdList.get64(i) == NONE) { slot = i; break; }
    }
    if (slot == MAP_SLOTS) createdMany = true;
  }
  if (slot == n) createdList.push64(g);
  else createdList.set64(slot, g);
  createdIndex.set(g, <u32>slot);
}

// forget drops goroutine `g` from those created before tracing started.
function forget(g: u64): void {
  const i = createdIndex.get(g, U32.MAX_VALUE);
  if (i == U32.MAX_VALUE) return;
  createdList.set64(<usize>i, NONE);
  createdIndex.delete(g);
}

// stwReason is Go's STWReason: the kind of a stop-the-world in the trace's format.
function stwReason(kind: u64): u64 {
  if (traceVersion < 21) return kind == 0 || kind == 1 ? kind + 1 : 0;
  if (traceVersion == 21) return kind < NUM_STW_REASONS ? kind : 0;
  return 0;
}

// blockReason returns the builtin reason string of a block or stop, or -1.
function blockReason(t: u32): i32 {
  switch (t) {
    case v1.V1GoStop: return S_FOREVER;
    case v1.V1GoSched: return S_GOSCHED;
    case v1.V1GoPreempt: return S_PREEMPTED;
    case v1.V1GoSleep: return S_SLEEP;
    case v1.V1GoBlock: return S_EMPTY;
    case v1.V1GoBlockSend: return S_CHAN_SEND;
    case v1.V1GoBlockRecv: return S_CHAN_RECV;
    case v1.V1GoBlockSelect: return S_SELECT;
    case v1.V1GoBlockSync: return S_SYNC;
    case v1.V1GoBlockCond: return S_SYNC_COND;
    case v1.V1GoBlockNet: return S_NETWORK;
    case v1.V1GoBlockGC: return S_MARK_ASSIST_WAIT;
  }
  return -1;
}

// simpleType returns the new type of an event whose arguments carry over, or 0.
function simpleType(t: u32): u32 {
  switch (t) {
    case v1.V1Gomaxprocs: return EvProcsChange;
    case v1.V1GCStart: return EvGCBegin;
    case v1.V1GCDone: return EvGCEnd;
    case v1.V1GCSweepStart: return EvGCSweepBegin;
    case v1.V1GCSweepDone: return EvGCSweepEnd;
    case v1.V1GoCreate: return EvGoCreate;
    case v1.V1GoEnd: return EvGoDestroy;
    case v1.V1GoUnblock: return EvGoUnblock;
    case v1.V1GoSysCall: return EvGoSyscallBegin;
    case v1.V1GoSysExit: return EvGoSyscallEndBlocked;
    case v1.V1HeapAlloc: return EvHeapAlloc;
    case v1.V1HeapGoal: return EvHeapGoal;
    case v1.V1GCMarkAssistStart: return EvGCMarkAssistBegin;
    case v1.V1GCMarkAssistDone: return EvGCMarkAssistEnd;
  }
  return 0;
}

// The arguments convertUser chose.
let uA0: u64 = 0, uA1: u64 = 0, uA2: u64 = 0, uA3: u64 = 0;

// convertUser converts task, region and log events. A task's end carries its
// parent and, in the names arena, its name, which Go smuggles in the same way.
function convertUser(e: usize): u32 {
  const t = evType(e), a0 = evArg(e, 0), a1 = evArg(e, 1), a2 = evArg(e, 2), stk = <u64>evStk(e);
  if (t == v1.V1UserTaskCreate) {
    uA0 = a0; uA1 = a1 == 0 ? NONE : a1; uA2 = a2; uA3 = stk;
    const name = <u64>intern(stringPtr(a2), stringLen(a2));
    let i = taskIndex.get(a0, U32.MAX_VALUE);
    if (i == U32.MAX_VALUE) {
      i = <u32>(taskInfo.len >> 4);
      taskIndex.set(a0, i);
      taskInfo.grow(16);
    }
    taskInfo.set64(<usize>i << 1, a1);
    taskInfo.set64((<usize>i << 1) + 1, name);
    return EvUserTaskBegin;
  }
  if (t == v1.V1UserTaskEnd) {
    const i = taskIndex.get(a0, U32.MAX_VALUE);
    uA0 = a0; uA1 = a1; uA2 = NONE; uA3 = 0;
    if (i != U32.MAX_VALUE) {
      uA2 = taskInfo.get64(<usize>i << 1);
      uA3 = taskInfo.get64((<usize>i << 1) + 1);
      taskIndex.delete(a0);
    }
    return EvUserTaskEnd;
  }
  if (t == v1.V1UserRegion) {
    uA0 = a0; uA1 = a2; uA2 = stk; uA3 = 0;
    return a1 == 0 ? EvUserRegionBegin : a1 == 1 ? EvUserRegionEnd : 0;
  }
  uA0 = a0; uA1 = a1; uA2 = inlineBase + evArg(e, 3); uA3 = stk;
  return EvUserLog;
}
