// @ts-check
/**
 * The Go execution trace wire format (Go 1.22 and later), as one table of data.
 *
 * Every consumer derives from this table: the WebAssembly core's decoder
 * (`assembly/format.ts` is generated from it by `scripts/gen-format.mjs`), the
 * printer of raw events (`gotrace wire`), the raw text format (both ways) and
 * the typed event view. Adding an event to the format means adding one row here.
 *
 * Facts of the format, as Go's runtime writes it: each row gives the event's
 * name, its arguments in wire order (for timed events the first is the time
 * delta `dt`), which arguments are stack or string IDs (indices into `args`),
 * the event that begins the range it ends, and flags for timed events, events
 * with a data trailer (varint length, then bytes) and stack-table entries
 * (followed by `nframes` groups of four varints).
 */

/** Format versions, named by the Go release whose header they carry. */
export const GO122 = 22,
  GO123 = 23,
  GO125 = 25,
  GO126 = 26;

/** Old-format versions: recognised by their header, read by the v1 path. */
export const OLD_VERSIONS = [11, 19, 21];

/** Versions of the generation-based format, oldest first. */
export const VERSIONS = [GO122, GO123, GO125, GO126];

/** Experiments that experimental batches and events belong to (index = ID). */
export const EXPERIMENTS = ['None', 'AllocFree'];

/** Goroutine statuses on the wire (GoStatus's gstatus), as Go names them; index = value. */
export const GO_STATUSES = ['Bad', 'Runnable', 'Running', 'Syscall', 'Waiting'];
/** Proc statuses on the wire (ProcStatus's pstatus), as Go names them; index = value. */
export const PROC_STATUSES = ['Bad', 'Running', 'Idle', 'Syscall', 'SyscallAbandoned'];

/** Names of the four varints of each frame in a stack-table entry. */
export const FRAME_FIELDS = ['pc', 'func', 'file', 'line'];

/** The largest batch Go writes or reads, in bytes. */
export const MAX_BATCH_SIZE = 64 << 10;
/** The most frames a stack may have. */
export const MAX_FRAMES_PER_STACK = 128;
/** The longest string (event trailer data) in bytes. */
export const MAX_STRING_SIZE = 1 << 10;
/** Timed events carry at most this many arguments, the time delta included. */
export const MAX_TIMED_EVENT_ARGS = 5;
/** The first experimental event type; experimental types run up to MAX_EXPERIMENTAL_EVENT. */
export const MAX_EVENT = 127;

/**
 * @typedef {object} EventSpec
 * @property {number} type wire event type (the byte that starts the event)
 * @property {string} name
 * @property {string[]} args argument names in wire order
 * @property {number} since the first format version that has the event
 * @property {boolean} [timed] a timed event of the per-thread streams
 * @property {number[]} [stacks] indices into args of stack IDs; the first is the event's own stack
 * @property {number[]} [strings] indices into args of string IDs
 * @property {string} [start] for range ends: the event that began the range
 * @property {boolean} [data] has a data trailer
 * @property {boolean} [stack] is a stack-table entry with frames
 * @property {number} [experiment] experiment ID of an experimental event
 */

