/**
 * gotrace: Go execution traces read outside Go, exactly as Go's own reader
 * reads them. This is the package's public entry.
 */

// Compiling the core ahead, for browsers' main threads, which refuse to
// compile it synchronously. The core itself (its loader, statuses and memory
// layouts) is the subpath gotrace/core (src/core.ts), not this API.
export { init, initSync } from '../bindings/index';

// The wire listing (`go tool trace -d=wire`).
export { WireReader, readWire, type RawEvent, type WireSource } from './wire';

// Typed events and the reader (Go's internal/trace.Reader and Event).
export { Reader, readEventsSync, readAll, type Source } from './reader';
export { Cursor } from './cursor';
export {
  Event,
  type StateTransition,
  type GoStateTransition,
  type ProcStateTransition,
  type TransitionDetail,
  type ExperimentalEvent,
} from './event';
export type { JSONValue } from './eventjson';
export {
  EventKind,
  ResourceKind,
  GoState,
  ProcState,
  ValueKind,
  ResourceID,
  Value,
  NO_GOROUTINE,
  NO_PROC,
  NO_THREAD,
  NO_TASK,
  BACKGROUND_TASK,
  type StackFrame,
  type Metric,
  type Label,
  type Range,
  type RangeAttribute,
  type Task,
  type Region,
  type Log,
  type Sync,
  type ClockSnapshot,
} from './kinds';
export { type Int64, sub } from './int64';
export { Tables, type Store } from './tables';

// Errors.
export { TraceError, ReaderClosedError, messageBytes } from './errors';

// Compressed traces (gzip), read transparently.
export { CompressionError } from './compression';

// Go's quoting.
export { quote } from './quote';
