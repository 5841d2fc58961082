// Go's raw text format of a trace (internal/trace/raw): a `Trace Go1.XX`
// header line, then one line per raw event, `Name arg=value ...`, with the
// frames of a stack-table entry and the data of an event with a trailer on
// the lines after it. Go writes its golden reader tests in it. This file
// turns such text into the binary trace that Go's raw writer makes of it,
// reading it exactly as Go's TextReader does, errors included, and a binary
// trace into text as Go's TextWriter writes it (the lines of the wire
// listing, src/wire.ts, after the header).
import type { Core } from '../bindings/index';
import { FRAME_FIELDS, OLD_VERSIONS, VERSIONS, specFor } from '../format/events.mjs';
import { decodeRune, quote, spaceAt, trimSpace, unquote } from './quote';
import { WireReader } from './wire';

/**
 * TextError is a failure to read raw text: goMessage is what Go's TextReader
 * says, and line the line (1-based) where the reading stopped.
 */
export class TextError extends Error {
  /** line is the number of the line at fault (one past the last line at the end of the input). */
  readonly line: number;
  /** goMessage is the message without the line: Go's wording. */
  readonly goMessage: string;

  constructor(line: number, goMessage: string) {
    super(`line ${line}: ${goMessage}`);
    this.name = 'TextError';
    this.line = line;
    this.goMessage = goMessage;
  }
}

/** A line this long or longer stops Go's bufio.Scanner, and so the reading. */
const MAX_LINE = 64 * 1024;
/** Uvarints of up to this many decimal digits fit a double exactly. */
const SAFE_DIGITS = 15;
const MAX_U64 = (1n << 64n) - 1n;
const latin1 = new TextDecoder('latin1');

/** A number of the text format: a double where it is exact, else a bigint. */
type U64 = number | bigint;

/**
 * tokenEnd is where the token that starts at p ends: at white space, a `#`
 * or the end of the line. An invalid byte is one rune of its own, as in Go's
 * range loop over a string.
 */
function tokenEnd(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c < 0x80) {
      if (c === 0x20 || c === 0x23 || (c >= 0x09 && c <= 0x0d)) return p;
      p++;
    } else {
      if (spaceAt(b, p) > 0) return p;
      const d = decodeRune(b, p);
      p += d < 0 ? 1 : d & 7;
    }
  }
  return p;
}

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

/**
 * parseUint is Go's strconv.ParseUint(s, 10, 64) on b[start:end]: the value,
 * or 'syntax' or 'range' where Go fails.
 */
function parseUint(b: Uint8Array, start: number, end: number): U64 | 'syntax' | 'range' {
  if (start === end) return 'syntax';
  let v = 0;
  for (let p = start; p < end; p++) {
    const d = b[p]! - 0x30;
    if (d < 0 || d > 9) return 'syntax';
    v = v * 10 + d;
  }
  if (end - start <= SAFE_DIGITS) return v;
  const big = BigInt(latin1.decode(b.subarray(start, end)));
  if (big > MAX_U64) return 'range';
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** asciiText is the text of b[start:end], which is short and almost always ASCII. */
function asciiText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let p = start; p < end; p++) {
    const c = b[p]!;
    if (c >= 0x80) return new TextDecoder().decode(b.subarray(start, end));
    s += String.fromCharCode(c);
  }
  return s;
}

