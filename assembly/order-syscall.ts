// Ordering of syscalls (Go's advanceGoSyscallBegin, advanceGoSyscallEnd,
// advanceGoSyscallEndBlocked, advanceGoCreateSyscall and
// advanceGoDestroySyscall). A goroutine in a syscall keeps its thread, and its
// proc stays in the Syscall status until the goroutine returns with it or the
// proc is stolen (order-proc.ts); goroutines created for cgo callbacks begin
// and end their lives in a syscall.

import { EvProcSteal, GoRunning, GoRunnable, GoSyscall, ProcRunning, ProcSyscall, ProcSyscallAbandoned } from './format';
import {
  NONE, goroutines, procs, evGen, curG, curP, newG, newP, evArg, evType, failEvent,
  status, setStatus, setSeq, succeeds, validateCtx, MUST, MAY, MUST_NOT,
  pushEvent, pushEventHere, pushMade, ERROR, R_SEQ_GEN, R_SEQ, goAt, procAt,
} from './order-state';
import { runningSlot, userGoroutine, removeGoroutine } from './order-go';
import {
  E_DESTROY_SYSCALL_NO_PROC, E_DESTROY_SYSCALL_PROC_STATE, E_GO_CREATE_SYSCALL_EXISTS, E_GO_NOT_RUNNING,
  E_GO_NOT_SYSCALL, E_PROC_UNINITIALIZED, E_SYSCALL_BAD_SEQ, E_SYSCALL_END_PROC_STATE,
} from './error-codes';

// syscallProc returns the record of the current proc, or 0 after failing as
// Go does where it has no state.
function syscallProc(): usize {
  const p = procs.find(curP);
  if (p < 0) {
    failEvent(E_PROC_UNINITIALIZED, curP, evType());
    return 0;
  }
  return procAt(p);
}

/** advanceGoSyscallBegin handles GoSyscallBegin: the running goroutine enters a
 * syscall with its proc. The proc's sequence number is there only to tell
 * which syscall a steal ends, so it must follow at once: no waiting. */
@inline export function advanceGoSyscallBegin(): i32 {
  const slot = userGoroutine(GoRunning, E_GO_NOT_RUNNING);
  if (slot < 0) return ERROR;
  setStatus(goAt(slot), GoSyscall);
  const r = syscallProc();
  if (r == 0) return ERROR;
  setStatus(r, ProcSyscall);
  const seq = evArg(0);
  if (!succeeds(r, evGen, seq)) {
    return failEvent(E_SYSCALL_BAD_SEQ, load<u64>(r, R_SEQ_GEN), load<u64>(r, R_SEQ), evGen, seq);
  }
  setSeq(r, evGen, seq);
  pushEventHere();
  return 1;
}

/** advanceGoSyscallEnd handles GoSyscallEnd: the goroutine returns from its
 * syscall on the same thread, with its proc. */
@inline export function advanceGoSyscallEnd(): i32 {
  // Go's message names Running here although the goroutine must be in a syscall.
  const slot = userGoroutine(GoSyscall, E_GO_NOT_RUNNING);
  if (slot < 0) return ERROR;
  setStatus(goAt(slot), GoRunning);
  const r = syscallProc();
  if (r == 0) return ERROR;
  if (status(r) != ProcSyscall) return failEvent(E_SYSCALL_END_PROC_STATE, curP, status(r));
  setStatus(r, ProcRunning);
  pushEventHere();
  return 1;
}

/** advanceGoSyscallEndBlocked handles GoSyscallEndBlocked: the goroutine
 * returns from its syscall having lost its proc, so it waits while the
 * thread's proc is still in the syscall (until a ProcStop or ProcSteal). */
export function advanceGoSyscallEndBlocked(): i32 {
  if (curP != NONE) {
    const r = syscallProc();
    if (r == 0) return ERROR;
    if (status(r) == ProcSyscall) return 0;
  }
  if (validateCtx(MUST, MAY, MUST) != 0) return ERROR;
  const slot = runningSlot(GoSyscall, E_GO_NOT_RUNNING);
  if (slot < 0) return ERROR;
  newG = NONE;
  setStatus(goAt(slot), GoRunnable);
  pushEvent();
  return 1;
}

/** advanceGoCreateSyscall handles GoCreateSyscall: a goroutine comes into
 * being in a syscall, for a cgo callback, and runs on the thread. */
export function advanceGoCreateSyscall(): i32 {
  if (validateCtx(MUST, MAY, MUST_NOT) != 0) return ERROR;
  const gid = <i64>evArg(0);
  if (goroutines.find(gid) >= 0) return failEvent(E_GO_CREATE_SYSCALL_EXISTS, gid);
  const r = goAt(goroutines.add(gid));
  setStatus(r, GoSyscall);
  setSeq(r, evGen, 0);
  newG = gid;
  pushEvent();
  return 1;
}

/** advanceGoDestroySyscall handles GoDestroySyscall: a cgo callback's
 * goroutine goes away. The thread also gives up any proc, since its ID may be
 * reused by a new thread: Go queues a ProcSteal of the proc by the thread
 * itself (args[3] = the old status, Syscall) before the event. */
export function advanceGoDestroySyscall(): i32 {
  if (validateCtx(MUST, MAY, MUST) != 0) return ERROR;
  const slot = runningSlot(GoSyscall, E_GO_NOT_SYSCALL);
  if (slot < 0) return ERROR;
  removeGoroutine(slot);
  newG = NONE;
  if (curP != NONE) {
    const p = procs.find(curP);
    if (p < 0) return failEvent(E_DESTROY_SYSCALL_NO_PROC, curP, evType());
    const r = procAt(p);
    if (status(r) != ProcSyscall) return failEvent(E_DESTROY_SYSCALL_PROC_STATE, curP, status(r), evType());
    setStatus(r, ProcSyscallAbandoned);
    newP = NONE;
    pushMade(EvProcSteal, curG, <u64>curP, 0, ProcSyscall);
  }
  pushEvent();
  return 1;
}
