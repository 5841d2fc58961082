// Golden tests of `gotrace events --json` (src/eventjson.ts). The JSON is
// ours, so its expectations come from Go's reading of the same traces: every
// event of Go 1.27's `go tool trace -d=parsed` printout (fixtures/*/NAME.want,
// written by Go) is parsed back into its fields, and each field the JSON also
// carries must hold the same value: kind, time, thread, proc, goroutine, and
// per kind the sync's clock snapshot, metric, label, range and its scope and
// attributes, task, region, log, state transition, experimental arguments and
// both stacks, frame by frame.
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { events } from '../src/commands/events';
import type { JSONValue } from '../src/eventjson';

type Obj = { [key: string]: JSONValue };

/** goBytes decodes bytes as Go ranges over a string: each byte of no valid UTF-8 sequence is one U+FFFD. */
function goDecode(bytes: Uint8Array): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    let ch = '\ufffd';
    if (len > 0 && i + len <= bytes.length) {
      try {
        ch = strict.decode(bytes.subarray(i, i + len));
      } catch {
        ch = '\ufffd';
      }
    }
    if (ch === '\ufffd') {
      s += ch;
      i++;
    } else {
      s += ch;
      i += len;
    }
  }
  return s;
}

/** latin1Bytes are the bytes of a latin1 string (one char a byte). */
const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** ESCAPES are Go's one-letter escapes of %q. */
const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

/** unquote reads a Go %q string at the start of `s` (latin1): its value and the length it took. */
function unquote(s: string): [string, number] {
  if (s[0] !== '"') throw new Error(`not a quoted string: ${s.slice(0, 40)}`);
  const out: number[] = [];
  let i = 1;
  for (; s[i] !== '"'; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = s[++i]!;
    if (e in ESCAPES) out.push(ESCAPES[e]!);
    else if (e === 'x') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      out.push(...new TextEncoder().encode(String.fromCodePoint(parseInt(s.slice(i + 1, i + 1 + n), 16))));
      i += n;
    } else throw new Error(`unknown escape \\${e}`);
  }
  return [goDecode(Uint8Array.from(out)), i + 1];
}

/** Frame is a stack frame as Go prints it. */
interface Frame {
  func: string;
  pc: bigint;
  file: string;
  line: bigint;
}

/** GoEvent is one event of Go's printout: its first line, split, and its stacks. */
interface GoEvent {
  m: bigint;
  p: bigint;
  g: bigint;
  kind: string;
  time: bigint;
  rest: string;
  stacks: Record<string, Frame[]>;
  raw: string;
}

/** parseFrames reads the frames of a stack section ("\tfunc @ 0xpc\n\t\tfile:line" each). */
function parseFrames(lines: string[]): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const f = /^\t(.*) @ 0x([0-9a-f]+)$/.exec(lines[i]!),
      l = /^\t\t(.*):(\d+)$/.exec(lines[i + 1]!);
    if (!f || !l) throw new Error(`not a frame: ${lines[i]} / ${lines[i + 1]}`);
    frames.push({ func: goDecode(latin1Bytes(f[1]!)), pc: BigInt('0x' + f[2]), file: goDecode(latin1Bytes(l[1]!)), line: BigInt(l[2]!) });
  }
  return frames;
}

/** split splits a printout (latin1) into events' texts, trailing newlines dropped. */
function split(text: string): string[] {
  return text
    .split(/\n(?=M=)/)
    .filter((e) => e.trim() !== '')
    .map((e) => e.replace(/\n+$/, ''));
}

/** untimed is an event's text without its time. */
const untimed = (e: string): string => e.replace(/ Time=-?\d+/, '');

/** parseGo splits Go's printout (latin1) into events. */
function parseGo(text: string): GoEvent[] {
  return split(text).map((e) => {
    const lines = e.split('\n');
    const h = /^M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(-?\d+)(.*)$/.exec(lines[0]!);
    if (!h) throw new Error(`not an event: ${lines[0]}`);
    const stacks: Record<string, Frame[]> = {};
    let heading = '',
      body: string[] = [];
    const flush = () => {
      if (heading) stacks[heading] = parseFrames(body);
    };
    for (const l of lines.slice(1)) {
      const s = /^(\w+)=$/.exec(l);
      if (s) {
        flush();
        heading = s[1]!;
        body = [];
      } else if (l !== '') body.push(l);
    }
    flush();
    return { m: BigInt(h[1]!), p: BigInt(h[2]!), g: BigInt(h[3]!), kind: h[4]!, time: BigInt(h[5]!), rest: h[6]!, stacks, raw: e };
  });
}

