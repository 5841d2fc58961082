// The scheduler state machine that puts the events of the per-thread batches
// in one valid order (Go's ordering in order.go). The reader offers it, one at
// a time, the next event of some thread; advance accepts the event where the
// state of the goroutines, procs and threads it involves allows it, queues the
// events it stands for (queue.ts), and updates the state. Where the event must
// wait for another thread's events it is refused, and the reader tries the
// next thread. Handlers are grouped by what they order: order-proc.ts,
// order-go.ts, order-syscall.ts, order-ranges.ts and order-user.ts; the state
// they share is in order-state.ts.

import * as F from './format';
import {
  NONE, T_G, T_P, threadAt, threadSlot, initialGen, ev, evGen, evOffset, evType,
  curG, curP, curM, newG, newP, failEvent, resetState,
} from './order-state';
import { advanceProcStatus, advanceProcStart, advanceProcStop, advanceProcSteal } from './order-proc';
import {
  advanceGoStatus, advanceGoCreate, advanceGoStart, advanceGoStopExec, advanceGoUnblock, advanceGoSwitch,
} from './order-go';
import {
  advanceGoSyscallBegin, advanceGoSyscallEnd, advanceGoSyscallEndBlocked,
  advanceGoCreateSyscall, advanceGoDestroySyscall,
} from './order-syscall';
import {
  advanceGCActive, advanceGCBegin, advanceGCEnd, advanceGCSweepActive, advanceGCSweepBegin,
  advanceGCSweepEnd, advanceGoRangeBegin, advanceGoRangeActive, advanceGoRangeEnd, resetRanges,
} from './order-ranges';
import {
  advanceUserTaskBegin, advanceUserTaskEnd, advanceUserRegionBegin, advanceUserRegionEnd,
  advanceAnnotation, advanceHeapMetric, advanceAllocFree, resetUser, compactNames,
} from './order-user';
import { resetLists } from './order-lists';
import { resetQueue } from './queue';
import { resetNames } from './names';
import { E_ORDER_BAD_EVENT_TYPE } from './error-codes';

// Handlers, by number (0: the event cannot be ordered).
const H_PROC_STATUS: u8 = 1, H_PROC_START: u8 = 2, H_PROC_STOP: u8 = 3, H_PROC_STEAL: u8 = 4;
const H_GO_STATUS: u8 = 5, H_GO_CREATE: u8 = 6, H_GO_CREATE_SYSCALL: u8 = 7, H_GO_START: u8 = 8;
const H_GO_STOP_EXEC: u8 = 9, H_GO_DESTROY_SYSCALL: u8 = 10, H_GO_UNBLOCK: u8 = 11;
const H_SYSCALL_BEGIN: u8 = 12, H_SYSCALL_END: u8 = 13, H_SYSCALL_END_BLOCKED: u8 = 14;
const H_GO_RANGE_BEGIN: u8 = 15, H_GO_RANGE_ACTIVE: u8 = 16, H_GO_RANGE_END: u8 = 17;
const H_GC_ACTIVE: u8 = 18, H_GC_BEGIN: u8 = 19, H_GC_END: u8 = 20;
const H_SWEEP_ACTIVE: u8 = 21, H_SWEEP_BEGIN: u8 = 22, H_SWEEP_END: u8 = 23;
const H_HEAP_METRIC: u8 = 24, H_ANNOTATION: u8 = 25, H_TASK_BEGIN: u8 = 26, H_TASK_END: u8 = 27;
const H_REGION_BEGIN: u8 = 28, H_REGION_END: u8 = 29, H_GO_SWITCH: u8 = 30, H_ALLOC_FREE: u8 = 31;

