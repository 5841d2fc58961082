// Ordering of proc events (Go's advanceProcStatus, advanceProcStart,
// advanceProcStop and advanceProcSteal): a proc is bound to the thread that
// runs it; ProcStart and ProcSteal carry a per-generation sequence number that
// puts them after the proc's previous transition, and a steal releases the
// proc from the thread that was in a syscall with it.

import { ProcRunning, ProcIdle, ProcSyscall, ProcSyscallAbandoned, NUM_PROC_STATUSES } from './format';
import {
  NONE, ProcUndetermined, ProcNotExist, PROC_STATE, procs, threads, T_G, T_P,
  evGen, initialGen, curG, curP, curM, newP, evArg, setEvArg, evType, failEvent,
  status, setStatus, setSeq, succeeds, ready, transition, validateCtx, MUST, MAY, MUST_NOT, pushEvent, ERROR,
  procAt,
} from './order-state';
import {
  E_PROC_SELF_STEAL_WRONG_PROC, E_PROC_STATUS_INCONSISTENT, E_PROC_STATUS_INVALID, E_PROC_STEAL_NO_CONTEXT,
  E_PROC_STEAL_NO_THREAD, E_PROC_STEAL_WRONG_PROC, E_PROC_STOP_NOT_RUNNING, E_PROC_STOP_UNKNOWN,
} from './error-codes';

/** advanceProcStatus handles ProcStatus: the proc's status at the start of a
 * generation. args[2] receives the old ProcState; a SyscallAbandoned status
 * is rewritten in args[1] as Go does. */
export function advanceProcStatus(): i32 {
  const pid = <i64>evArg(0);
  const st = <u32>(<u8>evArg(1)); // a tracev2.ProcStatus is one byte
  if (st >= NUM_PROC_STATUSES) return failEvent(E_PROC_STATUS_INVALID, pid, st);
  let old = <u64>load<u8>(PROC_STATE + st);
  let slot = procs.find(pid);
  if (slot >= 0) {
    const r = procAt(slot);
    const was = status(r);
    if (st == ProcSyscallAbandoned && was == ProcSyscall) {
      // Still in the syscall Go saw begin: nothing was lost, so it stays running.
      old = <u64>load<u8>(PROC_STATE + ProcRunning);
      setEvArg(1, ProcSyscall);
    } else if (st == ProcSyscallAbandoned && was == ProcSyscallAbandoned) {
      old = <u64>load<u8>(PROC_STATE + ProcIdle);
      setEvArg(1, ProcSyscallAbandoned);
    } else if (was != st) {
      return failEvent(E_PROC_STATUS_INCONSISTENT, pid, was, st);
    }
    setSeq(r, evGen, 0);
  } else {
    slot = procs.add(pid);
    const r = procAt(slot);
    setStatus(r, st);
    setSeq(r, evGen, 0);
    old = evGen == initialGen ? ProcUndetermined : ProcNotExist;
  }
  setEvArg(2, old);
  if (st == ProcRunning || st == ProcSyscall) newP = pid;
  // A running proc about to be stolen: show the status in the context of the
  // thread it is bound to, which is likely not the thread that emitted it.
  if (st == ProcSyscallAbandoned && old == <u64>load<u8>(PROC_STATE + ProcRunning)) {
    // Go searches its map of threads, in no set order, and keeps the last
    // match; any thread bound to the proc will do, so take the first.
    let found = false;
    for (let t: i32 = 0; t < <i32>threads.count; t++) {
      const m = threads.at(t);
      if (load<i64>(m, T_P) == pid) {
        curM = load<i64>(m);
        curP = pid;
        curG = load<i64>(m, T_G);
        found = true;
        break;
      }
    }
    if (!found) return failEvent(E_PROC_STEAL_NO_CONTEXT, pid);
  }
  pushEvent();
  return 1;
}

/** advanceProcStart handles ProcStart: it waits for the proc to be idle with
 * the sequence number before this one, and for the thread to have no proc. */
export function advanceProcStart(): i32 {
  const pid = <i64>evArg(0);
  const slot = ready(procs, pid, ProcIdle, evArg(1));
  if (slot < 0 || curP != NONE) return 0;
  if (validateCtx(MUST, MUST_NOT, MAY) != 0) return ERROR;
  transition(procAt(slot), ProcRunning, evArg(1));
  newP = pid;
  pushEvent();
  return 1;
}

/** advanceProcStop handles ProcStop, which the thread running the proc emits,
 * so it can always advance. */
export function advanceProcStop(): i32 {
  const slot = procs.find(curP);
  if (slot < 0) return failEvent(E_PROC_STOP_UNKNOWN, evType(), curP);
  const r = procAt(slot);
  if (status(r) != ProcRunning && status(r) != ProcSyscall) {
    return failEvent(E_PROC_STOP_NOT_RUNNING, evType());
  }
  if (validateCtx(MUST, MUST, MAY) != 0) return ERROR;
  setStatus(r, ProcIdle);
  newP = NONE;
  pushEvent();
  return 1;
}

/** advanceProcSteal handles ProcSteal: it waits for the proc to be in a
 * syscall with the sequence number before this one. args[3] receives the
 * proc's old wire status. */
export function advanceProcSteal(): i32 {
  const pid = <i64>evArg(0);
  const seq = evArg(1);
  const slot = procs.find(pid);
  if (slot < 0) return 0;
  const r = procAt(slot);
  const was = status(r);
  if ((was != ProcSyscall && was != ProcSyscallAbandoned) || !succeeds(r, evGen, seq)) return 0;
  if (validateCtx(MUST, MAY, MAY) != 0) return ERROR;
  setEvArg(3, was);
  transition(r, ProcIdle, seq);
  // The thread that lost an abandoned proc is unknown: leave threads alone.
  if (was == ProcSyscallAbandoned) {
    pushEvent();
    return 1;
  }
  const mid = <i64>evArg(2);
  if (mid == curM) {
    // Stealing from itself: the thread stops its own proc.
    if (curP != pid) return failEvent(E_PROC_SELF_STEAL_WRONG_PROC, pid, mid, curP);
    newP = NONE;
    pushEvent();
    return 1;
  }
  const t = threads.find(mid);
  if (t < 0) return failEvent(E_PROC_STEAL_NO_THREAD, mid);
  const m = threads.at(t);
  if (load<i64>(m, T_P) != pid) return failEvent(E_PROC_STEAL_WRONG_PROC, pid, mid, load<i64>(m, T_P));
  // The other thread is leaving its syscall; it may go on once it has no proc.
  store<i64>(m, NONE, T_P);
  pushEvent();
  return 1;
}
