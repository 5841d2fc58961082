// The errors a reading ends with. The WebAssembly core stops with a code and a
// few numbers (format/errors.mjs); this file words them, in Go's words where Go
// has some, and carries where in the input the fault lies.
import type { Core } from '../bindings/core';
import type { CoreErrorInfo } from '../bindings/exports';
import { EV_TS, EV_G, EV_ARGS, EV_STK, EV_P, EV_TYPE, NAME_LENGTH, NAME_BYTES } from '../bindings/abi';
import { ERRORS, TOO_ROOMS } from '../format/errors.mjs';
import { BY_TYPE, GO_STATUSES, PROC_STATUSES, specFor } from '../format/events.mjs';
import { V1_BY_TYPE } from '../format/events-v1.mjs';
import { quote } from './quote';

const utf8 = new TextEncoder();

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
  /** goMessage is the message without the location: Go's wording. Where Go's
   * message quotes bytes of the trace that are not UTF-8 (a damaged string
   * table), a string cannot hold them: they read as U+FFFD here, and
   * goMessageBytes has them as Go prints them. */
  readonly goMessage: string;
  /** goMessageBytes is goMessage as the bytes Go prints: its UTF-8, except
   * that bytes quoted from the trace are the trace's own, valid UTF-8 or not.
   * messageBytes() adds the location, for writing the whole message. */
  readonly goMessageBytes: Uint8Array;
  /** offset is the byte offset in the trace where the fault lies (-1 where unknown): in the decompressed trace, where the input is compressed. */
  readonly offset: number;
  /** generation is the generation number from the batch headers (0 where none). */
  readonly generation: number;

  /** The bytes of Go's message default to goMessage's UTF-8: only the
   * core's errors quote bytes of the trace. */
  constructor(code: number, goMessage: string, offset = -1, generation = 0, goMessageBytes?: Uint8Array) {
    super(goMessage + location(offset, generation));
    this.name = 'TraceError';
    this.code = code;
    this.goMessage = goMessage;
    this.goMessageBytes = goMessageBytes ?? utf8.encode(goMessage);
    this.offset = offset;
    this.generation = generation;
  }
}

/** messageBytes is the message of `e` as bytes: Go's bytes of its wording
 * (goMessageBytes), then where the fault lies. The command line writes these,
 * so that its error reads as Go's byte for byte. */
