// @ts-check
/**
 * Errors the WebAssembly core reports, as one table of data.
 *
 * The core never builds a string: it stops with a code and up to four numbers
 * (plus the byte offset and generation where it stopped). The TypeScript layer
 * turns them into a message with `formatCoreError`. Messages follow Go's reader
 * word for word where Go has one, so that `gotrace events` fails with the same
 * words as `go tool trace`; placeholders `{0}`..`{3}` are the numbers, printed
 * in decimal, `{0x}` in hex, `{0ev}` as an event-type name, `{0gs}`/`{0ps}` as
 * a goroutine or proc status name, `{0room}` what a reading ran out of (0 a
 * buffer, 1 the core's linear memory as a whole: TOO_ROOMS).
 *
 * Placeholders of the ordering (200-399), as Go prints its values there:
 * `{0i}` the number as a signed 64-bit integer (goroutine, proc and thread
 * IDs: -1 is none); `{0gs}`/`{0ps}` name a wire status (format/events.mjs
 * GO_STATUSES/PROC_STATUSES, "Bad" past the end). The next three print Go
 * structs with %v, from the core's memory at the address the number holds
 * (little-endian; valid until the next call into the core):
 * - `{0range}`: a rangeType, u64 event type then u64 string ID: `{35 0}`.
 * - `{0ranges}`: a list of them, u32 count, u32 pad, then count rangeTypes:
 *   `[{26 5} {35 0}]` (`[]` when empty).
 * - `{0region}`: a userRegion, u64 task ID then u32 offset of its name in the
 *   names arena (`names()`: u32 length, bytes): `{7 my region}`.
 *
 * Placeholders of generations and their tables (100-199):
 * - `{0io}`: an error of Go's binary.ReadUvarint: 1 `EOF`, 2 `unexpected EOF`,
 *   3 `binary: varint overflows a 64-bit integer`.
 * - `{0s}`: a string (%v) from the core's memory: its address in the low 32
 *   bits, its length in the high 32 bits (0: the empty string).
 * - `{0pcs}`: a stack's PCs as Go prints a stack with %v, one `\t0x…\n` (%#v,
 *   lowercase hex) per PC: u64 PCs at the address in the low 32 bits, their
 *   count in the high 32 bits (0: nothing printed).
 *
 * Codes are grouped by the stage that raises them: 1-99 input, header, framing
 * and raw events; 100-199 generations and their tables; 200-399 ordering;
 * 900+ internal errors. Add rows only within your stage's range.
 */

/** TOO_ROOMS words the `{room}` placeholder: what ran out, by number. */
export const TOO_ROOMS = ['a buffer', 'a linear memory'];

