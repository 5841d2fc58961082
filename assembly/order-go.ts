// Ordering of goroutine events (Go's advanceGoStatus, advanceGoCreate,
// advanceGoStart, advanceGoStopExec, advanceGoUnblock and advanceGoSwitch): a
// running goroutine is bound to its thread, so the events it emits itself
// always advance, while events about another goroutine (start, unblock,
// switch) carry a sequence number that must follow the goroutine's last one.
// Syscalls, which also involve procs, are in order-syscall.ts.

import {
  EvGoCreateBlocked, EvGoDestroy, EvGoStop, EvGoBlock, EvGoStart, EvGoSwitch,
  GoRunnable, GoRunning, GoSyscall, GoWaiting, NUM_GO_STATUSES,
} from './format';
import {
  NONE, GoUndetermined, GO_STATE, goroutines, threads, threadSlot, T_G, R_RANGES, R_REGIONS,
  evGen, initialGen, curG, curM, newG, evArg, setEvArg, evType, failEvent,
  status, setStatus, setSeq, ready, transition, validateCtx, validateUserGo, MUST, MAY, MUST_NOT,
  pushEvent, pushEventHere, pushMade, ERROR, goAt,
} from './order-state';
import { listClear } from './order-lists';
import {
  E_GO_CREATE_EXISTS, E_GO_NOT_RUNNING, E_GO_STATUS_INCONSISTENT, E_GO_STATUS_INVALID, E_GO_STATUS_NEW,
  E_GO_SYSCALL_NO_THREAD, E_GO_SYSCALL_WRONG_THREAD, E_GO_UNKNOWN,
} from './error-codes';

/** removeGoroutine forgets the goroutine in `slot` with its regions and ranges. */
export function removeGoroutine(slot: i32): void {
  const r = goAt(slot);
  listClear(r + R_RANGES);
  listClear(r + R_REGIONS);
  goroutines.remove(slot);
}

/** runningSlot returns the slot of the current goroutine, failing as Go does
 * where it is unknown or where its status is not `want` (GoRunning, or
 * GoSyscall for the ends of syscalls); -1 after failing. */
export function runningSlot(want: u32, notCode: u32): i32 {
  const slot = goroutines.find(curG);
  if (slot < 0) {
    failEvent(E_GO_UNKNOWN, evType(), curG);
    return -1;
  }
  if (status(goAt(slot)) != want) {
    failEvent(notCode, evType());
    return -1;
  }
  return slot;
}

/** advanceGoStatus handles GoStatus and GoStatusStack: a goroutine's status at
 * the start of a generation. args[2] becomes oldGoState << 32 | wire status. */
export function advanceGoStatus(): i32 {
  const gid = <i64>evArg(0);
  const mid = <i64>evArg(1);
  const st = <u32>(<u8>evArg(2)); // a tracev2.GoStatus is one byte
  if (st >= NUM_GO_STATUSES) return failEvent(E_GO_STATUS_INVALID, gid, st);
  let old = <u64>load<u8>(GO_STATE + st);
  const slot = goroutines.find(gid);
  if (slot >= 0) {
    const r = goAt(slot);
    if (status(r) != st) return failEvent(E_GO_STATUS_INCONSISTENT, gid, status(r), st);
    setSeq(r, evGen, 0);
  } else if (evGen == initialGen) {
    const r = goAt(goroutines.add(gid));
    setStatus(r, st);
    setSeq(r, evGen, 0);
    old = GoUndetermined;
  } else {
    return failEvent(E_GO_STATUS_NEW, gid, st);
  }
  setEvArg(2, old << 32 | <u64>st);
  if (st == GoRunning) {
    newG = gid;
  } else if (st == GoSyscall) {
    if (mid == NONE) return failEvent(E_GO_SYSCALL_NO_THREAD, gid);
    if (mid == curM) {
      // Past the first generation, the binding must have been seen already.
      if (evGen != initialGen && curG != gid) return failEvent(E_GO_SYSCALL_WRONG_THREAD, gid, curG);
      newG = gid;
    } else {
      // A goroutine sitting in a syscall on another thread, which has no proc.
      const t = threads.find(mid);
      if (t >= 0) {
        const bound = load<i64>(threads.at(t), T_G);
        if (bound != gid) return failEvent(E_GO_SYSCALL_WRONG_THREAD, gid, bound);
        curG = bound;
      } else {
        // First sight of the thread: this event binds the goroutine to it.
        store<i64>(threads.at(threadSlot(mid)), gid, T_G);
      }
      curM = mid;
    }
  }
  pushEvent();
  return 1;
}

