// Host hooks the core needs. The core never calls into JavaScript per event;
// the only import is the abort hook, which a failed assertion (debug build)
// or an internal invariant reaches.

/** Records an internal error (a broken invariant) and traps, so that the
 * TypeScript layer reports `internal error:` instead of a wrong result. */
export function abort(message: usize, fileName: usize, line: u32, column: u32): void {
  unreachable();
}