/** expectInt checks a JSON integer: `want`, a number while exact and a decimal string past 2^53. */
function expectInt(got: JSONValue | undefined, want: bigint, what: string): void {
  const abs = want < 0n ? -want : want;
  if (abs < 2n ** 53n) expect(got, what).toBe(Number(want));
  else if (abs > 2n ** 53n) expect(got, what).toBe(want.toString());
  else expect(BigInt(got as number | string), what).toBe(want);
}

/**
 * Fields reads the fields after the time: `Name=value` pairs, where a value
 * is a Go quoted string, a bracketed list or a word. Quoted values are
 * unquoted; the others are kept as text.
 */
function fields(rest: string): Map<string, string> {
  const out = new Map<string, string>();
  let s = rest;
  while (s.startsWith(' ')) {
    const bare = /^ (\w+->\w+)(?= |$)/.exec(s);
    if (bare) {
      // A transition's states ("Running->Runnable"), unnamed.
      out.set('States', bare[1]!);
      s = s.slice(bare[0].length);
      continue;
    }
    const m = /^ (\w+)=/.exec(s);
    if (!m) throw new Error(`no field in ${s}`);
    s = s.slice(m[0].length);
    let value: string;
    if (s.startsWith('"')) {
      const [v, n] = unquote(s);
      value = v;
      s = s.slice(n);
    } else if (s.startsWith('[')) {
      let depth = 0,
        i = 0;
      for (; i < s.length; i++) {
        if (s[i] === '"') i += unquote(s.slice(i))[1] - 1;
        else if (s[i] === '[') depth++;
        else if (s[i] === ']' && --depth === 0) break;
      }
      value = s.slice(1, i);
      s = s.slice(i + 1);
    } else {
      const w = /^\S+/.exec(s)![0];
      value = w;
      s = s.slice(w.length);
    }
    if (out.has(m[1]!)) throw new Error(`field ${m[1]} twice`);
    out.set(m[1]!, value);
  }
  if (s !== '') throw new Error(`left over: ${s}`);
  return out;
}

/** expectResource checks a resource's JSON against Go's `Goroutine(5)`, `Proc(2)` or `None`. */
function expectResource(got: JSONValue | undefined, want: string, what: string): void {
  const r = got as Obj;
  if (want === 'None') {
    expect(r.kind, what).toBe('None');
    return;
  }
  const m = /^(\w+)\((-?\d+)\)$/.exec(want)!;
  expect(r.kind, what).toBe(m[1]);
  expectInt(r.id, BigInt(m[2]!), what);
}

/** expectValue checks a Value's JSON against Go's `Value{Uint64(7)}` or `Value{String("x")}`. */
function expectValue(got: JSONValue | undefined, want: string, what: string): void {
  const u = /^Value\{Uint64\((\d+)\)\}$/.exec(want);
  if (u) return expectInt(got, BigInt(u[1]!), what);
  const s = /^Value\{String\((".*")\)\}$/.exec(want);
  if (!s) throw new Error(`not a value: ${want}`);
  expect(got, what).toBe(unquote(s[1]!)[0]);
}

/** expectStack checks a stack's JSON frames against Go's. */
function expectStack(got: JSONValue | undefined, want: Frame[] | undefined, what: string): void {
  if (!want || want.length === 0) {
    expect(got, what).toBeUndefined();
    return;
  }
  const frames = got as Obj[];
  expect(frames.length, what).toBe(want.length);
  want.forEach((f, i) => {
    expect(frames[i]!.func, `${what} frame ${i}`).toBe(f.func);
    expect(frames[i]!.file, `${what} frame ${i}`).toBe(f.file);
    expectInt(frames[i]!.line, f.line, `${what} frame ${i} line`);
    expectInt(frames[i]!.pc, f.pc, `${what} frame ${i} pc`);
  });
}

