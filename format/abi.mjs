// The memory layouts that cross the WebAssembly boundary, written once: the
// core writes them and TypeScript reads them, both through the constants that
// scripts/gen-abi.mjs generates from this table (assembly/abi.ts,
// bindings/abi.ts). A layout is a prefix, a size and its fields; a field is a
// name, a byte offset, a type (u8 … u64, i32, i64, f64; `u64x4` is four u64)
// and what it holds. Each field becomes the constant PREFIX_FIELD (its byte
// offset; camelCase names become SNAKE_CASE) and the layout's size PREFIX_SIZE.
// Where a layout sets `words`, TypeScript also gets PREFIX_FIELD_WORD, the
// index of the 32-bit word that holds the field, for readers that index a
// Uint32Array (and PREFIX_FIELD_SHIFT, in bits, for a field within a word). `values`
// are named numbers that belong to the layout (flag bits). A `tail` field
// follows the layout (its size is the header's). All little-endian.
// assembly/README.md tells what each layout is for.

/** LAYOUTS are the layouts, by name. */
export const LAYOUTS = {
  record: {
    prefix: 'RECORD',
    doc: 'an ordered event record, as next() writes them to records()',
    size: 80,
    words: true,
    fields: [
      { name: 'type', offset: 0, type: 'u8', doc: 'wire event type; 0xFF for a Sync, EvCPUSample for a stack sample' },
      { name: 'flags', offset: 1, type: 'u8', doc: 'flags: RECORD_NEW_TABLES' },
      { name: 'reserved', offset: 2, type: 'u16', doc: 'zero' },
      { name: 'serial', offset: 4, type: 'u32', doc: 'generation serial (1, 2, … in reading order): which tables to resolve against' },
      { name: 'time', offset: 8, type: 'i64', doc: 'time in nanoseconds' },
      { name: 'g', offset: 16, type: 'i64', doc: 'goroutine (-1: none)' },
      { name: 'p', offset: 24, type: 'i64', doc: 'proc (-1: none)' },
      { name: 'm', offset: 32, type: 'i64', doc: 'thread (-1: none)' },
      { name: 'args', offset: 40, type: 'u64x4', doc: "Go's four arguments after ordering" },
      { name: 'batchOffset', offset: 72, type: 'u64', doc: "byte offset of the event's batch in the stream" },
    ],
    values: [{ name: 'NEW_TABLES', value: 1, doc: 'flag: this Sync starts a generation, whose tables() to read' }],
  },
  raw: {
    prefix: 'RAW',
    doc: 'a raw event as rawNext() writes it; nargs u64 arguments follow the header',
    size: 16,
    fields: [
      { name: 'type', offset: 0, type: 'u32', doc: 'event type' },
      { name: 'nargs', offset: 4, type: 'u32', doc: 'number of u64 arguments, stack frames included (4 a frame)' },
      { name: 'dataLen', offset: 8, type: 'u32', doc: 'length of the data trailer (0: none)' },
      { name: 'dataPtr', offset: 12, type: 'u32', doc: 'address of the data trailer, in the pending input' },
      { name: 'args', offset: 16, type: 'u64', doc: 'the first of the nargs arguments, after the header', tail: true },
    ],
  },
  tables: {
    prefix: 'TABLES',
    doc: "the header of a generation's tables blob; its sections' offsets are from the blob's start",
    size: 96,
    fields: [
      { name: 'strings', offset: 0, type: 'u32', doc: 'number of strings' },
      { name: 'stacks', offset: 4, type: 'u32', doc: 'number of stacks' },
      { name: 'frames', offset: 8, type: 'u32', doc: 'number of frames' },
      { name: 'stringsAt', offset: 12, type: 'u32', doc: 'offset of the string entries' },
      { name: 'stacksAt', offset: 16, type: 'u32', doc: 'offset of the stack entries' },
      { name: 'framesAt', offset: 20, type: 'u32', doc: 'offset of the frames' },
      { name: 'bytesAt', offset: 24, type: 'u32', doc: 'offset of the string bytes' },
      { name: 'flags', offset: 28, type: 'u32', doc: 'flags: TABLES_HAS_SNAPSHOT, TABLES_STORE_IDS' },
      { name: 'frequency', offset: 32, type: 'f64', doc: "ns per tick (Go's frequency)" },
      { name: 'generation', offset: 40, type: 'i64', doc: 'generation number, from the batches' },
      { name: 'snapTrace', offset: 48, type: 'i64', doc: 'clock snapshot: trace time in ns' },
      { name: 'snapMono', offset: 56, type: 'u64', doc: 'clock snapshot: monotonic clock' },
      { name: 'snapSec', offset: 64, type: 'i64', doc: 'clock snapshot: wall seconds' },
      { name: 'snapNsec', offset: 72, type: 'i64', doc: 'clock snapshot: wall nanoseconds' },
      { name: 'experimentals', offset: 80, type: 'u32', doc: 'number of experimental batches' },
      { name: 'experimentalsAt', offset: 84, type: 'u32', doc: 'offset of the experimental batch entries' },
      { name: 'epoch', offset: 88, type: 'u32', doc: "the store's epoch (with TABLES_STORE_IDS)" },
      { name: 'reserved', offset: 92, type: 'u32', doc: 'zero' },
    ],
    values: [
      { name: 'HAS_SNAPSHOT', value: 1, doc: 'flag: the header holds a clock snapshot' },
      { name: 'STORE_IDS', value: 2, doc: "flag: the events carry store IDs (the blob's string, stack and frame sections are empty)" },
    ],
  },
  stringEntry: {
    prefix: 'STRING_ENTRY',
    doc: 'a string entry of a tables blob',
    size: 16,
    fields: [
      { name: 'id', offset: 0, type: 'u64', doc: 'string ID' },
      { name: 'offset', offset: 8, type: 'u32', doc: 'offset of its bytes from the string bytes' },
      { name: 'length', offset: 12, type: 'u32', doc: 'its length in bytes' },
    ],
  },
  stackEntry: {
    prefix: 'STACK_ENTRY',
    doc: 'a stack entry of a tables blob',
    size: 16,
    fields: [
      { name: 'id', offset: 0, type: 'u64', doc: 'stack ID' },
      { name: 'first', offset: 8, type: 'u32', doc: 'index of its first frame' },
      { name: 'count', offset: 12, type: 'u32', doc: 'number of frames' },
    ],
  },
  frame: {
    prefix: 'FRAME',
    doc: "a stack frame, of a tables blob or of the store (whose string IDs are the store's)",
    size: 32,
    fields: [
      { name: 'pc', offset: 0, type: 'u64', doc: 'PC' },
      { name: 'func', offset: 8, type: 'u64', doc: "function name's string ID" },
      { name: 'file', offset: 16, type: 'u64', doc: "file name's string ID" },
      { name: 'line', offset: 24, type: 'u64', doc: 'line' },
    ],
  },
  experimental: {
    prefix: 'EXPERIMENTAL',
    doc: "an experimental batch entry of a tables blob (Go's Sync.ExperimentalBatches)",
    size: 24,
    fields: [
      { name: 'thread', offset: 0, type: 'u64', doc: 'thread' },
      { name: 'experiment', offset: 8, type: 'u32', doc: 'experiment' },
      { name: 'dataAt', offset: 12, type: 'u32', doc: "offset of the batch's data from the blob's start" },
      { name: 'length', offset: 16, type: 'u32', doc: 'its length' },
      { name: 'unused', offset: 20, type: 'u32', doc: 'unused' },
    ],
  },
  storeInfo: {
    prefix: 'STORE_INFO',
    doc: 'the descriptor of a store, as storeInfo() gives it: counts, then addresses',
    size: 36,
    fields: [
      { name: 'epoch', offset: 0, type: 'u32', doc: 'epoch' },
      { name: 'strings', offset: 4, type: 'u32', doc: 'number of strings' },
      { name: 'stacks', offset: 8, type: 'u32', doc: 'number of stacks' },
      { name: 'frames', offset: 12, type: 'u32', doc: 'number of frames' },
      { name: 'stringEntries', offset: 16, type: 'u32', doc: 'address of the string entries (STORE_ENTRY)' },
      { name: 'stackEntries', offset: 20, type: 'u32', doc: 'address of the stack entries (STORE_ENTRY)' },
      { name: 'framesAt', offset: 24, type: 'u32', doc: 'address of the frames (FRAME)' },
      { name: 'bytesAt', offset: 28, type: 'u32', doc: 'address of the string bytes' },
      { name: 'bytesLength', offset: 32, type: 'u32', doc: 'length of the string bytes' },
    ],
  },
  storeEntry: {
    prefix: 'STORE_ENTRY',
    doc: 'a string or stack entry of the store; entry i is store ID i + 1',
    size: 8,
    fields: [
      { name: 'offset', offset: 0, type: 'u32', doc: "a string's first byte (from the string bytes); a stack's first frame" },
      { name: 'length', offset: 4, type: 'u32', doc: "a string's length; a stack's frame count" },
    ],
  },
  error: {
    prefix: 'ERROR',
    doc: 'the error region, as errorInfo() gives it',
    size: 56,
    fields: [
      { name: 'code', offset: 0, type: 'u32', doc: 'error code (format/errors.mjs)' },
      { name: 'pad', offset: 4, type: 'u32', doc: 'zero' },
      { name: 'offset', offset: 8, type: 'u64', doc: 'byte offset in the stream where the fault lies' },
      { name: 'generation', offset: 16, type: 'u64', doc: 'generation number of the fault (0: none)' },
      { name: 'args', offset: 24, type: 'u64x4', doc: 'four numbers that explain the error' },
    ],
  },
  name: {
    prefix: 'NAME',
    doc: 'a name in the names arena (names()): the length, then the bytes',
    size: 4,
    fields: [
      { name: 'length', offset: 0, type: 'u32', doc: 'length in bytes (little-endian, maybe unaligned)' },
      { name: 'bytes', offset: 4, type: 'u8', doc: 'the bytes', tail: true },
    ],
  },
  v1Event: {
    prefix: 'EV',
    doc: "an old-format event (Go's tracev1.Event), which an error's {oldq} placeholder points at",
    size: 64,
    fields: [
      { name: 'ts', offset: 0, type: 'i64', doc: 'time: ticks while parsing, nanoseconds after ordering' },
      { name: 'g', offset: 8, type: 'u64', doc: 'goroutine' },
      { name: 'args', offset: 16, type: 'u64x4', doc: "Go's Event.Args" },
      { name: 'stk', offset: 48, type: 'u32', doc: 'stack ID' },
      { name: 'p', offset: 52, type: 'i32', doc: 'P: a real P, -1, or a fake P' },
      { name: 'boff', offset: 56, type: 'u32', doc: "stream offset of the event's batch" },
      { name: 'type', offset: 60, type: 'u8', doc: 'event type (format/events-v1.mjs)' },
      { name: 'blocked', offset: 61, type: 'u8', doc: "set on a GoSysCall whose goroutine's next event is a GoSysBlock" },
    ],
  },
};
