// The checks Go's old parser makes on the ordered stream (its
// postProcessTrace), and what it restores on the way: times in nanoseconds,
// timer wake-ups, syscall exits, GC and network wake-ups on their fake Ps,
// the creation stack of each goroutine's first start, and no stack IDs that
// name no stack. Go reads a stream that fails these checks as no events at
// all, only the error.

import { Vec, U64Map } from '../mem';
import { fail, ERROR } from '../errors';
import { V1ProcStart, V1ProcStop, V1GCStart, V1GCDone, V1GCSTWStart, V1GCSTWDone, V1GCSweepStart,
  V1GCSweepDone, V1GCMarkAssistStart, V1GCMarkAssistDone, V1GoWaiting, V1GoInSyscall, V1GoCreate, V1GoStart,
  V1GoStartLabel, V1GoEnd, V1GoStop, V1GoSched, V1GoPreempt, V1GoUnblock, V1GoSysCall, V1GoSysBlock,
  V1GoSysExit, V1GoSleep, V1GoBlock, V1GoBlockSend, V1GoBlockRecv, V1GoBlockSelect, V1GoBlockSync,
  V1GoBlockCond, V1GoBlockNet, V1GoBlockGC, V1UserTaskCreate, V1UserTaskEnd, V1UserRegion } from './format';
import { EV_SIZE, EV_TS, EV_P, EV_STK, EV_BOFF, TIMER_P, NETPOLL_P, SYSCALL_P, GC_P, evType, evTs, evG, evP, evStk,
  evArg } from './event';
import { hasStack } from './tables';
import { timerGoroutines, ticksPerSec } from './batch';
import { events } from './order';
import {
  E_OLD_ASSIST_TWICE, E_OLD_GC_BOGUS, E_OLD_GC_TWICE, E_OLD_GOROUTINE0, E_OLD_GOROUTINE_EXISTS,
  E_OLD_IN_SYSCALL_STATE, E_OLD_NOT_RUNNING, E_OLD_NO_FREQUENCY, E_OLD_PROC_BUSY, E_OLD_PROC_NOT_RUNNING,
  E_OLD_PROC_NOT_RUNNING_G, E_OLD_PROC_RUNNING, E_OLD_REGION_MISUSE, E_OLD_REGION_MODE, E_OLD_START_BUSY,
  E_OLD_START_STATE, E_OLD_STW_BOGUS, E_OLD_STW_TWICE, E_OLD_SWEEP_BOGUS, E_OLD_SWEEP_TWICE,
  E_OLD_SYS_EXIT_STATE, E_OLD_TASK_CONFLICT, E_OLD_UNPARK_NOT_RUNNING, E_OLD_UNPARK_NOT_WAITING,
  E_OLD_UNPARK_WRONG_P, E_OLD_WAITING_STATE,
} from '../error-codes';

const G_DEAD: u8 = 0, G_RUNNABLE: u8 = 1, G_RUNNING: u8 = 2, G_WAITING: u8 = 3;

// A goroutine: u8 state, u8 type of its last event (0 = none), u8 created and
// not yet started, u8 in a mark assist, u32 the new stack its creation named.
const gIndex = new U64Map();
const gDescs = new Vec();
// A P: u8 running, u8 sweeping, pad, u64 the goroutine running on it.
const pIndex = new U64Map();
const pDescs = new Vec();
// Tasks by ID: the index of the event that created each.
const tasks = new U64Map();
// Active regions: per goroutine the top of a stack of (u32 event, u32 next) nodes, + 1.
const regionTop = new U64Map();
const regionNodes = new Vec();

/** errorEvents holds the events an error message quotes (up to two). */
export const errorEvents = new Vec();

// g returns goroutine `id`'s record, creating a dead one where `create`.
function g(id: u64, create: bool): usize {
  let i = gIndex.get(id, U32.MAX_VALUE);
  if (i == U32.MAX_VALUE) {
    if (!create) return 0;
    i = <u32>(gDescs.len >> 3);
    gIndex.set(id, i);
    store<u64>(gDescs.grow(8), 0);
  }
  return gDescs.ptr + (<usize>i << 3);
}

// p returns P `id`'s record, creating an idle one.
function p(id: i32): usize {
  let i = pIndex.get(<u64><i64>id, U32.MAX_VALUE);
  if (i == U32.MAX_VALUE) {
    i = <u32>(pDescs.len >> 4);
    pIndex.set(<u64><i64>id, i);
    const d = pDescs.grow(16);
    store<u64>(d, 0); store<u64>(d, 0, 8);
  }
  return pDescs.ptr + (<usize>i << 4);
}