export function messageBytes(e: TraceError): Uint8Array {
  return concatBytes([e.goMessageBytes, utf8.encode(location(e.offset, e.generation))]);
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
 * ErrorContext is what placeholders read beyond the numbers: the trace's
 * format version (for event names) and, for the placeholders that print Go
 * values held in the core (strings, stacks, ranges, regions, old events), the
 * core's memory and names arena as they were when the core stopped.
 */
export interface ErrorContext {
  version?: number;
  memory?: Uint8Array;
  names?: number;
}

/** errorContext is the ErrorContext of `core` right after it stopped with an error. */
export function errorContext(core: Core): ErrorContext {
  return { version: core.version(), memory: core.views.u8, names: core.exports.names() };
}

/** Go's binary.ReadUvarint errors, by the core's number for them. */
const IO_ERRORS = ['', 'EOF', 'unexpected EOF', 'binary: varint overflows a 64-bit integer'];

/** Memory reads little-endian values of the core's memory for placeholders. */
class Memory {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly names: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  u64(at: number): bigint {
    return this.view.getBigUint64(at, true);
  }
  /** raw is a copy of `length` bytes at `at`: strings that Go prints as they are. */
  raw(at: number, length: number): Uint8Array {
    return this.bytes.slice(at, at + length);
  }

  /** range prints a rangeType (u64 event type, u64 string ID) as Go's %v: {35 0}. */
  range(at: number): string {
    return `{${this.u64(at)} ${this.u64(at + 8)}}`;
  }

  /** name is a name of the names arena (u32 length, then bytes). */
  name(offset: number): Uint8Array {
    const at = this.names + offset;
    return offset === 0 ? new Uint8Array(0) : this.raw(at + NAME_BYTES, this.u32(at + NAME_LENGTH));
  }

  /** oldEvent prints an old-format event as Go's tracev1 Event.String(). */
  oldEvent(at: number): string {
    const type = this.bytes[at + EV_TYPE]!;
    const spec = V1_BY_TYPE[type];
    let s = `${this.view.getBigInt64(at + EV_TS, true)} ${spec?.name ?? ''} p=${this.view.getInt32(at + EV_P, true)} g=${this.u64(at + EV_G)} stk=${this.u32(at + EV_STK)}`;
    (spec?.args ?? []).forEach((name, i) => (s += ` ${name}=${i < 4 ? this.u64(at + EV_ARGS + 8 * i) : 0}`));
    return s;
  }
}

/**
 * placeholder prints number `x` as placeholder kind `kind` says (see the
 * header of format/errors.mjs); kinds that read the core's memory print
 * nothing where it is not given. Strings of the trace come as their bytes
 * (Go prints them with %v, as they are), the rest as text.
 */
function placeholder(x: bigint, kind: string, ctx: ErrorContext): string | Uint8Array | (string | Uint8Array)[] {
  switch (kind) {
    case '':
      return x.toString();
    case 'i':
      return BigInt.asIntN(64, x).toString();
    case 'x':
      return x.toString(16);
    case 'ev':
      return eventTypeName(x, ctx.version);
    case 'gs':
      return statusName(GO_STATUSES, x);
    case 'ps':
      return statusName(PROC_STATUSES, x);
    case 'io':
      return IO_ERRORS[Number(x)] ?? `I/O error ${x}`;
    case 'oldev':
      return V1_BY_TYPE[Number(x & 0xffn)]?.name ?? `${x}`;
    case 'room':
      return TOO_ROOMS[Number(x)] ?? `room ${x}`;
  }
  if (!ctx.memory) return `{${x}:${kind}}`;
  const m = new Memory(ctx.memory, ctx.names ?? 0);
  const at = Number(x & 0xffffffffn),
    count = Number(x >> 32n);
  switch (kind) {
    case 's':
      return m.raw(at, count);
    case 'pcs':
      return Array.from({ length: count }, (_, i) => `\t0x${m.u64(at + 8 * i).toString(16)}\n`).join('');
    case 'range':
      return m.range(at);
    case 'ranges':
      return '[' + Array.from({ length: m.u32(at) }, (_, i) => m.range(at + 8 + 16 * i)).join(' ') + ']';
    case 'region':
      return [`{${m.u64(at)} `, m.name(m.u32(at + 8)), '}'];
    case 'oldq':
      return quote(m.oldEvent(at));
  }
  return `{${x}:${kind}?}`;
}

/**
 * formatCoreError words the core's error: the message of its code with the
 * placeholders filled in (`ctx` may be just the trace's version). An unknown
 * code is itself an internal error, worded so that the code can be found.
 * Bytes of the trace that are not UTF-8 read as U+FFFD: formatCoreErrorBytes
 * has Go's bytes.
 */
export function formatCoreError(info: CoreErrorInfo, ctx: ErrorContext | number = {}): string {
  return new TextDecoder().decode(formatCoreErrorBytes(info, ctx));
}

/**
 * formatCoreErrorBytes is formatCoreError's message as the bytes Go prints:
 * strings of the trace in it are the trace's bytes, as Go's %v prints them,
 * whether or not they are UTF-8.
 */
export function formatCoreErrorBytes(info: CoreErrorInfo, ctx: ErrorContext | number = {}): Uint8Array {
  const context = typeof ctx === 'number' ? { version: ctx } : ctx;
  const row = ERRORS[info.code];
  if (!row) return utf8.encode(`internal error: unknown error code ${info.code} (${info.args.join(', ')})`);
  const parts: (string | Uint8Array)[] = [];
  const holes = /\{([0-3])([a-z]*)\}/g;
  let last = 0;
  for (let m = holes.exec(row.message); m; m = holes.exec(row.message)) {
    parts.push(row.message.slice(last, m.index));
    parts.push(...[placeholder(info.args[Number(m[1])] ?? 0n, m[2]!, context)].flat());
    last = holes.lastIndex;
  }
  parts.push(row.message.slice(last));
  return concatBytes(parts.map((p) => (typeof p === 'string' ? utf8.encode(p) : p)));
}

/** concatBytes joins byte arrays into one. */
function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** coreError is the TraceError the core's error region describes. */
export function coreError(info: CoreErrorInfo, ctx: ErrorContext | number = {}): TraceError {
  const code = ERRORS[info.code] ? info.code : INTERNAL_ERROR;
  const bytes = formatCoreErrorBytes(info, ctx);
  return new TraceError(code, new TextDecoder().decode(bytes), exact(info.offset), exact(info.generation), bytes);
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

/**
 * ReaderClosedError is what a call on a Reader or Cursor fails with once it
 * has been closed (close(), or leaving a `for await` loop early, which closes
 * it), including calls that were waiting when it was closed. It is not a
 * TraceError: nothing is wrong with the trace, and the trace has not been
 * read to its end, which is why such a call must not answer null as at the
 * end. Test for it with `instanceof`, or by its code.
 */
export class ReaderClosedError extends Error {
  /** code is 'ERR_READER_CLOSED', for callers that test errors by code. */
  readonly code = 'ERR_READER_CLOSED';

  constructor() {
    super('gotrace: reader closed: close() was called, or a for await loop over the reader was left early');
    this.name = 'ReaderClosedError';
  }
}
