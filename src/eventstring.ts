// Go's Event.String(): the text `go tool trace -d=parsed` prints for each
// event, byte for byte. The conformance of gotrace is measured on this text,
// and `gotrace events` prints it for every event of a trace, so it is built
// from cached pieces: quoted strings and printed stacks are made once per
// generation (Tables), and nothing is resolved that is not printed.
import { internalError } from './errors';
import type { Event, Transition } from './event';
import { type Int64, signed } from './int64';
import { enumName, EventKind, GoState, ProcState, RANGE_NAMES, ResourceKind, STACK_ARG, T } from './kinds';
import { quote } from './quote';
import type { Tables } from './tables';

/** Go's quoted names of the metrics, by wire type. */
const METRIC_NAMES: Record<number, string> = {
  [T.ProcsChange]: '"/sched/gomaxprocs:threads"',
  [T.HeapAlloc]: '"/memory/classes/heap/objects:bytes"',
  [T.HeapGoal]: '"/gc/heap/goal:bytes"',
};

/** quoted is string `id` of `tables` as Go's %q prints it. */
function quoted(tables: Tables | null, id: Int64): string {
  const q = tables?.quoted(id);
  if (q === undefined) throw internalError(`string ID ${id} is not in the table`);
  return q;
}

/**
 * Sink receives the text of events: plain text, and the stack sections, which
 * writers may copy from what they keep of each stack (the same few stacks are
 * printed over and over).
 */
export interface Sink {
  /** text adds plain text. */
  text(s: string): void;
  /** stack adds a stack section: "\n" + heading + "=\n", then the frames of stack `id` of `tables`. */
  stack(heading: string, tables: Tables | null, id: Int64): void;
}

/** StringSink collects an event's text as a string. */
class StringSink implements Sink {
  s = '';
  constructor(private readonly raw: boolean) {}
  text(s: string): void {
    this.s += s;
  }
  stack(heading: string, tables: Tables | null, id: Int64): void {
    this.s += `\n${heading}=\n${tables === null ? '' : tables.stackText(id, this.raw)}`;
  }
}

/** Go's quoted names of the GC ranges, by wire type. */
const QUOTED_RANGE_NAMES: Record<number, string> = {};
for (const [t, name] of Object.entries(RANGE_NAMES)) QUOTED_RANGE_NAMES[Number(t)] = quote(name);

/** rangeDetail prints the name and scope of a range event, and a RangeEnd's attributes. */
function rangeDetail(ev: Event): string {
  const t = ev.type;
  const [kind, id] = ev.rangeScope();
  const scope = kind === ResourceKind.None ? 'None' : `${kind === ResourceKind.Proc ? 'Proc' : 'Goroutine'}(${id})`;
  // Go quotes "stop-the-world (" + kind + ")": the kind's quoted form, inside.
  const name = t === T.STWBegin || t === T.STWEnd ? `"stop-the-world (${quoted(ev.tables, ev.arg(0)).slice(1, -1)})"` : QUOTED_RANGE_NAMES[t];
  const s = ` Name=${name} Scope=${scope}`;
  if (ev.kind !== EventKind.RangeEnd) return s;
  if (t !== T.GCSweepEnd) return s + ' Attributes=[]';
  return `${s} Attributes=["bytes swept"=Value{Uint64(${ev.arg(0)})} "bytes reclaimed"=Value{Uint64(${ev.arg(1)})}]`;
}

/** transitionDetail prints a state transition's resource, states and reason (its stack follows). */
function transitionDetail(ev: Event, t: Transition): string {
  const states =
    t.kind === ResourceKind.Goroutine
      ? ` GoID=${t.id} ${enumName(GoState, t.from)}->${enumName(GoState, t.to)}`
      : ` ProcID=${t.id} ${enumName(ProcState, t.from)}->${enumName(ProcState, t.to)}`;
  return `${states} Reason=${t.reason === 0 ? '""' : quoted(ev.tables, t.reason)}`;
}

