// Go's raw text format of a trace, read as Go's raw.TextReader reads it: the
// lexical rules (lines, `#` comments, tokens separated by Unicode white space,
// `name=value` arguments, `data=` lines with a Go string literal), the header
// line, and Go's words for each way the text can be wrong. src/text.ts builds
// events on it.
import { OLD_VERSIONS, VERSIONS } from '../format/events.mjs';
import { decodeRune, quote, spaceAt, trimSpace, unquote } from './quote';

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
export type U64 = number | bigint;

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
export class TextReader {
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

  /** tokenBytes is the last token read, as bytes. */
  tokenBytes(): Uint8Array {
    return this.b.subarray(this.tokStart, this.tokEnd);
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
export function readHeader(r: TextReader): number {
  if (!r.nextLine()) r.fail('EOF', r.line + 1);
  r.token();
  if (!r.tokenIs('Trace')) r.fail('failed to parse header');
  const gover = r.token() ? r.tokenBytes() : new Uint8Array(0);
  if (!sameAscii(gover, 0, Math.min(4, gover.length), 'Go1.')) r.fail('failed to parse header Go version');
  const raw = parseUint(gover, 4, gover.length);
  if (typeof raw === 'string') {
    const why = raw === 'syntax' ? 'invalid syntax' : 'value out of range';
    r.fail(`failed to parse header Go version: strconv.ParseUint: parsing ${quote(gover.subarray(4))}: ${why}`);
  }
  const v = Number(BigInt.asUintN(32, BigInt(raw)));
  if (!KNOWN_VERSIONS.has(v)) r.fail(`unknown or unsupported Go version 1.${v}`);
  if (!r.restIsSpace()) r.fail(`encountered unexpected non-space at the end of the header: ${r.rest()}`);
  return v;
}

/** nameHash is a hash of the bytes b[start:end], to look event names up by without making strings. */
export function nameHash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let p = start; p < end; p++) h = Math.imul(h ^ b[p]!, 0x01000193);
  return h >>> 0;
}
