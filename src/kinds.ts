// The vocabulary of typed events, as Go's internal/trace names it: kinds of
// events, resources, their states, and the values events carry. Numbers and
// names follow Go's, so that printing them prints what Go prints.
import { EVENTS, TYPE_BY_NAME } from '../format/events.mjs';
import type { Int64 } from './int64';

/**
 * EventKind says what an event means, and which of its typed views applies.
 * The numbering and the names (EventKind[kind]) are Go's.
 */
export enum EventKind {
  /** Bad is no kind: the zero value, never the kind of an event read. */
  Bad = 0,
  /** Sync marks a point where the trace can be read from: the start of a generation, with its clock snapshot (sync()). */
  Sync,
  /** Metric is a sample of a runtime metric (metric()). */
  Metric,
  /** Label attaches a label to a resource, such as a goroutine's role in the GC (label()). */
  Label,
  /** StackSample is a stack sampled by the CPU profiler (stack). */
  StackSample,
  /** RangeBegin starts a range of time during which the runtime was doing something, such as a GC phase (range()). */
  RangeBegin,
  /** RangeActive says a range was already under way where the trace starts, or where a generation starts (range()). */
  RangeActive,
  /** RangeEnd ends a range (range(), rangeAttributes()). */
  RangeEnd,
  /** TaskBegin starts a user task, from runtime/trace.NewTask (task()). */
  TaskBegin,
  /** TaskEnd ends a user task (task()). */
  TaskEnd,
  /** RegionBegin starts a user region, from runtime/trace.StartRegion or WithRegion (region()). */
  RegionBegin,
  /** RegionEnd ends a user region (region()). */
  RegionEnd,
  /** Log is a user log message, from runtime/trace.Log or Logf (log()). */
  Log,
  /** StateTransition is a change of state of a goroutine or a proc (stateTransition()). */
  StateTransition,
  /** Experimental is an event of an experiment the trace format carries (experimental()). */
  Experimental,
}

/** ResourceKind says what a ResourceID names; None for globally scoped ranges. */
export enum ResourceKind {
  /** None is no resource: the scope of a range that is global. */
  None = 0,
  /** Goroutine: the ID is a goroutine ID. */
  Goroutine,
  /** Proc: the ID is a P (proc) ID. */
  Proc,
  /** Thread: the ID is an M (thread) ID. */
  Thread,
}

/** GoState is a goroutine's state as Go's reader tracks it. */
export enum GoState {
  /** Undetermined is the state of a goroutine first seen mid-trace, before the reader knows it. */
  Undetermined = 0,
  /** NotExist is the state of a goroutine not yet created, or exited. */
  NotExist,
  /** Runnable is ready to run, waiting for a proc. */
  Runnable,
  /** Running is running on a proc. */
  Running,
  /** Waiting is blocked (on a channel, a lock, I/O, a sleep…). */
  Waiting,
  /** Syscall is in a system call. */
  Syscall,
}

/**
 * GoState's functions are Go's methods of its GoState, called as
 * `GoState.executing(from)`: an enum's values are numbers, which carry no
 * methods.
 */
export namespace GoState {
  /**
   * executing reports whether a goroutine in state `s` is executing, bound
   * to its thread (Running, or in a Syscall), as Go's GoState.Executing: a
   * transition from or to such a state is one after which the thread's
   * events belong to another goroutine, or to none.
   */
  export function executing(s: GoState): boolean {
    return s === GoState.Running || s === GoState.Syscall;
  }
}

/** ProcState is a proc's state as Go's reader tracks it. */
export enum ProcState {
  /** Undetermined is the state of a proc first seen mid-trace, before the reader knows it. */
  Undetermined = 0,
  /** NotExist is the state of a proc that does not exist (GOMAXPROCS lowered, or not yet raised). */
  NotExist,
  /** Running is running (it has a thread). */
  Running,
  /** Idle is idle (it has no thread). */
  Idle,
}

/** ProcState's functions are Go's methods of its ProcState (see GoState's). */
export namespace ProcState {
  /**
   * executing reports whether a proc in state `s` is executing, bound to
   * its thread (Running), as Go's ProcState.Executing.
   */
  export function executing(s: ProcState): boolean {
    return s === ProcState.Running;
  }
}

/** ValueKind says what a Value holds. */
export enum ValueKind {
  /** Bad is no value: the zero value. */
  Bad = 0,
  /** Uint64 is a 64-bit unsigned integer (Value.uint64()). */
  Uint64,
  /** String is a string (String(value)). */
  String,
}

/** NO_GOROUTINE is the goroutine of an event that ran on no goroutine. */
export const NO_GOROUTINE = -1;
/** NO_PROC is the proc of an event that ran on no proc. */
export const NO_PROC = -1;
/** NO_THREAD is the thread of an event that ran on no thread. */
export const NO_THREAD = -1;
/** NO_TASK is the parent of a task whose parent is unknown: Go's ^uint64(0). */
export const NO_TASK: Int64 = 0xffff_ffff_ffff_ffffn;
/** BACKGROUND_TASK is the task of events emitted outside any task. */
export const BACKGROUND_TASK: Int64 = 0;