/** attributes parses Go's list of range attributes: `"name"=Value{...} ...`. */
function attributes(list: string): [string, string][] {
  const out: [string, string][] = [];
  for (let s = list.trim(); s !== ''; ) {
    const [name, n] = unquote(s);
    const v = /^=(Value\{\w+\((?:"(?:[^"\\]|\\.)*"|\d+)\)\})/.exec(s.slice(n))!;
    out.push([name, v[1]!]);
    s = s.slice(n + v[0].length).trim();
  }
  return out;
}

/** expectDetail checks the kind-specific fields of one event. */
function expectDetail(j: Obj, e: GoEvent, what: string): void {
  const f = fields(e.rest);
  const get = (k: string) => {
    const v = f.get(k);
    if (v === undefined) throw new Error(`${what}: Go printed no ${k}`);
    return v;
  };
  switch (e.kind) {
    case 'Sync': {
      const s = j.sync as Obj;
      expectInt(s.n as number, BigInt(get('N')), `${what} N`);
      if (!f.has('Trace')) {
        expect(s.clockSnapshot, what).toBeNull();
        return;
      }
      const c = s.clockSnapshot as Obj;
      expectInt(c.trace, BigInt(get('Trace')), `${what} Trace`);
      expectInt(c.mono, BigInt(get('Mono')), `${what} Mono`);
      expect(c.wall, `${what} Wall`).toBe(get('Wall'));
      return;
    }
    case 'Metric':
      expect((j.metric as Obj).name, what).toBe(get('Name'));
      return expectValue((j.metric as Obj).value, get('Value'), `${what} Value`);
    case 'Label':
      expect((j.label as Obj).label, what).toBe(get('Label'));
      return expectResource((j.label as Obj).resource, get('Resource'), `${what} Resource`);
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd': {
      const r = j.range as Obj;
      expect(r.name, what).toBe(get('Name'));
      expectResource(r.scope, get('Scope'), `${what} Scope`);
      if (e.kind !== 'RangeEnd') return expect(j.attributes, what).toBeUndefined();
      const want = attributes(get('Attributes'));
      const got = j.attributes as Obj[];
      expect(got.length, `${what} Attributes`).toBe(want.length);
      want.forEach(([name, value], i) => {
        expect(got[i]!.name, `${what} attribute ${i}`).toBe(name);
        expectValue(got[i]!.value, value, `${what} attribute ${name}`);
      });
      return;
    }
    case 'TaskBegin':
    case 'TaskEnd': {
      const t = j.task as Obj;
      expectInt(t.id, BigInt(get('ID')), `${what} ID`);
      expectInt(t.parent, BigInt(get('Parent')), `${what} Parent`);
      return expect(t.type, `${what} Type`).toBe(get('Type'));
    }
    case 'RegionBegin':
    case 'RegionEnd': {
      const r = j.region as Obj;
      expectInt(r.task, BigInt(get('Task')), `${what} Task`);
      return expect(r.type, `${what} Type`).toBe(get('Type'));
    }
    case 'Log': {
      const l = j.log as Obj;
      expectInt(l.task, BigInt(get('Task')), `${what} Task`);
      expect(l.category, `${what} Category`).toBe(get('Category'));
      return expect(l.message, `${what} Message`).toBe(get('Message'));
    }
    case 'StateTransition': {
      const t = j.transition as Obj;
      const go = f.has('GoID');
      expectResource(t.resource, go ? `Goroutine(${get('GoID')})` : `Proc(${get('ProcID')})`, `${what} resource`);
      expect(`${t.from}->${t.to}`, `${what} states`).toBe(get('States'));
      expect(t.reason, `${what} Reason`).toBe(get('Reason'));
      return expectStack(t.stack, e.stacks.TransitionStack, `${what} TransitionStack`);
    }
    case 'Experimental': {
      const x = j.experimental as Obj;
      expect(x.name, what).toBe(get('Name'));
      const args = x.args as Obj;
      const want = get('Args')
        .split(', ')
        .filter((a) => a !== '')
        .map((a) => /^(\w+)=(.*)$/.exec(a)!);
      expect(Object.keys(args), `${what} Args`).toEqual(want.map((a) => a[1]));
      for (const a of want) expectValue(args[a[1]!], a[2]!, `${what} arg ${a[1]}`);
      return;
    }
    case 'StackSample':
      expect(f.size, what).toBe(0);
      return;
  }
  throw new Error(`${what}: no check for kind ${e.kind}`);
}

/** expectEvent checks one event's JSON against Go's printout of it, field by field. */
function expectEvent(j: Obj, e: GoEvent, what: string, time = true): void {
  expect(j.kind, what).toBe(e.kind);
  if (time) expectInt(j.time, e.time, `${what} Time`);
  expectInt(j.thread, e.m, `${what} M`);
  expectInt(j.proc, e.p, `${what} P`);
  expectInt(j.goroutine, e.g, `${what} G`);
  expectDetail(j, e, what);
  // A sample's stack (Go prints its heading even when empty) is the event's.
  expectStack(j.stack, e.stacks.Stack, `${what} Stack`);
}

/** sink is a Writable that keeps what is written. */
function sink(): { stream: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

/** listing is what `gotrace events` (--json with `json`) prints for `trace`. */
async function listing(trace: Uint8Array, mode: 'text' | 'json'): Promise<Buffer> {
  const out = sink();
  await events(Readable.from([trace]), out.stream, mode);
  return out.bytes();
}

/** ours is what `gotrace events --json` prints for `trace`, one object an event. */
async function ours(trace: Uint8Array): Promise<Obj[]> {
  return (await listing(trace, 'json'))
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Obj);
}

const dir = new URL('./fixtures/events/traces/', import.meta.url);
// New-format traces, and what each has: logs, tasks, regions, labels,
// metrics, ranges (with a sweep's attributes: go1.26-stress-start-stop), stacks, syncs, experimental events,
// a CPU sample and values past 2^53 and strings of bad UTF-8 (edge-values).
const NEW = [
  'go1.27-annotations',
  'go1.26-annotations-stress',
  'go1.27-stress-start-stop',
  'go1.26-stress-start-stop',
  'allocfree-go1.27',
  'edge-values',
  'go1.27-stacks',
];

describe('--json, field by field as Go reads the trace', () => {
  for (const name of NEW) {
    it(name, async () => {
      const json = await ours(new Uint8Array(readFileSync(new URL(name + '.trace', dir))));
      const want = parseGo(readFileSync(new URL(name + '.want', dir), 'latin1'));
      expect(json.length).toBe(want.length);
      want.forEach((e, i) => expectEvent(json[i]!, e, `${name} event ${i}`));
    });
  }

  it('covers every kind of event', () => {
    const kinds = new Set<string>();
    for (const name of NEW) for (const e of parseGo(readFileSync(new URL(name + '.want', dir), 'latin1'))) kinds.add(e.kind);
    expect([...kinds].sort()).toEqual([
      'Experimental',
      'Label',
      'Log',
      'Metric',
      'RangeActive',
      'RangeBegin',
      'RangeEnd',
      'RegionBegin',
      'RegionEnd',
      'StackSample',
      'StateTransition',
      'Sync',
      'TaskBegin',
      'TaskEnd',
    ]);
  });

  // An old trace: Go orders its events of equal times differently from run
  // to run, so its reading is kept in canon's tie-insensitive form (times in
  // a run of ties made equal, the run sorted). Each of Go's events is paired
  // with one of ours whose text, time aside, is the same, and their fields
  // are compared, time aside (v1-golden.test.ts compares the times).
  it('own-go121-annotations (old format)', async () => {
    const v1 = new URL('./fixtures/v1/', import.meta.url);
    const trace = new Uint8Array(readFileSync(new URL('own-go121-annotations.trace', v1)));
    const json = await ours(trace);
    const text = split((await listing(trace, 'text')).toString('latin1'));
    expect(text.length).toBe(json.length);
    const byText = new Map<string, Obj[]>();
    text.forEach((t, i) => byText.set(untimed(t), [...(byText.get(untimed(t)) ?? []), json[i]!]));
    const want = parseGo(gunzipSync(readFileSync(new URL('own-go121-annotations.want.gz', v1))).toString('latin1'));
    expect(want.length).toBe(json.length);
    expect(want.some((e) => e.kind === 'Log')).toBe(true);
    for (const [i, e] of want.entries()) {
      const matches = byText.get(untimed(e.raw));
      expect(matches?.length, `old event ${i}: ${e.raw}`).toBeGreaterThan(0);
      expectEvent(matches!.shift()!, e, `old event ${i}`, false);
    }
  });
});

describe('gotrace events --json', () => {
  it('prints JSON Lines', async () => {
    const out = (await listing(new Uint8Array(readFileSync(new URL('edge-values.trace', dir))), 'json')).toString();
    expect(out.endsWith('}\n')).toBe(true);
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .every((l) => l.startsWith('{"kind":')),
    ).toBe(true);
  });
});
