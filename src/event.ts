// Typed events: what Go's internal/trace.Event is, built from the core's
// 80-byte event records (assembly/README.md). An Event reads its numbers from
// a copy of the records (one per batch of events, never the core's memory),
// and resolves strings and stacks through its generation's Tables only when
// asked. Its views (metric(), stateTransition(),
// ...) and its toString() follow Go 1.27's event.go line by line in meaning.
import { BY_TYPE, EXPERIMENTS, GO_STATUSES, PROC_STATUSES } from '../format/events.mjs';
import { internalError } from './errors';
import { high32, i64, id64, type Int64, low32, signed, u64 } from './int64';
import {
  EventKind,
  GoState,
  type Label,
  type Log,
  type Metric,
  ProcState,
  type Range,
  type RangeAttribute,
  type Region,
  RANGE_NAMES,
  ResourceID,
  ResourceKind,
  STACK_ARG,
  type StackFrame,
  type Sync,
  T,
  type Task,
  Value,
  ValueKind,
  KINDS,
} from './kinds';
import type { Tables } from './tables';
import {
  RECORD_NEW_TABLES,
  RECORD_TYPE_WORD,
  RECORD_SERIAL_WORD,
  RECORD_TIME_WORD,
  RECORD_G_WORD,
  RECORD_P_WORD,
  RECORD_M_WORD,
  RECORD_ARGS_WORD,
  NAME_LENGTH,
  NAME_BYTES,
} from '../bindings/abi';
import { format } from './eventstring';
import { eventJSON, type JSONValue } from './eventjson';

/**
 * INSPECT is the key of the method Node's util.inspect (and so console.log)
 * calls to show an object. Symbol.for gives Node's own symbol without
 * importing node:util, which browsers do not have.
 */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** Options is the part of util.inspect's options that INSPECT passes on. */
interface InspectOptions {
  depth?: number | null;
}

/** The record flag of a Sync that starts a generation: its tables come with it. */
export const NEW_TABLES = RECORD_NEW_TABLES;

/** Go's reader state of each goroutine status on the wire (tracev2GoStatus2GoState): the same names. */
const GO_STATE_OF_STATUS = GO_STATUSES.map((name): GoState => {
  const state: unknown = (GoState as unknown as Record<string, unknown>)[name];
  return typeof state === 'number' ? state : GoState.Undetermined;
});
/**
 * Go's reader state of each proc status on the wire (tracev2ProcStatus2ProcState):
 * a proc in a syscall still runs; one whose syscall was abandoned is idle.
 */
const PROC_STATE_OF_STATUS = PROC_STATUSES.map(
  (name) =>
    ({
      Running: ProcState.Running,
      Idle: ProcState.Idle,
      Syscall: ProcState.Running,
      SyscallAbandoned: ProcState.Idle,
    })[name] ?? ProcState.Undetermined,
);
/** The wire proc status of a proc whose syscall was abandoned. */
const PROC_SYSCALL_ABANDONED = PROC_STATUSES.indexOf('SyscallAbandoned');

/**
 * StateTransition is the detail of a StateTransition event: a goroutine or a
 * proc changing state. Test `kind` (or `resource.kind`) to know which, and
 * TypeScript knows the states' type:
 *
 *     const st = ev.stateTransition();
 *     if (st.kind === ResourceKind.Goroutine && GoState.executing(st.from) && st.to === GoState.Waiting) ...
 *
 * or, as Go's `from, to := st.Goroutine()`, `const [from, to] = st.goroutine()`.
 */
export type StateTransition = GoStateTransition | ProcStateTransition;

/** GoStateTransition is a goroutine's StateTransition. */
export interface GoStateTransition extends TransitionDetail {
  /** kind is the kind of resource that changes state: a goroutine. */
  kind: ResourceKind.Goroutine;
  /** from is the goroutine's state before. */
  from: GoState;
  /** to is the goroutine's state after. */
  to: GoState;
}

/** ProcStateTransition is a proc's StateTransition. */
export interface ProcStateTransition extends TransitionDetail {
  /** kind is the kind of resource that changes state: a proc. */
  kind: ResourceKind.Proc;
  /** from is the proc's state before. */
  from: ProcState;
  /** to is the proc's state after. */
  to: ProcState;
}