/** @type {Record<number, {name: string, message: string}>} */
export const ERRORS = {
  // --- 1-99: input, header, framing, raw events ---
  1: { name: 'badHeader', message: 'bad file format: not a Go execution trace?' },
  2: { name: 'badVersion', message: 'unknown or unsupported trace version go 1.{0}' },
  3: { name: 'rawUnexpectedEOF', message: 'unexpected EOF' },
  4: { name: 'rawVarintOverflow', message: 'binary: varint overflows a 64-bit integer' },
  5: { name: 'rawBadEventType', message: 'invalid event type: {0}' },
  6: { name: 'rawEventTooLarge', message: 'event of type {0} is larger than {1} bytes, more than gotrace lists' },
  7: { name: 'tooLarge', message: 'trace too large for gotrace: it needs {2room} of {0} bytes, more than the limit of {1}' },

  // --- 100-199: generations, tables ---
  100: { name: 'batchType', message: 'expected batch event, got event {0}' },
  101: { name: 'batchGen', message: 'error reading batch gen: {0io}' },
  102: { name: 'batchThread', message: 'error reading batch M ID: {0io}' },
  103: { name: 'batchTime', message: 'error reading batch timestamp: {0io}' },
  104: { name: 'batchSizeField', message: 'error reading batch size: {0io}' },
  105: { name: 'batchTooLarge', message: 'invalid batch size {0}, maximum is {1}' },
  106: { name: 'batchShort', message: 'failed to read full batch: read {0} but wanted {1}' },
  110: { name: 'incompleteGeneration', message: 'incomplete generation found; trace likely truncated' },
  111: { name: 'generationNumber', message: 'invalid generation number {0}' },
  112: { name: 'noEndOfGeneration', message: 'broken trace: missing end-of-generation event, or generations are interleaved' },
  113: { name: 'generationOrder', message: 'generations out of order' },
  114: { name: 'noFrequency', message: 'no frequency event found' },
  115: { name: 'noClockSnapshot', message: 'no clock snapshot event found' },
  116: { name: 'tableVarint', message: '{0io}' },
  117: { name: 'stringEvent', message: 'expected string event, got {0}' },
  118: { name: 'stringTooLarge', message: 'invalid string size {0}, maximum is {1}' },
  119: { name: 'stringShort', message: 'failed to read full string: read {0} but wanted {1}' },
  120: { name: 'stringDuplicate', message: 'multiple strings with the same ID: id={0}, new={1s}, existing={2s}' },
  121: { name: 'stackEvent', message: 'expected stack event, got {0}' },
  122: { name: 'stackTooLarge', message: 'invalid stack size {0}, maximum is {1}' },
  123: { name: 'framePC', message: "reading frame {0}'s PC for stack {1}: {2io}" },
  124: { name: 'frameFunc', message: "reading frame {0}'s funcID for stack {1}: {2io}" },
  125: { name: 'frameFile', message: "reading frame {0}'s fileID for stack {1}: {2io}" },
  126: { name: 'frameLine', message: "reading frame {0}'s line for stack {1}: {2io}" },
  127: { name: 'stackDuplicate', message: 'multiple trace.stacks with the same ID: id={0}, new={1pcs}, existing={2pcs}' },
  128: { name: 'sampleEvent', message: 'expected CPU sample event, got {0}' },
  129: { name: 'multipleFrequencies', message: 'found multiple frequency events' },
  130: { name: 'multipleClockSnapshots', message: 'found multiple clock snapshot events' },
  131: { name: 'syncEvent', message: 'expected frequency or clock snapshot event, got {0}' },
  133: { name: 'stackFuncString', message: 'found invalid func string ID {0} for stack {1}' },
  134: { name: 'stackFileString', message: 'found invalid file string ID {0} for stack {1}' },
  135: { name: 'endOfGenerationBatch', message: 'internal error: unexpectedly processing EndOfGeneration; broken trace?' },
  140: { name: 'eventType', message: 'found invalid event type: {0}' },
  141: { name: 'eventUntimed', message: 'found event without a timestamp: type={0}' },
  142: { name: 'eventTime', message: 'found invalid uvarint for timestamp' },
  143: { name: 'eventArg', message: 'found invalid uvarint' },
  150: { name: 'failedToAdvance', message: 'broken trace: failed to advance: frontier: [gen={0}] earliest M {2} [{3ev}], {1} in all' },
  152: { name: 'eventStackID', message: 'found invalid stack ID {0} for event {1ev}' },
  153: { name: 'eventStringID', message: 'found invalid string ID {0} for event {1ev}' },

  // --- 200-399: ordering ---
  200: { name: 'orderBadEventType', message: 'bad event type found while ordering: {0}' },
  201: { name: 'procStatusInvalid', message: 'invalid status for proc {0i}: {1}' },
  202: { name: 'procStatusInconsistent', message: 'inconsistent status for proc {0i}: old {1ps} vs. new {2ps}' },
  203: { name: 'procStealNoContext', message: "failed to find sched context for proc {0i} that's about to be stolen" },
  204: { name: 'ctxNeedThread', message: "expected a thread but didn't have one" },
  205: { name: 'ctxNoThread', message: 'expected no thread but had one' },
  206: { name: 'ctxNeedProc', message: "expected a proc but didn't have one" },
  207: { name: 'ctxNoProc', message: 'expected no proc but had one' },
  208: { name: 'ctxNeedGoroutine', message: "expected a goroutine but didn't have one" },
  209: { name: 'ctxNoGoroutine', message: 'expected no goroutine but had one' },
  210: { name: 'procStopUnknown', message: "event {0ev} for proc ({1i}) that doesn't exist" },
  211: { name: 'procStopNotRunning', message: "{0ev} event for proc that's not Running or Syscall" },
  212: { name: 'procSelfStealWrongProc', message: 'tried to self-steal proc {0i} (thread {1i}), but got proc {2i} instead' },
  213: { name: 'procStealNoThread', message: 'stole proc from non-existent thread {0i}' },
  214: { name: 'procStealWrongProc', message: 'tried to steal proc {0i} from thread {1i}, but got proc {2i} instead' },
  215: { name: 'goStatusInvalid', message: 'invalid status for goroutine {0i}: {1}' },
  216: { name: 'goStatusInconsistent', message: 'inconsistent status for goroutine {0i}: old {1gs} vs. new {2gs}' },
  217: { name: 'goStatusNew', message: 'found goroutine status for new goroutine after the first generation: id={0i} status={1gs}' },
  218: { name: 'goSyscallNoThread', message: 'found goroutine {0i} in syscall without a thread' },
  219: { name: 'goSyscallWrongThread', message: 'inconsistent thread for syscalling goroutine {0i}: thread has goroutine {1i}' },
  220: { name: 'goNotRunning', message: "{0ev} event for goroutine that's not Running" },
  221: { name: 'goNotSyscall', message: "{0ev} event for goroutine that's not Syscall" },
  222: { name: 'goCreateExists', message: 'tried to create goroutine ({0i}) that already exists' },
  223: { name: 'goUnknown', message: "event {0ev} for goroutine ({1i}) that doesn't exist" },
  224: { name: 'procUninitialized', message: 'uninitialized proc {0i} found during {1ev}' },
  225: { name: 'syscallBadSeq', message: "failed to advance GoSyscallBegin: can't make sequence: {1} (gen={0}) -> {3} (gen={2})" },
  226: { name: 'syscallEndProcState', message: 'expected proc {0i} in state Syscall, but got {1ps} instead' },
  227: { name: 'goCreateSyscallExists', message: 'tried to create goroutine ({0i}) in syscall that already exists' },
  228: { name: 'destroySyscallNoProc', message: 'found invalid proc {0i} during {1ev}' },
  229: { name: 'destroySyscallProcState', message: 'proc {0i} in unexpected state {1ps} during {2ev}' },
  230: { name: 'taskConflict', message: 'task ID conflict: {0}' },
  231: { name: 'badStringID', message: 'invalid string ID {0} for {1} event' },
  232: { name: 'regionBeginUnknownGoroutine', message: 'encountered EvUserRegionBegin without known state for current goroutine {0i}' },
  233: { name: 'regionEndUnknownGoroutine', message: 'encountered EvUserRegionEnd without known state for current goroutine {0i}' },
  234: { name: 'regionMisuse', message: 'misuse of region in goroutine {0i}: region end {1region} when the inner-most active region start event is {2region}' },
  235: { name: 'gcActiveNotFirst', message: "GCActive in the first generation isn't first GC event" },
  236: { name: 'gcActiveNotRunning', message: 'encountered GCActive while GC was not in progress' },
  237: { name: 'gcBeginRunning', message: 'encountered GCBegin while GC was already in progress' },
  238: { name: 'gcEndNotRunning', message: 'encountered GCEnd when GC was not in progress' },
  239: { name: 'gcEndUndetermined', message: 'encountered GCEnd when GC was in an undetermined state' },
  240: { name: 'sweepActiveUnknownProc', message: 'encountered GCSweepActive for unknown proc {0i}' },
  241: { name: 'rangeUnknownGoroutine', message: 'encountered event of type {0} without known state for current goroutine {1i}' },
  242: { name: 'rangeActiveUnknownGoroutine', message: 'uninitialized goroutine {0i} found during {1ev}' },
  243: { name: 'rangeInFlight', message: 'discovered event already in-flight for when starting event {0ev}' },
  244: { name: 'rangeActiveFirstGen', message: 'found named active range already in first gen: {0range}' },
  245: { name: 'rangeMissing', message: 'resource is missing active range: {0ev} {1ranges}' },
  246: { name: 'rangeNotInFlight', message: 'tried to end event {0ev}, but not in-flight' },

  // --- 400-499: old formats ---
  // Go 1.11-1.21 traces, as Go's tracev1 parser and its conversion fail on
  // them (assembly/v1). Placeholders: `{0oldev}` names an old-format event
  // type (format/events-v1.mjs); `{0oldq}` is Go's %q of an old event (its
  // String(), quoted): the number is the address of a 64-byte old event in
  // the core's memory (assembly/v1/event.ts: i64 time, u64 G, u64 args[4],
  // u32 stack, i32 P, u32 pad, u8 type).
  400: { name: 'oldVarint', message: 'malformatted base-128 varint' },
  401: { name: 'oldArgVarint', message: 'failed to read event {0} argument: malformatted base-128 varint' },
  402: { name: 'oldArgTooBig', message: 'failed to read event {0} argument: length-prefixed argument too big: {1} bytes, limit is {2}' },
  403: { name: 'oldEOF', message: 'failed to read trace: EOF' },
  404: { name: 'oldUnexpectedEOF', message: 'failed to read trace: unexpected EOF' },
  405: { name: 'oldUnknownType', message: 'unknown event type {0}' },
  406: { name: 'oldBatchArgs', message: 'EvBatch has wrong number of arguments: got {0}, want {1}' },
  407: { name: 'oldProcessorID', message: 'processor ID {0} is larger than maximum of {1}' },
  408: { name: 'oldNoBatch', message: 'read event {0} with current P of {1i}, but P has no batches yet' },
  409: { name: 'oldSampleArgs', message: 'CPU sample has wrong number of arguments: want {0}, got {1}' },
  410: { name: 'oldStringID0', message: 'string has invalid id 0' },
  411: { name: 'oldStringDuplicate', message: 'string has duplicate id {0}' },
  412: { name: 'oldStringLength0', message: 'string has invalid length 0' },
  413: { name: 'oldStringTooLong', message: 'string has too large length {0}' },
  414: { name: 'oldWrongArgs', message: '{0oldev} has wrong number of arguments: want {1}, got {2}' },
  415: { name: 'oldStackShort', message: 'EvStack has wrong number of arguments: want at least 2, got {0}' },
  416: { name: 'oldStackFrames', message: 'EvStack has bad number of frames: {0}' },
  417: { name: 'oldStackArgs', message: 'EvStack has wrong number of arguments: want {0}, got {1}' },
  418: { name: 'oldValueTooLong', message: 'string is too large (len={0})' },
  419: { name: 'oldTimeOrder', message: 'time stamps out of order' },
  420: { name: 'oldNoFrequency', message: 'no EvFrequency event' },
  421: { name: 'oldNoOrder', message: 'no consistent ordering of events possible' },
  422: { name: 'oldBadTransition', message: 'encountered impossible goroutine state transition' },
  423: { name: 'oldStraySyscallExit', message: 'stray syscall exit' },
  424: { name: 'oldProcRunning', message: 'p {0i} is running before start (time {1i})' },
  425: { name: 'oldProcNotRunning', message: 'p {0i} is not running before stop (time {1i})' },
  426: { name: 'oldProcBusy', message: 'p {0i} is running a goroutine {1} during stop (time {2i})' },
  427: { name: 'oldGCTwice', message: 'previous GC is not ended before a new one (time {0i})' },
  428: { name: 'oldGCBogus', message: 'bogus GC end (time {0i})' },
  429: { name: 'oldSTWTwice', message: 'previous STW is not ended before a new one (time {0i})' },
  430: { name: 'oldSTWBogus', message: 'bogus STW end (time {0i})' },
  431: { name: 'oldSweepTwice', message: 'previous sweeping is not ended before a new one (time {0i})' },
  432: { name: 'oldAssistTwice', message: 'previous mark assist is not ended before a new one (time {0i})' },
  433: { name: 'oldSweepBogus', message: 'bogus sweeping end (time {0i})' },
  434: { name: 'oldWaitingState', message: 'g {0} is not runnable before EvGoWaiting (time {1i})' },
  435: { name: 'oldInSyscallState', message: 'g {0} is not runnable before EvGoInSyscall (time {1i})' },
  436: { name: 'oldGoroutineExists', message: 'g {0} already exists (time {1i})' },
  437: { name: 'oldStartState', message: 'g {0} is not runnable before start (time {1i})' },
  438: { name: 'oldStartBusy', message: 'p {0i} is already running g {1} while start g {2} (time {3i})' },
  439: { name: 'oldUnparkNotRunning', message: 'g {0} is not running while unpark (time {1i})' },
  440: { name: 'oldUnparkWrongP', message: 'p {0i} is not running g {1} while unpark (time {2i})' },
  441: { name: 'oldUnparkNotWaiting', message: 'g {0} is not waiting before unpark (time {1i})' },
  442: { name: 'oldSysExitState', message: 'g {0} is not waiting during syscall exit (time {1i})' },
  443: { name: 'oldNotRunning', message: 'g {0} is not running while {1oldev} (time {2i})' },
  444: { name: 'oldProcNotRunningG', message: 'p {0i} is not running g {1} while {2oldev} (time {3i})' },
  445: { name: 'oldGoroutine0', message: 'g 0 did {0oldev} (time {1i})' },
  446: { name: 'oldTaskConflict', message: 'task id conflicts (id:{0}), {1oldq} vs {2oldq}' },
  447: { name: 'oldRegionMisuse', message: 'misuse of region in goroutine {0}: span end {1oldq} when the inner-most active span start event is {2oldq}' },
  448: { name: 'oldRegionMode', message: 'invalid user region mode: {1oldq}' },
  449: { name: 'oldTooManyStrings', message: 'trace contains too many strings' },
  450: { name: 'oldUnexpectedType', message: 'unexpected event type {0}' },
  // Go's conversion does not check the string and stack IDs of old events:
  // printing an event that names one the tables lack panics, with these words.
  451: { name: 'oldMissingString', message: 'expected id {0} in string table' },
  452: { name: 'oldMissingStack', message: 'expected id {0} in trace.stack table' },

  // --- 900+: internal ---
  900: { name: 'internal', message: 'internal error: {0}' },
};