/** enumName is Go's String() of an enum value: "Bad" for values it does not name. */
export function enumName(names: Record<number, string>, x: number): string {
  return names[x] ?? 'Bad';
}

/**
 * ResourceID names a goroutine, proc or thread (or nothing, for global
 * scopes); it prints as Go's does: "Goroutine(7)", "Proc(0)", "None".
 */
export class ResourceID {
  constructor(
    /** kind is what the ID names. */
    readonly kind: ResourceKind,
    /** id is the goroutine, proc or thread ID (0 for None). */
    readonly id: Int64,
  ) {}

  /** toString prints the resource as Go's ResourceID.String(). */
  toString(): string {
    return this.kind === ResourceKind.None ? 'None' : `${enumName(ResourceKind, this.kind)}(${this.id})`;
  }
}

/**
 * Value is a metric or attribute value: an unsigned 64-bit number or a
 * string. It prints as Go's Value.String(): "Value{Uint64(5)}", or the string
 * itself.
 */
export class Value {
  constructor(
    /** kind is what the value holds. */
    readonly kind: ValueKind,
    private readonly scalar: Int64 | string,
  ) {}

  /** uint64 is the number the value holds; throws when it holds a string. */
  uint64(): Int64 {
    if (this.kind !== ValueKind.Uint64) throw new TypeError('uint64 called on a Value of another kind');
    return this.scalar as Int64;
  }

  /** toString prints the value as Go's Value.String(). */
  toString(): string {
    if (this.kind === ValueKind.String) return this.scalar as string;
    return this.kind === ValueKind.Uint64 ? `Value{Uint64(${this.scalar})}` : 'Value{Bad}';
  }
}

/** StackFrame is one frame of a stack, as Go's trace.StackFrame. */
export interface StackFrame {
  /** pc is the program counter: the return address, or the sampled PC in a leaf. */
  pc: Int64;
  /** func is the function's name. */
  func: string;
  /** file is the source file of func. */
  file: string;
  /** line is the line in file that pc maps to. */
  line: Int64;
}

/** Metric is the detail of a Metric event. */
export interface Metric {
  /** name follows runtime/metrics' naming, unit included. */
  name: string;
  /** value is the sampled value. */
  value: Value;
}

/** Label is the detail of a Label event. */
export interface Label {
  /** label is the label applied to the resource. */
  label: string;
  /** resource is the goroutine the label is applied to. */
  resource: ResourceID;
}

/** Range is the detail of a RangeBegin, RangeActive or RangeEnd event. */
export interface Range {
  /** name identifies the range; its end has the same name. */
  name: string;
  /** scope is the resource the range belongs to (None: the whole program). */
  scope: ResourceID;
}

/** RangeAttribute is an attribute of a completed range (RangeEnd). */
export interface RangeAttribute {
  /** name is the attribute's name. */
  name: string;
  /** value is the attribute's value. */
  value: Value;
}

/** Task is the detail of a TaskBegin or TaskEnd event (runtime/trace.Task). */
export interface Task {
  /** id identifies the task. */
  id: Int64;
  /** parent is the parent task's ID: NO_TASK where unknown, BACKGROUND_TASK for none. */
  parent: Int64;
  /** type is the taskType given to runtime/trace.NewTask ("" where its begin is not in the trace). */
  type: string;
}

/** Region is the detail of a RegionBegin or RegionEnd event. */
export interface Region {
  /** task is the ID of the task the region belongs to. */
  task: Int64;
  /** type is the regionType given to runtime/trace.StartRegion or WithRegion. */
  type: string;
}

/** Log is the detail of a Log event (runtime/trace.Log). */
export interface Log {
  /** task is the ID of the task the message belongs to. */
  task: Int64;
  /** category is the log category. */
  category: string;
  /** message is the logged message. */
  message: string;
}

/**
 * ClockSnapshot is a near-simultaneous reading of the trace clock and the
 * system's clocks (Go 1.25 traces on), for converting trace times.
 */
export interface ClockSnapshot {
  /** trace is the trace clock's reading, in nanoseconds. */
  trace: Int64;
  /** mono is the monotonic clock's reading, in nanoseconds. */
  mono: Int64;
  /** wallSeconds is the wall clock's Unix seconds, normalised as Go's time.Unix. */
  wallSeconds: Int64;
  /** wallNanoseconds is the wall clock's nanoseconds within the second, in [0, 1e9). */
  wallNanoseconds: number;
  /** wall is the wall clock as Go prints it: RFC 3339 with nanoseconds, in UTC. */
  wall: string;
}

/** Sync is the detail of a Sync event: the start of a generation, or the end of the trace. */
export interface Sync {
  /** n counts the Sync events so far: this is the nth. */
  n: number;
  /** clockSnapshot is the generation's clock snapshot, or null (before Go 1.25, and at the end). */
  clockSnapshot: ClockSnapshot | null;
}