/** advanceGoCreate handles GoCreate and GoCreateBlocked, on a running proc. */
export function advanceGoCreate(): i32 {
  if (validateCtx(MUST, MUST, MAY) != 0) return ERROR;
  const cur = goroutines.find(curG);
  if (cur >= 0 && status(goAt(cur)) != GoRunning) {
    return failEvent(E_GO_NOT_RUNNING, evType());
  }
  const gid = <i64>evArg(0);
  if (goroutines.find(gid) >= 0) return failEvent(E_GO_CREATE_EXISTS, gid);
  const r = goAt(goroutines.add(gid));
  setStatus(r, evType() == EvGoCreateBlocked ? GoWaiting : GoRunnable);
  setSeq(r, evGen, 0);
  pushEventHere();
  return 1;
}

/** userGoroutine checks Go's userGoReqs, then returns runningSlot(want, notCode). */
@inline export function userGoroutine(want: u32, notCode: u32): i32 {
  if (validateUserGo() != 0) return -1;
  return runningSlot(want, notCode);
}

/** advanceGoStopExec handles GoDestroy, GoStop and GoBlock, which the running
 * goroutine emits itself. */
@inline export function advanceGoStopExec(): i32 {
  const slot = userGoroutine(GoRunning, E_GO_NOT_RUNNING);
  if (slot < 0) return ERROR;
  const typ = evType();
  if (typ == EvGoDestroy) removeGoroutine(slot);
  else if (typ == EvGoStop) setStatus(goAt(slot), GoRunnable);
  else if (typ == EvGoBlock) setStatus(goAt(slot), GoWaiting);
  newG = NONE;
  pushEventHere();
  return 1;
}

/** advanceGoStart handles GoStart: it waits for the goroutine to be runnable
 * with the sequence number before this one. */
@inline export function advanceGoStart(): i32 {
  const gid = <i64>evArg(0);
  const slot = ready(goroutines, gid, GoRunnable, evArg(1));
  if (slot < 0) return 0;
  if (validateCtx(MUST, MUST, MUST_NOT) != 0) return ERROR;
  transition(goAt(slot), GoRunning, evArg(1));
  newG = gid;
  pushEventHere();
  return 1;
}

/** advanceGoUnblock handles GoUnblock: it waits for the goroutine to be
 * waiting with the sequence number before this one. Anything may unblock a
 * goroutine, so the context is not checked. */
@inline export function advanceGoUnblock(): i32 {
  const slot = ready(goroutines, <i64>evArg(0), GoWaiting, evArg(1));
  if (slot < 0) return 0;
  transition(goAt(slot), GoRunnable, evArg(1));
  pushEventHere();
  return 1;
}

/** advanceGoSwitch handles GoSwitch and GoSwitchDestroy: the running goroutine
 * hands its thread to a waiting one, which acts as a start of that one, so it
 * waits for its sequence number. Go queues three events: the switch itself
 * (an unblock of the next goroutine), a GoBlock or GoDestroy of the current
 * one, and a GoStart of the next one. */
export function advanceGoSwitch(): i32 {
  const cur = userGoroutine(GoRunning, E_GO_NOT_RUNNING);
  if (cur < 0) return ERROR;
  const next = <i64>evArg(0);
  const seq = evArg(1);
  const slot = ready(goroutines, next, GoWaiting, seq);
  if (slot < 0) return 0;
  pushEvent();
  if (evType() == EvGoSwitch) {
    setStatus(goAt(cur), GoWaiting);
    pushMade(EvGoBlock, curG, 0, 0, 0);
  } else {
    removeGoroutine(cur);
    pushMade(EvGoDestroy, curG, 0, 0, 0);
  }
  transition(goAt(slot), GoRunning, seq);
  newG = next;
  pushMade(EvGoStart, NONE, <u64>next, seq, 0);
  return 1;
}
