// The errors a reading ends with. The WebAssembly core stops with a code and a
// few numbers (format/errors.mjs); this file words them, in Go's words where Go
// has some, and carries where in the input the fault lies.
import { type CoreErrorInfo } from '../bindings/exports';
import { ERRORS } from '../format/errors.mjs';
import { BY_TYPE, GO_STATUSES, PROC_STATUSES, specFor } from '../format/events.mjs';
import { V1_BY_TYPE } from '../format/events-v1.mjs';

/** The code of internal errors: broken invariants of gotrace itself. */
export const INTERNAL_ERROR = 900;

/**
 * TraceError is what a reading of a trace fails with: truncated or corrupt
 * input, or (code 900) a fault of gotrace itself. Its message is Go's wording
 * followed by where the fault lies, so that users can find it in the file;
 * goMessage alone is what `go tool trace` prints for the same input.
 */
export class TraceError extends Error {
  /** code is the error's code in format/errors.mjs (900 for internal errors). */
  readonly code: number;
  /** goMessage is the message without the location: Go's wording. */
  readonly goMessage: string;
  /** offset is the byte offset in the input where the fault lies (-1 where unknown). */
  readonly offset: number;
  /** generation is the generation number from the batch headers (0 where none). */
  readonly generation: number;

  constructor(code: number, goMessage: string, offset = -1, generation = 0) {
    super(goMessage + location(offset, generation));
    this.name = 'TraceError';
    this.code = code;
    this.goMessage = goMessage;
    this.offset = offset;
    this.generation = generation;
  }
}

/** location is the message's suffix that says where the fault lies. */
function location(offset: number, generation: number): string {
  if (offset < 0) return '';
  return generation !== 0 ? ` (at byte ${offset}, generation ${generation})` : ` (at byte ${offset})`;
}

/**
 * eventTypeName is Go's name for event type `type` in format `version` (as its
 * Version.EventName), or the name in the newest format where no version is known.
 */
function eventTypeName(type: bigint, version?: number): string {
  const t = Number(type);
  const spec = type < 256n ? (version ? specFor(version, t) : BY_TYPE[t]) : undefined;
  return spec ? spec.name : `Invalid(${type})`;
}

/** statusName is Go's String() of a status: "Bad" for anything unknown. */
function statusName(names: string[], x: bigint): string {
  return x < BigInt(names.length) ? names[Number(x)]! : 'Bad';
}

/**
 * placeholder prints number `x` as placeholder kind `kind` says ('' decimal,
 * 'i' signed decimal, 'x' hex, 'ev' event-type name, 'gs'/'ps' goroutine/proc
 * status name).
 */
function placeholder(x: bigint, kind: string, version?: number): string {
  switch (kind) {
    case '': return x.toString();
    case 'i': return BigInt.asIntN(64, x).toString();
    case 'x': return x.toString(16);
    case 'ev': return eventTypeName(x, version);
    case 'gs': return statusName(GO_STATUSES, x);
    case 'ps': return statusName(PROC_STATUSES, x);
    case 'oldev': return V1_BY_TYPE[Number(x & 0xffn)]?.name ?? `${x}`; // an old-format event type
  }
  return `{${x}:${kind}?}`;
}

/**
 * formatCoreError words the core's error: the message of its code with the
 * placeholders filled in. An unknown code is itself an internal error, worded
 * so that the code can be found.
 */
export function formatCoreError(info: CoreErrorInfo, version?: number): string {
  const row = ERRORS[info.code];
  if (!row) return `internal error: unknown error code ${info.code} (${info.args.join(', ')})`;
  return row.message.replace(/\{([0-3])([a-z]*)\}/g, (_: string, i: string, kind: string) =>
    placeholder(info.args[Number(i)] ?? 0n, kind, version));
}

/** coreError is the TraceError the core's error region describes. */
export function coreError(info: CoreErrorInfo, version?: number): TraceError {
  const code = ERRORS[info.code] ? info.code : INTERNAL_ERROR;
  return new TraceError(code, formatCoreError(info, version), exact(info.offset), exact(info.generation));
}

/** exact turns a byte offset or generation into a number (they are far below 2^53). */
function exact(x: bigint): number {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : Number.MAX_SAFE_INTEGER;
}

/**
 * internalError is the TraceError for a fault of gotrace itself: a broken
 * invariant, or a WebAssembly trap (which must never reach users as a bare
 * RuntimeError).
 */
export function internalError(cause: unknown, offset = -1, generation = 0): TraceError {
  const what = cause instanceof Error ? cause.message : String(cause);
  const err = new TraceError(INTERNAL_ERROR, `internal error: ${what}`, offset, generation);
  if (cause instanceof Error) (err as { cause?: unknown }).cause = cause;
  return err;
}

/** asTraceError passes TraceErrors through and turns anything else into an internal error. */
export function asTraceError(err: unknown): TraceError {
  return err instanceof TraceError ? err : internalError(err);
}