/** DISPATCH maps each wire event type to its handler (Go's orderingDispatch). */
const DISPATCH = memory.data(256);
store<u8>(DISPATCH + F.EvProcsChange, H_ANNOTATION);
store<u8>(DISPATCH + F.EvProcStart, H_PROC_START);
store<u8>(DISPATCH + F.EvProcStop, H_PROC_STOP);
store<u8>(DISPATCH + F.EvProcSteal, H_PROC_STEAL);
store<u8>(DISPATCH + F.EvProcStatus, H_PROC_STATUS);
store<u8>(DISPATCH + F.EvGoCreate, H_GO_CREATE);
store<u8>(DISPATCH + F.EvGoCreateSyscall, H_GO_CREATE_SYSCALL);
store<u8>(DISPATCH + F.EvGoStart, H_GO_START);
store<u8>(DISPATCH + F.EvGoDestroy, H_GO_STOP_EXEC);
store<u8>(DISPATCH + F.EvGoDestroySyscall, H_GO_DESTROY_SYSCALL);
store<u8>(DISPATCH + F.EvGoStop, H_GO_STOP_EXEC);
store<u8>(DISPATCH + F.EvGoBlock, H_GO_STOP_EXEC);
store<u8>(DISPATCH + F.EvGoUnblock, H_GO_UNBLOCK);
store<u8>(DISPATCH + F.EvGoSyscallBegin, H_SYSCALL_BEGIN);
store<u8>(DISPATCH + F.EvGoSyscallEnd, H_SYSCALL_END);
store<u8>(DISPATCH + F.EvGoSyscallEndBlocked, H_SYSCALL_END_BLOCKED);
store<u8>(DISPATCH + F.EvGoStatus, H_GO_STATUS);
store<u8>(DISPATCH + F.EvSTWBegin, H_GO_RANGE_BEGIN);
store<u8>(DISPATCH + F.EvSTWEnd, H_GO_RANGE_END);
store<u8>(DISPATCH + F.EvGCActive, H_GC_ACTIVE);
store<u8>(DISPATCH + F.EvGCBegin, H_GC_BEGIN);
store<u8>(DISPATCH + F.EvGCEnd, H_GC_END);
store<u8>(DISPATCH + F.EvGCSweepActive, H_SWEEP_ACTIVE);
store<u8>(DISPATCH + F.EvGCSweepBegin, H_SWEEP_BEGIN);
store<u8>(DISPATCH + F.EvGCSweepEnd, H_SWEEP_END);
store<u8>(DISPATCH + F.EvGCMarkAssistActive, H_GO_RANGE_ACTIVE);
store<u8>(DISPATCH + F.EvGCMarkAssistBegin, H_GO_RANGE_BEGIN);
store<u8>(DISPATCH + F.EvGCMarkAssistEnd, H_GO_RANGE_END);
store<u8>(DISPATCH + F.EvHeapAlloc, H_HEAP_METRIC);
store<u8>(DISPATCH + F.EvHeapGoal, H_HEAP_METRIC);
store<u8>(DISPATCH + F.EvGoLabel, H_ANNOTATION);
store<u8>(DISPATCH + F.EvUserTaskBegin, H_TASK_BEGIN);
store<u8>(DISPATCH + F.EvUserTaskEnd, H_TASK_END);
store<u8>(DISPATCH + F.EvUserRegionBegin, H_REGION_BEGIN);
store<u8>(DISPATCH + F.EvUserRegionEnd, H_REGION_END);
store<u8>(DISPATCH + F.EvUserLog, H_ANNOTATION);
store<u8>(DISPATCH + F.EvGoSwitch, H_GO_SWITCH);
store<u8>(DISPATCH + F.EvGoSwitchDestroy, H_GO_SWITCH);
store<u8>(DISPATCH + F.EvGoCreateBlocked, H_GO_CREATE);
store<u8>(DISPATCH + F.EvGoStatusStack, H_GO_STATUS);
for (let t = F.EvSpan; t <= F.EvGoroutineStackFree; t++) store<u8>(DISPATCH + t, H_ALLOC_FREE);


// The generation of the last event advanced.
let lastGen: u64 = 0;

/** advance offers the ordering the base event at `e` (48 bytes: u32 type, u32
 * pad, i64 time, u64 args[4]) from the batches of thread `m` (NoThread is
 * 2^64-1) in generation `gen`, whose batch starts at stream offset `offset`.
 * It returns 1 when the event was accepted and its events queued, 0 when it
 * must wait for other threads' events, or ERROR. Generations must not
 * decrease from call to call. The event's args may be rewritten. `slotCache`
 * is the address of a u32 that the caller keeps for thread `m` for the rest
 * of the trace, 0 at first: the ordering keeps 1 + the thread's slot there,
 * so that the caller's next event of the thread needs no lookup. */