/** experimentalDetail prints an experimental event's name and arguments. */
function experimentalDetail(ev: Event, raw: boolean): string {
  const x = ev.experimental();
  const values = x.args.map((name, i) => {
    if (raw && name.endsWith('string')) return `${name}=${ev.tables?.rawString(ev.arg(i)) ?? ''}`;
    return `${name}=${x.argValue(i)}`;
  });
  return ` Name=${x.name} Args=[${values.join(', ')}]`;
}

/** syncDetail prints a Sync's number and its generation's clock snapshot. */
function syncDetail(ev: Event): string {
  const snap = ev.tables?.clockSnapshot;
  const n = ` N=${signed(ev.arg(0))}`;
  return snap ? `${n} Trace=${snap.trace} Mono=${snap.mono} Wall=${snap.wall}` : n;
}

/** taskDetail prints a task's ID, parent and type. */
function taskDetail(ev: Event): string {
  if (ev.type === T.UserTaskBegin) return ` ID=${ev.arg(0)} Parent=${ev.arg(1)} Type=${quoted(ev.tables, ev.arg(2))}`;
  return ` ID=${ev.arg(0)} Parent=${ev.arg(2)} Type=${ev.taskName ? quote(ev.taskName) : '""'}`;
}

/** detail prints the kind-specific part of an event (but a state transition's). */
function detail(ev: Event, raw: boolean): string {
  switch (ev.kind) {
    case EventKind.Metric:
      return ` Name=${METRIC_NAMES[ev.type]} Value=Value{Uint64(${ev.arg(0)})}`;
    case EventKind.Label:
      return ` Label=${quoted(ev.tables, ev.arg(0))} Resource=Goroutine(${ev.goroutine})`;
    case EventKind.RangeBegin:
    case EventKind.RangeActive:
    case EventKind.RangeEnd:
      return rangeDetail(ev);
    case EventKind.TaskBegin:
    case EventKind.TaskEnd:
      return taskDetail(ev);
    case EventKind.RegionBegin:
    case EventKind.RegionEnd:
      return ` Task=${ev.arg(0)} Type=${quoted(ev.tables, ev.arg(1))}`;
    case EventKind.Log:
      return ` Task=${ev.arg(0)} Category=${quoted(ev.tables, ev.arg(1))} Message=${quoted(ev.tables, ev.arg(2))}`;
    case EventKind.Experimental:
      return experimentalDetail(ev, raw);
    case EventKind.Sync:
      return syncDetail(ev);
  }
  return '';
}

/**
 * writeEvent gives `sink` Go's Event.String() of `ev`. With `raw`, strings
 * that Go prints as they are (function and file names, experimental string
 * arguments) keep their bytes that are not UTF-8 as lone surrogates, for
 * writers that print exact bytes (encodeRaw); without it they hold U+FFFD.
 */
export function writeEvent(ev: Event, sink: Sink, raw: boolean): void {
  const head = `M=${ev.thread} P=${ev.proc} G=${ev.goroutine} ${enumName(EventKind, ev.kind)} Time=${ev.time}`;
  if (ev.kind === EventKind.StateTransition) {
    const t = ev.transition();
    sink.text(head + transitionDetail(ev, t));
    if (t.stack !== -1) sink.stack('TransitionStack', ev.tables, t.stack);
  } else {
    sink.text(head + detail(ev, raw));
  }
  if (ev.type === T.CPUSample) {
    // Go's stack of a sample always has a table, so even stack 0 prints a heading.
    sink.stack('Stack', ev.tables, ev.arg(0));
  } else {
    const at = STACK_ARG[ev.type]!;
    if (at >= 0 && ev.arg(at) !== 0) sink.stack('Stack', ev.tables, ev.arg(at));
  }
}

/** format is Go's Event.String() of `ev` (see writeEvent for `raw`). */
export function format(ev: Event, raw: boolean): string {
  const sink = new StringSink(raw);
  writeEvent(ev, sink, raw);
  return sink.s;
}