/** @type {EventSpec[]} */
export const EVENTS = [
  // Structural events: framing and the per-generation tables.
  { type: 1, name: 'EventBatch', args: ['gen', 'm', 'time', 'size'], since: GO122 },
  { type: 2, name: 'Stacks', args: [], since: GO122 },
  { type: 3, name: 'Stack', args: ['id', 'nframes'], stack: true, since: GO122 },
  { type: 4, name: 'Strings', args: [], since: GO122 },
  { type: 5, name: 'String', args: ['id'], data: true, since: GO122 },
  { type: 6, name: 'CPUSamples', args: [], since: GO122 },
  { type: 7, name: 'CPUSample', args: ['time', 'm', 'p', 'g', 'stack'], stacks: [4], since: GO122 },
  { type: 8, name: 'Frequency', args: ['freq'], since: GO122 },

  // Procs.
  { type: 9, name: 'ProcsChange', args: ['dt', 'procs_value', 'stack'], timed: true, stacks: [2], since: GO122 },
  { type: 10, name: 'ProcStart', args: ['dt', 'p', 'p_seq'], timed: true, since: GO122 },
  { type: 11, name: 'ProcStop', args: ['dt'], timed: true, since: GO122 },
  { type: 12, name: 'ProcSteal', args: ['dt', 'p', 'p_seq', 'm'], timed: true, since: GO122 },
  { type: 13, name: 'ProcStatus', args: ['dt', 'p', 'pstatus'], timed: true, since: GO122 },

  // Goroutines.
  { type: 14, name: 'GoCreate', args: ['dt', 'new_g', 'new_stack', 'stack'], timed: true, stacks: [3, 2], since: GO122 },
  { type: 15, name: 'GoCreateSyscall', args: ['dt', 'new_g'], timed: true, since: GO122 },
  { type: 16, name: 'GoStart', args: ['dt', 'g', 'g_seq'], timed: true, since: GO122 },
  { type: 17, name: 'GoDestroy', args: ['dt'], timed: true, since: GO122 },
  { type: 18, name: 'GoDestroySyscall', args: ['dt'], timed: true, since: GO122 },
  { type: 19, name: 'GoStop', args: ['dt', 'reason_string', 'stack'], timed: true, stacks: [2], strings: [1], since: GO122 },
  { type: 20, name: 'GoBlock', args: ['dt', 'reason_string', 'stack'], timed: true, stacks: [2], strings: [1], since: GO122 },
  { type: 21, name: 'GoUnblock', args: ['dt', 'g', 'g_seq', 'stack'], timed: true, stacks: [3], since: GO122 },
  { type: 22, name: 'GoSyscallBegin', args: ['dt', 'p_seq', 'stack'], timed: true, stacks: [2], since: GO122 },
  { type: 23, name: 'GoSyscallEnd', args: ['dt'], timed: true, start: 'GoSyscallBegin', since: GO122 },
  { type: 24, name: 'GoSyscallEndBlocked', args: ['dt'], timed: true, start: 'GoSyscallBegin', since: GO122 },
  { type: 25, name: 'GoStatus', args: ['dt', 'g', 'm', 'gstatus'], timed: true, since: GO122 },

  // Stop-the-world.
  { type: 26, name: 'STWBegin', args: ['dt', 'kind_string', 'stack'], timed: true, stacks: [2], strings: [1], since: GO122 },
  { type: 27, name: 'STWEnd', args: ['dt'], timed: true, start: 'STWBegin', since: GO122 },

  // Garbage collection.
  { type: 28, name: 'GCActive', args: ['dt', 'gc_seq'], timed: true, start: 'GCBegin', since: GO122 },
  { type: 29, name: 'GCBegin', args: ['dt', 'gc_seq', 'stack'], timed: true, stacks: [2], since: GO122 },
  { type: 30, name: 'GCEnd', args: ['dt', 'gc_seq'], timed: true, start: 'GCBegin', since: GO122 },
  { type: 31, name: 'GCSweepActive', args: ['dt', 'p'], timed: true, start: 'GCSweepBegin', since: GO122 },
  { type: 32, name: 'GCSweepBegin', args: ['dt', 'stack'], timed: true, stacks: [1], since: GO122 },
  { type: 33, name: 'GCSweepEnd', args: ['dt', 'swept_value', 'reclaimed_value'], timed: true, start: 'GCSweepBegin', since: GO122 },
  { type: 34, name: 'GCMarkAssistActive', args: ['dt', 'g'], timed: true, start: 'GCMarkAssistBegin', since: GO122 },
  { type: 35, name: 'GCMarkAssistBegin', args: ['dt', 'stack'], timed: true, stacks: [1], since: GO122 },
  { type: 36, name: 'GCMarkAssistEnd', args: ['dt'], timed: true, start: 'GCMarkAssistBegin', since: GO122 },
  { type: 37, name: 'HeapAlloc', args: ['dt', 'heapalloc_value'], timed: true, since: GO122 },
  { type: 38, name: 'HeapGoal', args: ['dt', 'heapgoal_value'], timed: true, since: GO122 },

  // User annotations.
  { type: 39, name: 'GoLabel', args: ['dt', 'label_string'], timed: true, strings: [1], since: GO122 },
  { type: 40, name: 'UserTaskBegin', args: ['dt', 'task', 'parent_task', 'name_string', 'stack'], timed: true, stacks: [4], strings: [3], since: GO122 },
  { type: 41, name: 'UserTaskEnd', args: ['dt', 'task', 'stack'], timed: true, stacks: [2], since: GO122 },
  { type: 42, name: 'UserRegionBegin', args: ['dt', 'task', 'name_string', 'stack'], timed: true, stacks: [3], strings: [2], since: GO122 },
  {
    type: 43,
    name: 'UserRegionEnd',
    args: ['dt', 'task', 'name_string', 'stack'],
    timed: true,
    start: 'UserRegionBegin',
    stacks: [3],
    strings: [2],
    since: GO122,
  },
  { type: 44, name: 'UserLog', args: ['dt', 'task', 'key_string', 'value_string', 'stack'], timed: true, stacks: [4], strings: [2, 3], since: GO122 },

  // Coroutine switches, goroutines created blocked, statuses with stacks (Go 1.23).
  { type: 45, name: 'GoSwitch', args: ['dt', 'g', 'g_seq'], timed: true, since: GO123 },
  { type: 46, name: 'GoSwitchDestroy', args: ['dt', 'g', 'g_seq'], timed: true, since: GO123 },
  { type: 47, name: 'GoCreateBlocked', args: ['dt', 'new_g', 'new_stack', 'stack'], timed: true, stacks: [3, 2], since: GO123 },
  { type: 48, name: 'GoStatusStack', args: ['dt', 'g', 'm', 'gstatus', 'stack'], timed: true, stacks: [4], since: GO123 },

  // Experimental batches (Go 1.23): the experiment ID is one byte, not a varint.
  { type: 49, name: 'ExperimentalBatch', args: ['exp', 'gen', 'm', 'time'], data: true, since: GO123 },

  // Sync batches (Go 1.25; before that a generation's frequency stood alone).
  { type: 50, name: 'Sync', args: [], since: GO125 },
  { type: 51, name: 'ClockSnapshot', args: ['dt', 'mono', 'sec', 'nsec'], timed: true, since: GO125 },

  // In-band end of a generation (Go 1.26).
  { type: 52, name: 'EndOfGeneration', args: [], since: GO126 },

  // Experimental events of the AllocFree experiment (Go 1.23).
  { type: 128, name: 'Span', args: ['dt', 'id', 'npages_value', 'kindclass'], timed: true, experiment: 1, since: GO123 },
  { type: 129, name: 'SpanAlloc', args: ['dt', 'id', 'npages_value', 'kindclass'], timed: true, experiment: 1, since: GO123 },
  { type: 130, name: 'SpanFree', args: ['dt', 'id'], timed: true, experiment: 1, since: GO123 },
  { type: 131, name: 'HeapObject', args: ['dt', 'id', 'type'], timed: true, experiment: 1, since: GO123 },
  { type: 132, name: 'HeapObjectAlloc', args: ['dt', 'id', 'type'], timed: true, experiment: 1, since: GO123 },
  { type: 133, name: 'HeapObjectFree', args: ['dt', 'id'], timed: true, experiment: 1, since: GO123 },
  { type: 134, name: 'GoroutineStack', args: ['dt', 'id', 'order'], timed: true, experiment: 1, since: GO123 },
  { type: 135, name: 'GoroutineStackAlloc', args: ['dt', 'id', 'order'], timed: true, experiment: 1, since: GO123 },
  { type: 136, name: 'GoroutineStackFree', args: ['dt', 'id'], timed: true, experiment: 1, since: GO123 },
];

/** One past the last experimental event type. */
export const MAX_EXPERIMENTAL_EVENT = 137;

/** The table indexed by wire type (undefined where no event has that type). */
export const BY_TYPE = /** @type {(EventSpec|undefined)[]} */ (new Array(256).fill(undefined));
for (const e of EVENTS) BY_TYPE[e.type] = e;

/** Event type by name. */
export const TYPE_BY_NAME = new Map(EVENTS.map((e) => [e.name, e.type]));

/**
 * The spec of `type` in format `version`, or undefined where that version has
 * no such event. Go's raw reader sees only the events of the trace's version,
 * and none of the experimental ones (their types lie past its table), except
 * in the newest format, whose table is the whole list.
 * @param {number} version
 * @param {number} type
 */
export function specFor(version, type) {
  const e = BY_TYPE[type];
  if (!e || e.since > version) return undefined;
  if (e.experiment && version < GO126) return undefined;
  return e;
}
