// Error codes of format/errors.mjs that no trace can reach, each with why: the
// reach checks (order.test.ts, v1-errors.test.ts, error-reach.test.ts) ask a
// fixture of every other code, so that a new code comes with its test.

/** UNREACHABLE maps each error code no input can reach to the reason. */
export const UNREACHABLE = new Map<number, string>([
  // The ordering (assembly/order*.ts).
  [205, 'no handler requires a thread to be absent'],
  [207, 'ProcStart waits rather than fail when the thread has a proc'],
  [224, 'a thread only ever holds a proc that has a state'],
  [228, 'a thread only ever holds a proc that has a state'],
  // The old format's checks after ordering (assembly/v1/postprocess.ts), as
  // Go's: the ordering only lets a GoWaiting or GoInSyscall through right
  // after its goroutine's GoCreate (state seq 1, runnable), when the check
  // also finds it runnable; only GoSysExit events move after ordering, and
  // one that lands where its goroutine runs fails first as "not waiting
  // during syscall exit" (442); so the P's current goroutine, the one Go
  // names in unpark and checkRunning, is always running and the P's.
  [434, 'a GoWaiting is only ordered right after its GoCreate, when the goroutine is runnable'],
  [435, 'a GoInSyscall is only ordered right after its GoCreate, when the goroutine is runnable'],
  [439, "a P's current goroutine is running (only syscall exits move, and fail first)"],
  [440, "a P's current goroutine is the one the P runs"],
  [443, "a P's current goroutine is running (only syscall exits move, and fail first)"],
  [444, "a P's current goroutine is the one the P runs"],
]);