// boff is the stream offset of event `e`'s batch: where an error lies.
@inline function boff(e: usize): u64 { return <u64>load<u32>(e, EV_BOFF); }

@inline function gState(id: u64): u8 { const d = g(id, false); return d ? load<u8>(d) : G_DEAD; }
@inline function pG(d: usize): u64 { return load<u64>(d, 8); }

/** toNanoseconds turns tick times into nanoseconds since the first event, as
 * Go does (in float64), and moves timer wake-ups and syscall exits to their
 * fake Ps. It returns 1, or ERROR where the trace had no frequency. */
export function toNanoseconds(): i32 {
  if (ticksPerSec == 0) return fail(E_OLD_NO_FREQUENCY, 0, 0);
  const n = events.len / EV_SIZE;
  if (n == 0) return 1;
  const minTs = evTs(events.ptr);
  const freq = 1e9 / <f64>ticksPerSec;
  for (let i: usize = 0; i < n; i++) {
    const e = events.ptr + i * EV_SIZE;
    store<i64>(e, goInt64(<f64>(evTs(e) - minTs) * freq), EV_TS);
    if (evType(e) == V1GoUnblock && timerGoroutines.has(evG(e))) store<i32>(e, TIMER_P, EV_P);
    if (evType(e) == V1GoSysExit) store<i32>(e, SYSCALL_P, EV_P);
  }
  return 1;
}

// goInt64 converts as Go on amd64 does: values out of range, and NaN, give
// the smallest int64.
@inline function goInt64(x: f64): i64 {
  return x >= -9223372036854775808.0 && x < 9223372036854775808.0 ? <i64>x : I64.MIN_VALUE;
}

/** postProcess checks the ordered events as Go does and restores what Go
 * restores. It returns 1, or ERROR. */
export function postProcess(): i32 {
  gIndex.clear(); gDescs.reset(); pIndex.clear(); pDescs.reset();
  tasks.clear(); regionTop.clear(); regionNodes.reset();
  store<u8>(g(0, true), G_RUNNING);
  let inGC = false, inSTW = false;
  const n = events.len / EV_SIZE;
  for (let i: usize = 0; i < n; i++) {
    const e = events.ptr + i * EV_SIZE;
    const t = evType(e);
    let r: i32 = 1;
    if (t == V1GCStart) {
      if (inGC) return fail(E_OLD_GC_TWICE, boff(e), 0, <u64>evTs(e));
      inGC = true;
      store<i32>(e, GC_P, EV_P);
    } else if (t == V1GCDone) {
      if (!inGC) return fail(E_OLD_GC_BOGUS, boff(e), 0, <u64>evTs(e));
      inGC = false;
    } else if (t == V1GCSTWStart) {
      if (inSTW) return fail(E_OLD_STW_TWICE, boff(e), 0, <u64>evTs(e));
      inSTW = true;
    } else if (t == V1GCSTWDone) {
      if (!inSTW) return fail(E_OLD_STW_BOGUS, boff(e), 0, <u64>evTs(e));
      inSTW = false;
    } else if (t == V1UserTaskCreate || t == V1UserTaskEnd || t == V1UserRegion) {
      r = checkUser(e, <u32>i);
    } else if (t == V1ProcStart || t == V1ProcStop || t == V1GCSweepStart || t == V1GCSweepDone ||
      t == V1GCMarkAssistStart || t == V1GCMarkAssistDone) {
      r = checkProcAndGC(e);
    } else {
      r = checkGoroutine(e);
    }
    if (r < 0) return ERROR;
    if (evStk(e) != 0 && !hasStack(evStk(e))) store<u32>(e, 0, EV_STK);
  }
  return 1;
}

