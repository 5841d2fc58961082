// Go's raw text format of a trace (internal/trace/raw): a `Trace Go1.XX`
// header line, then one line per raw event, `Name arg=value ...`, with the
// frames of a stack-table entry and the data of an event with a trailer on
// the lines after it. Go writes its golden reader tests in it. This file
// turns such text into the binary trace that Go's raw writer makes of it,
// reading it exactly as Go's TextReader does, errors included (the lexical
// rules are in src/textreader.ts), and a binary trace into text as Go's
// TextWriter writes it (the lines of the wire listing, src/wire.ts, after the
// header).
import type { Core } from '../bindings/index';
import { FRAME_FIELDS, specFor } from '../format/events.mjs';
import { nameHash, readHeader, TextReader, type U64 } from './textreader';
import { WireReader } from './wire';

export { TextError } from './textreader';

/** ByteWriter is a growable output buffer of bytes and uvarints. */
class ByteWriter {
  buf: Uint8Array;
  n = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
  }

  /** room makes sure k more bytes fit. */
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    bigger.set(this.buf.subarray(0, this.n));
    this.buf = bigger;
  }

  /** bytes appends b. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** uvarint appends v in Go's binary.AppendUvarint encoding (LEB128, no padding). */
  uvarint(v: U64): void {
    this.room(10);
    if (typeof v === 'number') {
      while (v >= 0x80) {
        this.buf[this.n++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buf[this.n++] = v;
      return;
    }
    while (v >= 0x80n) {
      this.buf[this.n++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.n++] = Number(v);
  }
}

/** formatArgs prints numbers as Go's %v prints a []uint64. */
function formatArgs(args: U64[]): string {
  return '[' + args.join(' ') + ']';
}

/** EventSpec is a row of the wire-format table. */
type EventSpec = NonNullable<ReturnType<typeof specFor>>;

/**
 * eventNames maps the hash of each event name of format `version` to its
 * spec, as Go's names table (tracev2.EventNames): the events of the
 * trace's version only. A hash match is checked against the name.
 */
function eventNames(version: number): Map<number, EventSpec> {
  const bytes = new TextEncoder();
  const m = new Map<number, EventSpec>();
  for (let t = 0; t < 256; t++) {
    const spec = specFor(version, t);
    if (!spec) continue;
    const b = bytes.encode(spec.name);
    const h = nameHash(b, 0, b.length);
    if (m.has(h)) throw new Error(`internal error: event names ${spec.name} and ${m.get(h)!.name} collide`);
    m.set(h, spec);
  }
  return m;
}

/** frameCount is how many frame lines Go reads for a stack entry: int(nframes), none if negative. */
function frameCount(n: U64): number | bigint {
  return typeof n === 'number' || n < 1n << 63n ? n : 0;
}

/**
 * readEvent reads one event (with its frame or data lines) as Go's
 * TextReader.ReadEvent, and writes it as Go's raw Writer does: the type
 * byte, the arguments and frames as uvarints, the data length and the data.
 * It returns false at the end of the input.
 */
function readEvent(r: TextReader, out: ByteWriter, args: U64[], names: Map<number, EventSpec>): boolean {
  if (!r.nextLine()) return false;
  const at = r.line;
  r.token();
  const spec = names.get(r.tokenHash());
  if (spec === undefined || !r.tokenIs(spec.name)) return r.fail(`unidentified event: ${r.tokenText()}`);
  const name = spec.name;
  args.length = 0;
  const bad = r.readArgs(spec.args, args);
  if (bad !== undefined) r.fail(`reading args for ${name}: ${bad}`);
  out.room(1);
  out.buf[out.n++] = spec.type;
  for (const a of args) out.uvarint(a);
  if (spec.stack) {
    const n = frameCount(args[1]!);
    for (let i = 0; i < n; i++) {
      if (!r.nextLine()) r.fail(`unexpected EOF while reading stack: args=${formatArgs(args)}`, at);
      const first = args.length;
      const badFrame = r.readArgs(FRAME_FIELDS, args);
      if (badFrame !== undefined) r.fail(badFrame);
      for (let j = first; j < args.length; j++) out.uvarint(args[j]!);
    }
  }
  if (spec.data) {
    if (!r.nextLine()) r.fail(`unexpected EOF while reading data for ${name}: args=${formatArgs(args)}`, at);
    const data = r.readData();
    out.uvarint(data.length);
    out.bytes(data);
  }
  return true;
}

/**
 * textToTrace turns Go's raw text format into the binary trace that Go's
 * golden tests make of it (raw.TextReader into raw.Writer): the same bytes,
 * and the same verdict on malformed text, thrown as a TextError that names
 * the line. A string stands for its UTF-8 bytes; firstLine numbers the
 * first line (for text cut out of a larger file, such as a txtar archive).
 */
export function textToTrace(text: string | Uint8Array, firstLine = 1): Uint8Array {
  const b = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const r = new TextReader(b, firstLine);
  r.version = readHeader(r);
  const out = new ByteWriter(b.length >> 1);
  out.bytes(new TextEncoder().encode(`go 1.${r.version} trace\0\0\0`));
  const args: U64[] = [];
  const names = eventNames(r.version);
  while (readEvent(r, out, args, names));
  return out.buf.slice(0, out.n);
}

/** textHeader is the header line of the raw text of a trace of format `version`. */
export function textHeader(version: number): string {
  return `Trace Go1.${version}\n`;
}

/**
 * traceToText is the raw text of a whole binary trace, as Go's raw Reader
 * into its TextWriter makes it. A trace that fails to read throws its
 * TraceError (Go's words); `gotrace text decode` streams instead, and prints
 * the text before the damage. A core given to reuse is reset first.
 */
export function traceToText(trace: Uint8Array, core?: Core): string {
  core?.reset();
  const r = new WireReader(core);
  r.feed(trace);
  r.close();
  let lines = '';
  for (let t; (t = r.text()); ) lines += t;
  return textHeader(r.version) + lines;
}
