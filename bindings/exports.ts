/**
 * The WebAssembly core's exports as TypeScript sees them, and the constants of
 * its ABI (assembly/README.md is the contract; this file is its typed form).
 * Only numbers cross the boundary: addresses are offsets into the core's
 * memory, read through the views that `Core` keeps fresh.
 */

/** CoreExports lists every function the core exports, typed. */
export interface CoreExports {
  /** memory is the core's linear memory; it may grow (and its buffer change) on any call that steps or feeds. */
  readonly memory: WebAssembly.Memory;

  /** inputWindow is the address of the fixed region a chunk of input is written to. */
  inputWindow(): number;
  /** inputWindowSize is the size of that region in bytes. */
  inputWindowSize(): number;
  /** feed takes `n` bytes from the input window into the stream. May grow memory. */
  feed(n: number): void;
  /** inputSpace makes room for up to `n` bytes (at most inputWindowSize()) at the end of the core's input and returns its address, for a chunk written there directly: one copy less than through the window. May grow memory. */
  inputSpace(n: number): number;
  /** feedSpace takes the first `n` bytes written at inputSpace()'s address into the stream (call it next, with no other call between). */
  feedSpace(n: number): void;
  /** close tells the core that no more input will come. */
  close(): void;
  /** reset forgets everything, ready for a new trace. */
  reset(): void;
  /** version is the trace's format version once its header has been read, else 0. */
  version(): number;

  /** rawNext reads the next raw event (Go's -d=wire listing): a status. */
  rawNext(): number;
  /** rawRecord is the address of the last raw event's record (RAW_* offsets). */
  rawRecord(): number;

  /** next reads ordered events: a status; on N > 0, records() holds N event records. */
  next(): number;
  /** records is the address of the event record array (RECORD_SIZE bytes each). */
  records(): number;
  /** tables is the address of the tables blob of the generation the records belong to. */
  tables(): number;
  /** tablesLen is the length in bytes of that blob. */
  tablesLen(): number;
  /** names is the address of the interned-names arena. */
  names(): number;
  /** storeInfo is the address of the descriptor of the core's live store (`which` 0) or retired one (1). */
  storeInfo(which: number): number;
  /** storeLimit sets the size in bytes past which the core retires its store (0: at every generation). */
  storeLimit(bytes: number): void;
  /** bufferLimit sets the largest buffer the core makes in bytes (0: its own, 1 GiB less 64 bytes), for the tests. */
  bufferLimit(bytes: number): void;
  /** memoryLimit sets the most memory the core may take in bytes (0: its own limit, 4 GiB less 64 KiB), for the tests. */
  memoryLimit(bytes: number): void;
  /** occupy takes `bytes` of the core's memory, never touched, as a long reading would have, for the tests. */
  occupy(bytes: number): void;

  /** errorInfo is the address of the error region (ERROR_* offsets). */
  errorInfo(): number;
}

/** NEED_INPUT is the status that asks for more input (or close()). */
export const NEED_INPUT = 0;
/** END is the status of a trace read to its end. */
export const END = -1;
/** ERROR is the status of a failed reading: errorInfo() says why. */
export const ERROR = -2;

// The layouts of the records, blobs and regions the core writes: byte
// offsets generated from format/abi.mjs (RAW_*, RECORD_*, ERROR_*, …).
export * from './abi';

/** CoreErrorInfo is the core's error region, read out: a code from
 * format/errors.mjs and the numbers that explain it. */
export interface CoreErrorInfo {
  /** code is the error's code in format/errors.mjs. */
  code: number;
  /** offset is the byte offset in the stream where the fault lies. */
  offset: bigint;
  /** generation is the generation number from the batch headers, 0 where none. */
  generation: bigint;
  /** args are the four numbers that fill the message's placeholders. */
  args: [bigint, bigint, bigint, bigint];
}
