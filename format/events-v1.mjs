// @ts-check
/**
 * The old Go execution trace wire format (Go 1.11 to 1.21), as one table of data.
 *
 * Go 1.22 replaced this format; Go's reader still reads it by parsing the
 * whole trace and converting it to the new event model. Every consumer derives
 * from this table: the core's old-format parser (`assembly/v1/format.ts` is
 * generated from it by `scripts/gen-format-v1.mjs`) and the wording of its
 * errors, which name old event types.
 *
 * Facts of the format, as Go's runtime wrote it: an event starts with one byte,
 * the type in its low 6 bits and in its top 2 bits the number of arguments
 * after the first (3 meaning "length-prefixed": a varint byte count, then the
 * arguments). Most events begin with a time delta that is not listed in
 * `args`; a trailing stack ID, where `stack` is set, is not listed either.
 */

/** Header versions of the old format (Go 1.11-1.18, 1.19-1.20, 1.21). */
export const V1_VERSIONS = [11, 19, 21];

/**
 * @typedef {object} V1EventSpec
 * @property {number} type wire event type
 * @property {string} name Go's name of the event (tracev1.EventDescriptions)
 * @property {string[]} args argument names, without the time delta and the stack
 * @property {boolean} stack the last argument is a stack ID
 * @property {boolean} untimed the event has no time delta
 * @property {number} since the first format version that has the event
 */

/** @param {number} type @param {string} name @param {string[]} args @param {boolean} stack @param {number} since @returns {V1EventSpec} */
const ev = (type, name, args, stack, since = 5) => ({ type, name, args, stack, untimed: false, since });

/** @type {V1EventSpec[]} */
export const V1_EVENTS = [
  { type: 1, name: 'Batch', args: ['p', 'ticks'], stack: false, untimed: true, since: 5 },
  { type: 2, name: 'Frequency', args: ['freq'], stack: false, untimed: true, since: 5 },
  { type: 3, name: 'Stack', args: ['id', 'siz'], stack: false, untimed: true, since: 5 },
  ev(4, 'Gomaxprocs', ['procs'], true),
  ev(5, 'ProcStart', ['thread'], false),
  ev(6, 'ProcStop', [], false),
  ev(7, 'GCStart', ['seq'], true),
  ev(8, 'GCDone', [], false),
  ev(9, 'GCSTWStart', ['kindid'], false),
  ev(10, 'GCSTWDone', [], false),
  ev(11, 'GCSweepStart', [], true),
  ev(12, 'GCSweepDone', ['swept', 'reclaimed'], false),
  ev(13, 'GoCreate', ['g', 'stack'], true),
  ev(14, 'GoStart', ['g', 'seq'], false),
  ev(15, 'GoEnd', [], false),
  ev(16, 'GoStop', [], true),
  ev(17, 'GoSched', [], true),
  ev(18, 'GoPreempt', [], true),
  ev(19, 'GoSleep', [], true),
  ev(20, 'GoBlock', [], true),
  ev(21, 'GoUnblock', ['g', 'seq'], true),
  ev(22, 'GoBlockSend', [], true),
  ev(23, 'GoBlockRecv', [], true),
  ev(24, 'GoBlockSelect', [], true),
  ev(25, 'GoBlockSync', [], true),
  ev(26, 'GoBlockCond', [], true),
  ev(27, 'GoBlockNet', [], true),
  ev(28, 'GoSysCall', [], true),
  ev(29, 'GoSysExit', ['g', 'seq', 'ts'], false),
  ev(30, 'GoSysBlock', [], false),
  ev(31, 'GoWaiting', ['g'], false),
  ev(32, 'GoInSyscall', ['g'], false),
  ev(33, 'HeapAlloc', ['mem'], false),
  ev(34, 'HeapGoal', ['mem'], false),
  { type: 35, name: 'TimerGoroutine', args: ['g'], stack: false, untimed: true, since: 5 },
  ev(36, 'FutileWakeup', [], false),
  { type: 37, name: 'String', args: [], stack: false, untimed: true, since: 7 },
  ev(38, 'GoStartLocal', ['g'], false, 7),
  ev(39, 'GoUnblockLocal', ['g'], true, 7),
  ev(40, 'GoSysExitLocal', ['g', 'ts'], false, 7),
  ev(41, 'GoStartLabel', ['g', 'seq', 'labelid'], false, 8),
  ev(42, 'GoBlockGC', [], true, 8),
  ev(43, 'GCMarkAssistStart', [], true, 9),
  ev(44, 'GCMarkAssistDone', [], false, 9),
  ev(45, 'UserTaskCreate', ['taskid', 'pid', 'typeid'], true, 11),
  ev(46, 'UserTaskEnd', ['taskid'], true, 11),
  ev(47, 'UserRegion', ['taskid', 'mode', 'typeid'], true, 11),
  ev(48, 'UserLog', ['id', 'keyid'], true, 11),
  ev(49, 'CPUSample', ['ts', 'p', 'g'], true, 19),
];

/** One past the last event type. */
export const V1_EVENT_COUNT = 50;

/** The table indexed by wire type (undefined where no event has that type). */
export const V1_BY_TYPE = /** @type {(V1EventSpec|undefined)[]} */ (new Array(256).fill(undefined));
for (const e of V1_EVENTS) V1_BY_TYPE[e.type] = e;
