// Events as plain JSON-ready objects: what `gotrace events --json` prints and
// what JSON.stringify(event) gives. 64-bit numbers become JSON numbers where
// exact and decimal strings beyond 2^53, since JSON readers round big numbers.
import type { Event } from './event';
import { toJSONValue as n } from './int64';
import { enumName, EventKind, GoState, ProcState, type ResourceID, ResourceKind, type StackFrame, type Value, ValueKind } from './kinds';

/** JSONValue is any value of the JSON form of an event. */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** stackJSON is a stack's frames in JSON. */
function stackJSON(frames: readonly StackFrame[]): JSONValue {
  return frames.map((f) => ({ func: f.func, file: f.file, line: n(f.line), pc: n(f.pc) }));
}

/** resourceJSON is a resource ID in JSON: its kind's name and its ID. */
function resourceJSON(r: ResourceID): JSONValue {
  return { kind: enumName(ResourceKind, r.kind), id: n(r.id) };
}

/** valueJSON is a Value in JSON: the number or the string. */
function valueJSON(v: Value): JSONValue {
  return v.kind === ValueKind.Uint64 ? n(v.uint64()) : v.toString();
}

/** detailJSON adds the kind-specific part of `ev` to `o`. */
function detailJSON(ev: Event, o: { [key: string]: JSONValue }): void {
  switch (ev.kind) {
    case EventKind.Sync: {
      const s = ev.sync();
      const c = s.clockSnapshot;
      o.sync = {
        n: s.n,
        clockSnapshot: c && { trace: n(c.trace), mono: n(c.mono), wall: c.wall, wallSeconds: n(c.wallSeconds), wallNanoseconds: c.wallNanoseconds },
      };
      return;
    }
    case EventKind.Metric: {
      const m = ev.metric();
      o.metric = { name: m.name, value: valueJSON(m.value) };
      return;
    }
    case EventKind.Label: {
      const l = ev.label();
      o.label = { label: l.label, resource: resourceJSON(l.resource) };
      return;
    }
    case EventKind.RangeBegin:
    case EventKind.RangeActive:
    case EventKind.RangeEnd: {
      const r = ev.range();
      o.range = { name: r.name, scope: resourceJSON(r.scope) };
      if (ev.kind === EventKind.RangeEnd) o.attributes = ev.rangeAttributes().map((a) => ({ name: a.name, value: valueJSON(a.value) }));
      return;
    }
    case EventKind.TaskBegin:
    case EventKind.TaskEnd: {
      const t = ev.task();
      o.task = { id: n(t.id), parent: n(t.parent), type: t.type };
      return;
    }
    case EventKind.RegionBegin:
    case EventKind.RegionEnd: {
      const r = ev.region();
      o.region = { task: n(r.task), type: r.type };
      return;
    }
    case EventKind.Log: {
      const l = ev.log();
      o.log = { task: n(l.task), category: l.category, message: l.message };
      return;
    }
    case EventKind.StateTransition: {
      const t = ev.stateTransition();
      const names = t.resource.kind === ResourceKind.Goroutine ? GoState : ProcState;
      const j: { [key: string]: JSONValue } = {
        resource: resourceJSON(t.resource),
        from: enumName(names, t.from),
        to: enumName(names, t.to),
        reason: t.reason,
      };
      if (t.stack.length > 0) j.stack = stackJSON(t.stack);
      o.transition = j;
      return;
    }
    case EventKind.Experimental: {
      const x = ev.experimental();
      const args: { [key: string]: JSONValue } = {};
      x.args.forEach((name, i) => (args[name] = valueJSON(x.argValue(i))));
      o.experimental = { name: x.name, experiment: x.experiment, args };
      return;
    }
  }
}

/** eventJSON is the JSON form of `ev` (see `gotrace events --help`). */
export function eventJSON(ev: Event): { [key: string]: JSONValue } {
  const o: { [key: string]: JSONValue } = {
    kind: enumName(EventKind, ev.kind),
    time: n(ev.time),
    thread: n(ev.thread),
    proc: n(ev.proc),
    goroutine: n(ev.goroutine),
  };
  detailJSON(ev, o);
  const stack = ev.stack;
  if (stack.length > 0) o.stack = stackJSON(stack);
  return o;
}