// checkProcAndGC checks P starts and stops, sweeps and mark assists.
function checkProcAndGC(e: usize): i32 {
  const ts = <u64>evTs(e);
  const pid = evP(e);
  switch (evType(e)) {
    case V1ProcStart: {
      const d = p(pid);
      if (load<u8>(d)) return fail(E_OLD_PROC_RUNNING, boff(e), 0, <u64><i64>pid, ts);
      store<u8>(d, 1);
      break;
    }
    case V1ProcStop: {
      const d = p(pid);
      if (!load<u8>(d)) return fail(E_OLD_PROC_NOT_RUNNING, boff(e), 0, <u64><i64>pid, ts);
      if (pG(d) != 0) return fail(E_OLD_PROC_BUSY, boff(e), 0, <u64><i64>pid, pG(d), ts);
      store<u8>(d, 0);
      break;
    }
    case V1GCSweepStart: {
      const d = p(pid);
      if (load<u8>(d, 1)) return fail(E_OLD_SWEEP_TWICE, boff(e), 0, ts);
      store<u8>(d, 1, 1);
      break;
    }
    case V1GCSweepDone: {
      const d = p(pid);
      if (!load<u8>(d, 1)) return fail(E_OLD_SWEEP_BOGUS, boff(e), 0, ts);
      store<u8>(d, 0, 1);
      break;
    }
    case V1GCMarkAssistStart: {
      const d = g(evG(e), true);
      if (load<u8>(d, 3)) return fail(E_OLD_ASSIST_TWICE, boff(e), 0, ts);
      store<u8>(d, 1, 3);
      break;
    }
    case V1GCMarkAssistDone: {
      // Mark assists may be under way when tracing starts: no check.
      store<u8>(g(evG(e), true), 0, 3);
      break;
    }
  }
  return 1;
}

// checkRunning checks that the event's goroutine runs on the event's P
// (and, unless `allowG0`, is not goroutine 0).
function checkRunning(e: usize, allowG0: bool): i32 {
  const gid = evG(e), ts = <u64>evTs(e), t = <u64>evType(e);
  if (gState(gid) != G_RUNNING) return fail(E_OLD_NOT_RUNNING, boff(e), 0, gid, t, ts);
  if (pG(p(evP(e))) != gid) return fail(E_OLD_PROC_NOT_RUNNING_G, boff(e), 0, <u64><i64>evP(e), gid, t, ts);
  if (!allowG0 && gid == 0) return fail(E_OLD_GOROUTINE0, boff(e), 0, t, ts);
  return 1;
}

// checkGoroutine checks goroutine creation, scheduling, blocking, syscalls.
function checkGoroutine(e: usize): i32 {
  const t = evType(e), gid = evG(e), ts = <u64>evTs(e);
  switch (t) {
    case V1GoWaiting: case V1GoInSyscall: {
      if (gState(gid) != G_RUNNABLE) return fail(t == V1GoWaiting ? E_OLD_WAITING_STATE : E_OLD_IN_SYSCALL_STATE, boff(e), 0, gid, ts);
      const d = g(gid, true);
      store<u8>(d, G_WAITING); store<u8>(d, <u8>t, 1);
      return 1;
    }
    case V1GoCreate: {
      if (checkRunning(e, true) < 0) return ERROR;
      const id = evArg(e, 0);
      if (g(id, false)) return fail(E_OLD_GOROUTINE_EXISTS, boff(e), 0, id, ts);
      const d = g(id, true);
      store<u8>(d, G_RUNNABLE); store<u8>(d, <u8>t, 1); store<u8>(d, 1, 2);
      store<u32>(d, <u32>evArg(e, 1), 4);
      return 1;
    }
    case V1GoStart: case V1GoStartLabel: return checkStart(e);
    case V1GoUnblock: return checkUnblock(e);
    case V1GoSysExit: {
      if (gState(gid) != G_WAITING) return fail(E_OLD_SYS_EXIT_STATE, boff(e), 0, gid, ts);
      const d = g(gid, true);
      store<u8>(d, G_RUNNABLE); store<u8>(d, <u8>t, 1);
      return 1;
    }
    case V1GoEnd: case V1GoStop: case V1GoSched: case V1GoPreempt: case V1GoSysCall: case V1GoSysBlock:
    case V1GoSleep: case V1GoBlock: case V1GoBlockSend: case V1GoBlockRecv: case V1GoBlockSelect:
    case V1GoBlockSync: case V1GoBlockCond: case V1GoBlockNet: case V1GoBlockGC:
      return checkStop(e);
  }
  return 1;
}

// checkStart checks a goroutine start, and gives a goroutine's first start
// the stack its creation named.
function checkStart(e: usize): i32 {
  const gid = evG(e);
  const pd = p(evP(e));
  if (gState(gid) != G_RUNNABLE) return fail(E_OLD_START_STATE, boff(e), 0, gid, <u64>evTs(e));
  if (pG(pd) != 0) return fail(E_OLD_START_BUSY, boff(e), 0, <u64><i64>evP(e), pG(pd), gid, <u64>evTs(e));
  const d = g(gid, true);
  store<u8>(d, G_RUNNING);
  store<u64>(pd, gid, 8);
  if (load<u8>(d, 2)) {
    store<u32>(e, load<u32>(d, 4), EV_STK);
    store<u8>(d, 0, 2);
  }
  store<u8>(d, 0, 1);
  return 1;
}