/** TransitionDetail is what goroutines' and procs' StateTransitions share. */
export interface TransitionDetail {
  /** resource is the goroutine or proc whose state changes. */
  resource: ResourceID;
  /** reason is why, where the event says ("" elsewhere). */
  reason: string;
  /**
   * stack is the stack of the resource making the transition (for a created
   * goroutine: where it will start), innermost frame first; empty where none.
   */
  stack: readonly StackFrame[];
  /** stackId is the stack's ID in the event's tables (0 where none; see Event.stackId). */
  stackId: Int64;
  /**
   * goroutine is a goroutine's transition as Go's StateTransition.Goroutine
   * gives it: [from, to]. It throws a TypeError for a proc's, as Go panics.
   */
  goroutine(): [GoState, GoState];
  /** proc is a proc's transition as Go's StateTransition.Proc gives it: [from, to]. It throws a TypeError for a goroutine's. */
  proc(): [ProcState, ProcState];
}

/** Transitioned is the one implementation of StateTransition (methods shared, not made per event). */
class Transitioned {
  constructor(
    readonly kind: ResourceKind.Goroutine | ResourceKind.Proc,
    readonly resource: ResourceID,
    readonly from: number,
    readonly to: number,
    readonly reason: string,
    readonly stack: readonly StackFrame[],
    readonly stackId: Int64,
  ) {}

  goroutine(): [GoState, GoState] {
    if (this.kind !== ResourceKind.Goroutine) throw new TypeError('goroutine called on a proc state transition');
    return [this.from, this.to];
  }

  proc(): [ProcState, ProcState] {
    if (this.kind !== ResourceKind.Proc) throw new TypeError('proc called on a goroutine state transition');
    return [this.from, this.to];
  }
}

/** ExperimentalEvent is a raw view of an experimental event. */
export interface ExperimentalEvent {
  /** name is the event's name. */
  name: string;
  /** experiment is the name of the experiment the event belongs to. */
  experiment: string;
  /** args are the names of the event's arguments, in order. */
  args: string[];
  /** values are the arguments' values, in order: strings for names ending in "string". */
  values: Value[];
  /** argValue is values[i], as Go's ArgValue; throws a RangeError for an index out of bounds. */
  argValue(i: number): Value;
}

/**
 * Transition is a state transition in numbers, shared by stateTransition()
 * and the printer: `stack` is a stack ID, or -1 for Go's NoStack (nothing
 * printed) as opposed to stack 0 of a table (an empty section printed).
 */
export interface Transition {
  /** kind is the kind of resource that changes state (Goroutine or Proc). */
  kind: ResourceKind;
  /** id is the goroutine or proc ID. */
  id: Int64;
  /** from and to are GoState or ProcState values, as kind says. */
  from: number;
  to: number;
  /** reason is the string ID of the reason (0: none). */
  reason: Int64;
  /** stack is the stack ID, or -1 for no stack at all. */
  stack: Int64;
}

/**
 * RecordView reads the numbers of the event record at word `at` of `words`
 * (assembly/README.md): the one reading of a record, shared by Event (over a
 * copy of the records) and Cursor (over the core's memory, moving).
 */
export abstract class RecordView {
  // Fields are declared, not defined, so that construction is plain stores:
  // V8 constructs classes with defined fields markedly slower, and a trace
  // has millions of events.
  /**
   * words hold the record: a field of a Cursor, which moves; an Event reads
   * its batch's, so that it is one field smaller.
   */
  protected abstract readonly words: Uint32Array;
  /** at is the record's first word in words. */
  declare protected at: number;

  /** type is the wire event type (0xFF for Sync events); a detail of the format. */
  get type(): number {
    return this.words[this.at + RECORD_TYPE_WORD]! & 0xff;
  }

  /** kind is what the event means, and which view (metric(), ...) applies. */
  get kind(): EventKind {
    return KINDS[this.words[this.at + RECORD_TYPE_WORD]! & 0xff]!;
  }

  /** time is the event's timestamp in nanoseconds of the trace clock. */
  get time(): Int64 {
    return i64(this.words[this.at + RECORD_TIME_WORD]!, this.words[this.at + RECORD_TIME_WORD + 1]! | 0);
  }

