// The core's error state. The core builds no strings: a failure is a code from
// format/errors.mjs, up to four numbers that explain it, the byte offset in the
// stream and the generation, which TypeScript turns into a message.

import { ERROR_SIZE, ERROR_CODE, ERROR_OFFSET, ERROR_GENERATION, ERROR_ARGS } from './abi';

/** Statuses of every stepping call (see README.md). */
export const NEED_INPUT: i32 = 0;
export const END: i32 = -1;
export const ERROR: i32 = -2;

// The error region: the ERROR layout of format/abi.mjs.
const info = memory.data(<i32>ERROR_SIZE, 8);

/** failed reports whether an error has been recorded. */
export let failed = false;

/** errorInfo is exported: where TypeScript reads the error. */
export function errorInfo(): usize { return info; }

/** fail records error `code` at byte `offset` of generation `gen` and returns
 * ERROR, so that stages can `return fail(...)`. The first error wins: later
 * calls keep it, as a reader that has failed keeps returning its first error. */
export function fail(code: u32, offset: u64, gen: u64, a0: u64 = 0, a1: u64 = 0, a2: u64 = 0, a3: u64 = 0): i32 {
  if (failed) return ERROR;
  failed = true;
  store<u32>(info, code, ERROR_CODE);
  store<u64>(info, offset, ERROR_OFFSET);
  store<u64>(info, gen, ERROR_GENERATION);
  store<u64>(info, a0, ERROR_ARGS);
  store<u64>(info, a1, ERROR_ARGS + 8);
  store<u64>(info, a2, ERROR_ARGS + 16);
  store<u64>(info, a3, ERROR_ARGS + 24);
  return ERROR;
}

/** clearError forgets the error, for reset(). */
export function clearError(): void {
  failed = false;
  memory.fill(info, 0, ERROR_SIZE);
}