/** sameAscii says whether b[start:end] spells the ASCII string name. */
function sameAscii(b: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (b[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * TextReader reads raw text as Go's raw.TextReader does: line by line,
 * skipping lines without a token (blank lines and `#` comments), with tokens
 * separated by Unicode white space. It keeps the current line and a reading
 * position in it.
 */
class TextReader {
  private readonly b: Uint8Array;
  /** line is the number of the current line. */
  line: number;
  /** next is where the line after the current one starts. */
  private next = 0;
  private lineStart = 0;
  private lineEnd = 0;
  /** p is the reading position in the current line. */
  private p = 0;
  private tokStart = 0;
  private tokEnd = 0;
  /** version is the trace's format version, from the header. */
  version = 0;

  constructor(b: Uint8Array, firstLine: number) {
    this.b = b;
    this.line = firstLine - 1;
  }

  /** fail stops the reading with Go's message, at line (the current one by default). */
  fail(message: string, line = this.line): never {
    throw new TextError(line, message);
  }

  /**
   * nextLine moves to the next line that has a token, as Go's nextLine, and
   * returns false at the end of the input. A line too long for Go's
   * bufio.Scanner stops the reading there, as it stops Go's.
   */
  nextLine(): boolean {
    const b = this.b;
    while (this.next < b.length) {
      const nl = b.indexOf(0x0a, this.next);
      const end = nl < 0 ? b.length : nl;
      this.line++;
      if (end - this.next >= MAX_LINE) this.fail('bufio.Scanner: token too long');
      this.lineStart = this.p = this.next;
      this.lineEnd = end > this.next && b[end - 1] === 0x0d ? end - 1 : end;
      this.next = nl < 0 ? b.length : nl + 1;
      if (this.token()) {
        this.p = this.lineStart;
        return true;
      }
    }
    return false;
  }

  /**
   * token reads the next token of the line, as Go's readToken: false (and
   * nothing left of the line) where only white space or a `#` comes first.
   */
  token(): boolean {
    const b = this.b;
    const end = this.lineEnd;
    let p = this.p;
    while (p < end) {
      const c = b[p]!;
      if (c === 0x23) break;
      const w = c < 0x80 ? (c === 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0) : spaceAt(b, p);
      if (w === 0) {
        this.tokStart = p;
        this.tokEnd = this.p = tokenEnd(b, p, end);
        return true;
      }
      p += w;
    }
    this.p = end;
    return false;
  }

  /** tokenText is the last token read. */
  tokenText(): string {
    return asciiText(this.b, this.tokStart, this.tokEnd);
  }

  /** tokenHash is nameHash of the last token read. */
  tokenHash(): number {
    return nameHash(this.b, this.tokStart, this.tokEnd);
  }

  /** tokenIs says whether the last token read spells name. */
  tokenIs(name: string): boolean {
    return sameAscii(this.b, this.tokStart, this.tokEnd, name);
  }

  /** restIsSpace says whether the rest of the line is only white space. */
  restIsSpace(): boolean {
    for (let p = this.p; p < this.lineEnd; ) {
      const w = spaceAt(this.b, p);
      if (w === 0) return false;
      p += w;
    }
    return true;
  }

  /** rest is the rest of the line, as Go quotes it. */
  rest(): string {
    return quote(this.b.subarray(this.p, this.lineEnd));
  }

  /**
   * readArgs reads `name=value` arguments named names, in order, onto args,
   * as Go's readArgs; it returns Go's message on failure.
   */
  readArgs(names: readonly string[], args: U64[]): string | undefined {
    const b = this.b;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (!this.token()) return 'no argument';
      let eq = this.tokStart;
      while (eq < this.tokEnd && b[eq] !== 0x3d) eq++;
      if (eq === this.tokEnd) return `malformed argument: ${quote(b.subarray(this.tokStart, this.tokEnd))}`;
      const value = parseUint(b, eq + 1, this.tokEnd);
      if (typeof value === 'string') {
        const arg = quote(b.subarray(this.tokStart, eq));
        return `failed to parse argument value ${quote(b.subarray(eq + 1, this.tokEnd))} for arg ${arg}`;
      }
      if (!sameAscii(b, this.tokStart, eq, name)) {
        return `expected argument ${quote(name)}, but got ${quote(b.subarray(this.tokStart, eq))}`;
      }
      args.push(value);
    }
    if (!this.restIsSpace()) return `encountered unexpected non-space at the end of an event: ${this.rest()}`;
    return undefined;
  }

  /**
   * readData reads the line `data=<Go string literal>` that follows an event
   * with a trailer, as Go's readData: the whole line is split at its first
   * `=`, and each side trimmed of white space.
   */
  readData(): Uint8Array {
    const b = this.b;
    const line = b.subarray(this.lineStart, this.lineEnd);
    const eq = line.indexOf(0x3d);
    const [ks, ke] = eq < 0 ? [0, 0] : trimSpace(line, 0, eq);
    if (eq < 0 || !sameAscii(line, ks, ke, 'data')) this.fail(`malformed data: ${quote(line)}`);
    const [vs, ve] = trimSpace(line, eq + 1, line.length);
    const data = unquote(line.subarray(vs, ve));
    if (data === undefined) this.fail(`failed to parse data: ${quote(line)}: invalid syntax`);
    return data;
  }
}

/** The versions Go's text reader accepts in a header, old formats included. */
const KNOWN_VERSIONS = new Set<number>([...OLD_VERSIONS, ...VERSIONS]);

/**
 * readHeader reads the `Trace Go1.XX` line as Go's NewTextReader, and
 * returns the version. Go converts the number to 32 bits before checking it.
 */
function readHeader(r: TextReader): number {
  if (!r.nextLine()) r.fail('EOF', r.line + 1);
  r.token();
  if (r.tokenText() !== 'Trace') r.fail('failed to parse header');
  const gover = r.token() ? r.tokenText() : '';
  if (!gover.startsWith('Go1.')) r.fail('failed to parse header Go version');
  const digits = new TextEncoder().encode(gover.slice(4));
  const raw = parseUint(digits, 0, digits.length);
  if (typeof raw === 'string') {
    const why = raw === 'syntax' ? 'invalid syntax' : 'value out of range';
    r.fail(`failed to parse header Go version: strconv.ParseUint: parsing ${quote(digits)}: ${why}`);
  }
  const v = Number(BigInt.asUintN(32, BigInt(raw)));
  if (!KNOWN_VERSIONS.has(v)) r.fail(`unknown or unsupported Go version 1.${v}`);
  if (!r.restIsSpace()) r.fail(`encountered unexpected non-space at the end of the header: ${r.rest()}`);
  return v;
}

/** nameHash is a hash of the bytes b[start:end], to look event names up by without making strings. */
function nameHash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let p = start; p < end; p++) h = Math.imul(h ^ b[p]!, 0x01000193);
  return h >>> 0;
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