  /** goroutine is the goroutine the event happened on (NO_GOROUTINE = -1: none). */
  get goroutine(): Int64 {
    return id64(this.words[this.at + RECORD_G_WORD]! | 0, this.words[this.at + RECORD_G_WORD + 1]! | 0);
  }

  /** proc is the proc the event happened on (NO_PROC = -1: none). */
  get proc(): Int64 {
    return id64(this.words[this.at + RECORD_P_WORD]! | 0, this.words[this.at + RECORD_P_WORD + 1]! | 0);
  }

  /** thread is the thread the event happened on (NO_THREAD = -1: none). */
  get thread(): Int64 {
    return id64(this.words[this.at + RECORD_M_WORD]! | 0, this.words[this.at + RECORD_M_WORD + 1]! | 0);
  }

  /** arg is Go's argument `i` (0-3) of the event after ordering; a detail of the format. */
  arg(i: number): Int64 {
    const w = this.at + RECORD_ARGS_WORD + 2 * i;
    return u64(this.words[w]!, this.words[w + 1]!);
  }

  /**
   * args are Go's four arguments of the event after ordering; a detail of the
   * format. String and stack IDs among them are those the event's tables
   * resolve: for Go 1.22+ traces the store's, the same for equal strings and
   * stacks across generations, not the trace's.
   */
  get args(): [Int64, Int64, Int64, Int64] {
    return [this.arg(0), this.arg(1), this.arg(2), this.arg(3)];
  }

  /**
   * stackId is the ID of the event's stack (0 where none): for a stack
   * sample the sampled stack, else the stack of the code that emitted the
   * event. For Go 1.22+ traces it is the store's ID (see args), so equal
   * stacks have equal IDs across generations: a key for aggregating by stack.
   */
  get stackId(): Int64 {
    if (this.type === T.CPUSample) return this.arg(0);
    const at = STACK_ARG[this.type]!;
    return at < 0 ? 0 : this.arg(at);
  }
}

/** The wire type of a TaskEnd, whose record points into the core's names arena. */
export const TASK_END = T.UserTaskEnd;

/**
 * Batch is what the events of one step of the core share, so that an Event
 * is only a record's place: the records (a Reader's copy, or the core's
 * memory under a Cursor), their generation's tables, and the task names of
 * their TaskEnd events. The core's names arena is good only until its next
 * step, so a Reader's batch copies those names out as it is made; a Cursor's
 * reads them in place, for as long as the cursor stays.
 */
export class Batch {
  private names: Map<number, Uint8Array | null> | null = null;

  /**
   * The constructor takes the records, the tables of their generation (for
   * every record but a closing Sync, whose serial is 0), and the names arena
   * to read task names from in place (null where they are kept: keepTaskName).
   */
  constructor(
    readonly words: Uint32Array,
    readonly tables: Tables | null,
    private readonly arena: Uint8Array | null = null,
  ) {}

  /** keepTaskName copies out of `arena` the task name of the TaskEnd record at word `w`. */
  keepTaskName(w: number, arena: Uint8Array): void {
    (this.names ??= new Map()).set(w, taskNameOf(this.words, w, arena));
  }

  /** taskName is the task name of the TaskEnd record at word `w` (null for none). */
  taskName(w: number): Uint8Array | null {
    return this.arena !== null ? taskNameOf(this.words, w, this.arena) : (this.names?.get(w) ?? null);
  }
}

/**
 * Event is one event of a trace, as Go's reader delivers it. Its numbers
 * are copied from the core, so it stays valid for as long as it is kept.
 * 64-bit quantities follow the Int64 rule (src/int64.ts): numbers when exact,
 * bigints beyond 2^53.
 */
export class Event extends RecordView {
  // The batch holds what its events share, the records among them: an
  // event is two fields, 40 bytes in V8 (48 with a field for the records,
  // which are one load away in the batch). There are millions of events:
  // the smaller one costs fewer instructions to make and fewer collections.
  declare private batch: Batch;

  /**
   * Event is the event of the record at word `at` of its batch's records:
   * a Reader's copy, shared by the batch's events, never the core's memory.
   * Readers make events; a Batch is not part of the public API.
   * @internal
   */
  constructor(batch: Batch, at: number) {
    super();
    this.at = at;
    this.batch = batch;
  }