// Wire types and what Go's reader makes of them.

/** The wire type of the records of Sync events. */
export const SYNC_TYPE = 0xff;

/** Names of the wire events whose meaning Go's reader spells out one by one. */
const NAMED = [
  'CPUSample',
  'ProcsChange',
  'ProcStart',
  'ProcStop',
  'ProcSteal',
  'ProcStatus',
  'GoCreate',
  'GoCreateSyscall',
  'GoStart',
  'GoDestroy',
  'GoDestroySyscall',
  'GoStop',
  'GoBlock',
  'GoUnblock',
  'GoSyscallBegin',
  'GoSyscallEnd',
  'GoSyscallEndBlocked',
  'GoStatus',
  'GoStatusStack',
  'GoSwitch',
  'GoSwitchDestroy',
  'GoCreateBlocked',
  'STWBegin',
  'STWEnd',
  'GCActive',
  'GCBegin',
  'GCEnd',
  'GCSweepActive',
  'GCSweepBegin',
  'GCSweepEnd',
  'GCMarkAssistActive',
  'GCMarkAssistBegin',
  'GCMarkAssistEnd',
  'HeapAlloc',
  'HeapGoal',
  'GoLabel',
  'UserTaskBegin',
  'UserTaskEnd',
  'UserRegionBegin',
  'UserRegionEnd',
  'UserLog',
] as const;

/** T is the wire type of each event in NAMED, as format/events.mjs numbers them. */
export const T = Object.fromEntries(NAMED.map((name) => [name, TYPE_BY_NAME.get(name)!])) as Record<(typeof NAMED)[number], number>;

/** Go's kind of each wire event type (its tracev2Type2Kind), by event name. */
const KIND_OF: Record<string, EventKind> = {
  CPUSample: EventKind.StackSample,
  ProcsChange: EventKind.Metric,
  HeapAlloc: EventKind.Metric,
  HeapGoal: EventKind.Metric,
  STWBegin: EventKind.RangeBegin,
  GCBegin: EventKind.RangeBegin,
  GCSweepBegin: EventKind.RangeBegin,
  GCMarkAssistBegin: EventKind.RangeBegin,
  GCActive: EventKind.RangeActive,
  GCSweepActive: EventKind.RangeActive,
  GCMarkAssistActive: EventKind.RangeActive,
  STWEnd: EventKind.RangeEnd,
  GCEnd: EventKind.RangeEnd,
  GCSweepEnd: EventKind.RangeEnd,
  GCMarkAssistEnd: EventKind.RangeEnd,
  GoLabel: EventKind.Label,
  UserTaskBegin: EventKind.TaskBegin,
  UserTaskEnd: EventKind.TaskEnd,
  UserRegionBegin: EventKind.RegionBegin,
  UserRegionEnd: EventKind.RegionEnd,
  UserLog: EventKind.Log,
};
for (const name of [
  'ProcStart',
  'ProcStop',
  'ProcSteal',
  'ProcStatus',
  'GoCreate',
  'GoCreateSyscall',
  'GoStart',
  'GoDestroy',
  'GoDestroySyscall',
  'GoStop',
  'GoBlock',
  'GoUnblock',
  'GoSyscallBegin',
  'GoSyscallEnd',
  'GoSyscallEndBlocked',
  'GoStatus',
  'GoSwitch',
  'GoSwitchDestroy',
  'GoCreateBlocked',
  'GoStatusStack',
])
  KIND_OF[name] = EventKind.StateTransition;

/** KINDS maps a wire type to its EventKind (Bad for types no event has). */
export const KINDS = new Uint8Array(256);
/** STACK_ARG maps a wire type to the index in args of the event's own stack ID (-1: none). */
export const STACK_ARG = new Int8Array(256).fill(-1);
for (const spec of EVENTS) {
  KINDS[spec.type] = spec.experiment ? EventKind.Experimental : (KIND_OF[spec.name] ?? EventKind.Bad);
  // Go's args exclude the time delta, so its indices are one less than the table's.
  if (spec.timed && spec.stacks) STACK_ARG[spec.type] = spec.stacks[0]! - 1;
}
KINDS[SYNC_TYPE] = EventKind.Sync;

/** RANGE_NAMES are Go's names of the GC ranges, by wire type (stop-the-world ranges name their kind). */
export const RANGE_NAMES: Record<number, string> = {};
for (const t of [T.GCBegin, T.GCActive, T.GCEnd]) RANGE_NAMES[t] = 'GC concurrent mark phase';
for (const t of [T.GCSweepBegin, T.GCSweepActive, T.GCSweepEnd]) RANGE_NAMES[t] = 'GC incremental sweep';
for (const t of [T.GCMarkAssistBegin, T.GCMarkAssistActive, T.GCMarkAssistEnd]) RANGE_NAMES[t] = 'GC mark assist';