// checkStop checks that a goroutine that ends, yields, blocks or enters a
// syscall is running, and applies its new state.
function checkStop(e: usize): i32 {
  if (checkRunning(e, false) < 0) return ERROR;
  const t = evType(e), gid = evG(e);
  const d = g(gid, true), pd = p(evP(e));
  if (t == V1GoSysCall) {
    store<u8>(d, <u8>t, 1);
    return 1;
  }
  store<u64>(pd, 0, 8);
  if (t == V1GoEnd || t == V1GoStop) {
    store<u8>(d, G_DEAD);
    if (t == V1GoEnd) regionTop.delete(gid);
  } else if (t == V1GoSched || t == V1GoPreempt) {
    store<u8>(d, G_RUNNABLE); store<u8>(d, <u8>t, 1);
  } else if (t == V1GoSysBlock) {
    store<u8>(d, G_WAITING);
  } else {
    store<u8>(d, G_WAITING); store<u8>(d, <u8>t, 1);
  }
  return 1;
}

// checkUnblock checks a wake-up: the waker runs, the woken waits. A
// goroutine woken from a network block is woken by the network poller.
function checkUnblock(e: usize): i32 {
  const gid = evG(e), ts = <u64>evTs(e);
  if (gState(gid) != G_RUNNING) return fail(E_OLD_UNPARK_NOT_RUNNING, boff(e), 0, gid, ts);
  if (evP(e) != TIMER_P && pG(p(evP(e))) != gid) return fail(E_OLD_UNPARK_WRONG_P, boff(e), 0, <u64><i64>evP(e), gid, ts);
  const id = evArg(e, 0);
  if (gState(id) != G_WAITING) return fail(E_OLD_UNPARK_NOT_WAITING, boff(e), 0, id, ts);
  const d = g(id, true);
  if (load<u8>(d, 1) == V1GoBlockNet) store<i32>(e, NETPOLL_P, EV_P);
  store<u8>(d, G_RUNNABLE); store<u8>(d, V1GoUnblock, 1);
  return 1;
}

// checkUser checks that task IDs are unique and that regions nest.
function checkUser(e: usize, idx: u32): i32 {
  const t = evType(e);
  const id = evArg(e, 0);
  if (t == V1UserTaskCreate) {
    const prev = tasks.get(id, U32.MAX_VALUE);
    if (prev != U32.MAX_VALUE) return failQuoting(E_OLD_TASK_CONFLICT, id, e, events.ptr + <usize>prev * EV_SIZE);
    tasks.set(id, idx);
    return 1;
  }
  if (t == V1UserTaskEnd) {
    tasks.delete(id);
    return 1;
  }
  const mode = evArg(e, 1), gid = evG(e);
  if (mode == 0) {
    const at = <u32>(regionNodes.len >> 3);
    const node = regionNodes.grow(8);
    store<u32>(node, idx);
    store<u32>(node, regionTop.get(gid, 0), 4);
    regionTop.set(gid, at + 1);
  } else if (mode == 1) {
    const top = regionTop.get(gid, 0);
    if (top == 0) return 1;
    const node = regionNodes.ptr + (<usize>(top - 1) << 3);
    const s = events.ptr + <usize>load<u32>(node) * EV_SIZE;
    if (evArg(s, 0) != evArg(e, 0) || evArg(s, 2) != evArg(e, 2)) return failQuoting(E_OLD_REGION_MISUSE, gid, e, s);
    const next = load<u32>(node, 4);
    if (next == 0) regionTop.delete(gid);
    else regionTop.set(gid, next);
  } else {
    return failQuoting(E_OLD_REGION_MODE, 0, e, 0);
  }
  return 1;
}

// failQuoting fails with an error whose message quotes events `a` and `b`
// (b may be 0): it copies them to errorEvents, whose addresses the message's
// placeholders get, valid until the next call into the core.
function failQuoting(code: u32, x: u64, a: usize, b: usize): i32 {
  errorEvents.reset();
  errorEvents.append(a, EV_SIZE);
  errorEvents.append(b ? b : a, EV_SIZE);
  const at = <u64>errorEvents.ptr;
  return fail(code, <u64>load<u32>(a, EV_BOFF), 0, x, at, at + <u64>EV_SIZE);
}