  /** words are the batch's records, which hold the event's. */
  protected get words(): Uint32Array {
    return this.batch.words;
  }

  /** tables are the event's generation's tables (null for a Sync that ends the trace). */
  get tables(): Tables | null {
    return this.words[this.at + RECORD_SERIAL_WORD] === 0 ? null : this.batch.tables;
  }

  /** taskName is a TaskEnd's task name, copied from the core (null for other events, and for no name). */
  get taskName(): Uint8Array | null {
    return (this.words[this.at + RECORD_TYPE_WORD]! & 0xff) === TASK_END ? this.batch.taskName(this.at) : null;
  }

  /** table is the event's tables, which every event but a closing Sync has. */
  private table(): Tables {
    const tables = this.tables;
    if (tables === null) throw internalError(`event of type ${this.type} has no tables`);
    return tables;
  }

  /** str is the string with ID `id` from the event's tables. */
  private str(id: Int64): string {
    const s = this.table().string(id);
    if (s === undefined) throw internalError(`string ID ${id} is not in the table`);
    return s;
  }

  /** frames is the stack with ID `id` from the event's tables. */
  private frames(id: Int64): readonly StackFrame[] {
    const s = this.table().stack(id);
    if (s === undefined) throw internalError(`stack ID ${id} is not in the table`);
    return s;
  }

  /** stack is the event's stack, innermost frame first (empty where none). */
  get stack(): readonly StackFrame[] {
    const id = this.stackId;
    return id === 0 ? [] : this.frames(id);
  }

  /** must throws unless the event is of one of `kinds`, as Go panics. */
  private must(view: string, ...kinds: EventKind[]): void {
    if (!kinds.includes(this.kind)) throw new TypeError(`${view} called on a ${EventKind[this.kind]} event`);
  }

  /** metric is the detail of a Metric event. */
  metric(): Metric {
    this.must('metric', EventKind.Metric);
    const name =
      this.type === T.ProcsChange ? '/sched/gomaxprocs:threads' : this.type === T.HeapAlloc ? '/memory/classes/heap/objects:bytes' : '/gc/heap/goal:bytes';
    return { name, value: new Value(ValueKind.Uint64, this.arg(0)) };
  }

  /** label is the detail of a Label event. */
  label(): Label {
    this.must('label', EventKind.Label);
    return { label: this.str(this.arg(0)), resource: new ResourceID(ResourceKind.Goroutine, this.goroutine) };
  }

  /**
   * rangeScope is the resource a range event is scoped to, as a kind and an
   * ID: Go's rules, shared by range() and the printer.
   */
  rangeScope(): [ResourceKind, Int64] {
    const t = this.type;
    if (t === T.STWBegin || t === T.STWEnd) return [ResourceKind.Goroutine, this.goroutine];
    if (t === T.GCBegin || t === T.GCActive || t === T.GCEnd) return [ResourceKind.None, 0];
    if (t === T.GCSweepBegin || t === T.GCSweepEnd) return [ResourceKind.Proc, this.proc];
    if (t === T.GCSweepActive) return [ResourceKind.Proc, signed(this.arg(0))];
    return [ResourceKind.Goroutine, t === T.GCMarkAssistActive ? signed(this.arg(0)) : this.goroutine];
  }

  /** range is the detail of a RangeBegin, RangeActive or RangeEnd event. */
  range(): Range {
    this.must('range', EventKind.RangeBegin, EventKind.RangeActive, EventKind.RangeEnd);
    const [kind, id] = this.rangeScope();
    const t = this.type;
    const name = t === T.STWBegin || t === T.STWEnd ? `stop-the-world (${this.str(this.arg(0))})` : RANGE_NAMES[t]!;
    return { name, scope: new ResourceID(kind, id) };
  }

  /** rangeAttributes are the attributes of a completed range (RangeEnd). */
  rangeAttributes(): RangeAttribute[] {
    this.must('rangeAttributes', EventKind.RangeEnd);
    if (this.type !== T.GCSweepEnd) return [];
    return [
      { name: 'bytes swept', value: new Value(ValueKind.Uint64, this.arg(0)) },
      { name: 'bytes reclaimed', value: new Value(ValueKind.Uint64, this.arg(1)) },
    ];
  }