@inline export function advance(e: usize, m: u64, gen: u64, offset: u64, slotCache: usize): i32 {
  if (gen != lastGen) {
    // The first event of a generation: the reader starts a new batch of
    // records for each generation, so none that names an interned name is
    // waiting, and the names arena may be compacted. (initialGen is set here,
    // not per event: while it is 0, so is lastGen, and a gen of 0 leaves it 0.)
    if (initialGen == 0) initialGen = gen;
    lastGen = gen;
    compactNames();
  }
  ev = e;
  evGen = gen;
  evOffset = offset;
  const mid = <i64>m;
  curM = mid;
  let slot: i32 = -1;
  let p = NONE, g = NONE;
  if (mid != NONE) {
    // Threads are never removed, so a thread's slot stays its own.
    slot = <i32>load<u32>(slotCache) - 1;
    if (slot < 0) {
      slot = threadSlot(mid);
      store<u32>(slotCache, <u32>slot + 1);
    }
    const t = threadAt(slot);
    p = load<i64>(t, T_P);
    g = load<i64>(t, T_G);
  }
  curP = p;
  curG = g;
  newP = p;
  newG = g;
  const ok = dispatch(load<u8>(DISPATCH + (load<u32>(e) & 0xff)));
  if (ok == 1 && slot >= 0) {
    // Handlers may add threads, which moves the records: find it again.
    const t = threadAt(slot);
    store<i64>(t, newP, T_P);
    store<i64>(t, newG, T_G);
  }
  return ok;
}

// dispatch runs handler `h` on the event.
@inline function dispatch(h: u8): i32 {
  switch (h) {
    case H_PROC_STATUS: return advanceProcStatus();
    case H_PROC_START: return advanceProcStart();
    case H_PROC_STOP: return advanceProcStop();
    case H_PROC_STEAL: return advanceProcSteal();
    case H_GO_STATUS: return advanceGoStatus();
    case H_GO_CREATE: return advanceGoCreate();
    case H_GO_CREATE_SYSCALL: return advanceGoCreateSyscall();
    case H_GO_START: return advanceGoStart();
    case H_GO_STOP_EXEC: return advanceGoStopExec();
    case H_GO_DESTROY_SYSCALL: return advanceGoDestroySyscall();
    case H_GO_UNBLOCK: return advanceGoUnblock();
    case H_SYSCALL_BEGIN: return advanceGoSyscallBegin();
    case H_SYSCALL_END: return advanceGoSyscallEnd();
    case H_SYSCALL_END_BLOCKED: return advanceGoSyscallEndBlocked();
    case H_GO_RANGE_BEGIN: return advanceGoRangeBegin();
    case H_GO_RANGE_ACTIVE: return advanceGoRangeActive();
    case H_GO_RANGE_END: return advanceGoRangeEnd();
    case H_GC_ACTIVE: return advanceGCActive();
    case H_GC_BEGIN: return advanceGCBegin();
    case H_GC_END: return advanceGCEnd();
    case H_SWEEP_ACTIVE: return advanceGCSweepActive();
    case H_SWEEP_BEGIN: return advanceGCSweepBegin();
    case H_SWEEP_END: return advanceGCSweepEnd();
    case H_HEAP_METRIC: return advanceHeapMetric();
    case H_ANNOTATION: return advanceAnnotation();
    case H_TASK_BEGIN: return advanceUserTaskBegin();
    case H_TASK_END: return advanceUserTaskEnd();
    case H_REGION_BEGIN: return advanceUserRegionBegin();
    case H_REGION_END: return advanceUserRegionEnd();
    case H_GO_SWITCH: return advanceGoSwitch();
    case H_ALLOC_FREE: return advanceAllocFree();
  }
  return failEvent(E_ORDER_BAD_EVENT_TYPE, evType());
}

/** resetOrder forgets all scheduler state, queued events and interned names,
 * for a new trace. */
export function resetOrder(): void {
  lastGen = 0;
  resetState();
  resetLists();
  resetRanges();
  resetUser();
  resetQueue();
  resetNames();
}