  /** task is the detail of a TaskBegin or TaskEnd event. */
  task(): Task {
    this.must('task', EventKind.TaskBegin, EventKind.TaskEnd);
    if (this.type === T.UserTaskBegin) return { id: this.arg(0), parent: this.arg(1), type: this.str(this.arg(2)) };
    return { id: this.arg(0), parent: this.arg(2), type: new TextDecoder().decode(this.taskName ?? new Uint8Array()) };
  }

  /** region is the detail of a RegionBegin or RegionEnd event. */
  region(): Region {
    this.must('region', EventKind.RegionBegin, EventKind.RegionEnd);
    return { task: this.arg(0), type: this.str(this.arg(1)) };
  }

  /** log is the detail of a Log event. */
  log(): Log {
    this.must('log', EventKind.Log);
    return { task: this.arg(0), category: this.str(this.arg(1)), message: this.str(this.arg(2)) };
  }

  /** @internal transition is the state transition in numbers (see Transition), for stateTransition() and the printer. */
  transition(): Transition {
    const go = (id: Int64, from: GoState, to: GoState, stack: Int64 = -1, reason: Int64 = 0): Transition => ({
      kind: ResourceKind.Goroutine,
      id,
      from,
      to,
      reason,
      stack,
    });
    const proc = (id: Int64, from: ProcState, to: ProcState): Transition => ({ kind: ResourceKind.Proc, id, from, to, reason: 0, stack: -1 });
    const own = (): Int64 => (this.stackId === 0 ? -1 : this.stackId);
    switch (this.type) {
      case T.ProcStart:
        return proc(signed(this.arg(0)), ProcState.Idle, ProcState.Running);
      case T.ProcStop:
        return proc(this.proc, ProcState.Running, ProcState.Idle);
      case T.ProcSteal:
        return proc(signed(this.arg(0)), low32(this.arg(3)) === PROC_SYSCALL_ABANDONED ? ProcState.Idle : ProcState.Running, ProcState.Idle);
      case T.ProcStatus:
        return proc(signed(this.arg(0)), low32(this.arg(2)) & 0xff, PROC_STATE_OF_STATUS[low32(this.arg(1))] ?? 0xff);
      case T.GoCreate:
        return go(signed(this.arg(0)), GoState.NotExist, GoState.Runnable, this.arg(1));
      case T.GoCreateBlocked:
        return go(signed(this.arg(0)), GoState.NotExist, GoState.Waiting, this.arg(1));
      case T.GoCreateSyscall:
        return go(signed(this.arg(0)), GoState.NotExist, GoState.Syscall);
      case T.GoStart:
        return go(signed(this.arg(0)), GoState.Runnable, GoState.Running);
      case T.GoDestroy:
        return go(this.goroutine, GoState.Running, GoState.NotExist);
      case T.GoDestroySyscall:
        return go(this.goroutine, GoState.Syscall, GoState.NotExist);
      case T.GoStop:
        return go(this.goroutine, GoState.Running, GoState.Runnable, own(), this.arg(0));
      case T.GoBlock:
        return go(this.goroutine, GoState.Running, GoState.Waiting, own(), this.arg(0));
      case T.GoUnblock:
      case T.GoSwitch:
      case T.GoSwitchDestroy:
        return go(signed(this.arg(0)), GoState.Waiting, GoState.Runnable);
      case T.GoSyscallBegin:
        return go(this.goroutine, GoState.Running, GoState.Syscall, own());
      case T.GoSyscallEnd:
        return go(this.goroutine, GoState.Syscall, GoState.Running);
      case T.GoSyscallEndBlocked:
        return go(this.goroutine, GoState.Syscall, GoState.Runnable);
      case T.GoStatus:
      case T.GoStatusStack:
        return go(signed(this.arg(0)), high32(this.arg(2)) & 0xff, GO_STATE_OF_STATUS[low32(this.arg(2))] ?? 0xff, own());
    }
    throw internalError(`unexpected wire-format event type for StateTransition kind: ${this.type}`);
  }

  /** stateTransition is the detail of a StateTransition event. */
  stateTransition(): StateTransition {
    this.must('stateTransition', EventKind.StateTransition);
    const t = this.transition();
    const stackId = t.stack === -1 ? 0 : t.stack;
    const kind = t.kind === ResourceKind.Goroutine ? ResourceKind.Goroutine : ResourceKind.Proc;
    return new Transitioned(
      kind,
      new ResourceID(t.kind, t.id),
      t.from,
      t.to,
      t.reason === 0 ? '' : this.str(t.reason),
      stackId === 0 ? [] : this.frames(stackId),
      stackId,
    ) as StateTransition;
  }

  /** sync is the detail of a Sync event. */
  sync(): Sync {
    this.must('sync', EventKind.Sync);
    return { n: Number(this.arg(0)), clockSnapshot: this.tables?.clockSnapshot ?? null };
  }

  /** experimental is the raw view of an Experimental event. */
  experimental(): ExperimentalEvent {
    this.must('experimental', EventKind.Experimental);
    const spec = BY_TYPE[this.type]!;
    const args = spec.args.slice(1); // the time delta is the event's time
    const values = args.map((name, i) =>
      name.endsWith('string') ? new Value(ValueKind.String, this.str(this.arg(i))) : new Value(ValueKind.Uint64, this.arg(i)),
    );
    return {
      name: spec.name,
      experiment: EXPERIMENTS[spec.experiment!] ?? '',
      args,
      values,
      argValue: (i: number): Value => {
        if (i < 0 || i >= args.length) throw new RangeError(`experimental event argument index ${i} out of bounds [0, ${args.length})`);
        return values[i]!;
      },
    };
  }

  /** toJSON is the event as a JSON-ready object (the schema of `gotrace events --json`). */
  toJSON(): { [key: string]: JSONValue } {
    return eventJSON(this);
  }

  /** toString is exactly Go's Event.String(). */
  override toString(): string {
    return format(this, false);
  }

  /**
   * INSPECT shows the event to console.log and util.inspect as its JSON
   * form (toJSON) under the name Event, not the record words and batch it
   * is made of. Node calls it; the reference leaves it out.
   * @internal
   */
  [INSPECT](depth: number, options: InspectOptions, inspect?: (x: unknown, options: InspectOptions) => string): unknown {
    // `depth` is how many levels may still be shown, from this one: none left, a placeholder.
    if (depth < 0) return '[Event]';
    const json = this.toJSON();
    if (typeof inspect !== 'function') return json;
    return `Event ${inspect(json, { ...options, depth: options.depth == null ? null : depth })}`;
  }
}

/**
 * eventFromRecord makes the Event of the record at word `w` of `words`, a
 * copy of the core's records (see Event), on its own. `names` is the core's
 * names arena, for a TaskEnd's name, which is copied.
 */
export function eventFromRecord(words: Uint32Array, w: number, tables: Tables | null, names: Uint8Array | null): Event {
  const batch = new Batch(words, tables);
  if ((words[w + RECORD_TYPE_WORD]! & 0xff) === TASK_END && names !== null) batch.keepTaskName(w, names);
  return new Event(batch, w);
}

/** taskNameOf copies out of the names arena the task name of the TaskEnd record at word `w`. */
function taskNameOf(words: Uint32Array, w: number, names: Uint8Array): Uint8Array | null {
  const at = words[w + RECORD_ARGS_WORD + 6]!; // args[3], the name's offset in the arena
  if (at === 0) return null;
  // The name's length, a little-endian u32, read without a DataView per name.
  const l = at + NAME_LENGTH;
  const length = (names[l]! | (names[l + 1]! << 8) | (names[l + 2]! << 16) | (names[l + 3]! << 24)) >>> 0;
  return names.slice(at + NAME_BYTES, at + NAME_BYTES + length);
}

/**
 * pointEvent re-points `ev` at the record at word `w` of `batch`: Cursor's
 * one reusable Event, which reads the core's memory in place and so is
 * valid only until the cursor moves.
 */
export function pointEvent(ev: Event, batch: Batch, w: number): void {
  const e = ev as unknown as { at: number; batch: Batch };
  e.at = w;
  e.batch = batch;
}
