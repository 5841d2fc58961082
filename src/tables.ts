// A generation's tables: its strings, its stacks and their frames, and its
// clock snapshot, from the core's tables blob (assembly/README.md).
//
// The blob is copied once per generation, so that events handed to users never
// point into WebAssembly memory. Strings and stacks are decoded only when
// asked for, and each is decoded once per generation: traces refer to the same
// few hundred strings and stacks over and over.
import { formatUnixNano, normalizeUnix } from './gotime';
import { hex, i64, type Int64, normalize, u64 } from './int64';
import { type ClockSnapshot, type StackFrame } from './kinds';
import { decodeRune, quote } from './quote';

/** The size in bytes of the blob's header. */
const HEADER_SIZE = 80;
const STRING_ENTRY_SIZE = 16;
const STACK_ENTRY_SIZE = 16;
const FRAME_SIZE = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** EMPTY is the text of no stack, as bytes. */
const EMPTY = new Uint8Array(0);

/** MISSING is the entry index of IDs that the table does not have. */
const MISSING = -1;

/**
 * Tables is one generation's string and stack tables. Lookups by ID return
 * undefined for IDs the table does not have; the core has checked every ID an
 * event refers to, as Go's reader does, so events never meet that case.
 */
export class Tables {
  /** generation is the generation number from the trace's batch headers. */
  readonly generation: Int64;
  /** frequency is the trace clock's nanoseconds per tick in this generation. */
  readonly frequency: number;
  /** clockSnapshot is the generation's clock snapshot, or null where it has none (before Go 1.25). */
  readonly clockSnapshot: ClockSnapshot | null;
  /** hasRawStrings is true when some string decoded so far is not valid UTF-8. */
  hasRawStrings = false;

  private readonly bytes: Uint8Array;
  private readonly words: DataView;
  private readonly nStrings: number;
  private readonly nStacks: number;
  private readonly stringEntries: number;
  private readonly stackEntries: number;
  private readonly frames: number;
  private readonly stringBytes: number;

  private stringIndex: Map<Int64, number> | null = null;
  private stackIndex: Map<Int64, number> | null = null;
  private readonly strings: (string | undefined)[] = [];
  private readonly rawStrings: (string | undefined)[] = [];
  private readonly quotedStrings: (string | undefined)[] = [];
  private readonly stackFrames: (StackFrame[] | undefined)[] = [];
  private readonly stackTexts: (string | undefined)[] = [];
  private readonly rawStackTexts: (string | undefined)[] = [];
  private readonly rawStackBytes: (Uint8Array | undefined)[] = [];

  /** Tables copies `blob`, the core's tables blob of one generation. */
  constructor(blob: Uint8Array) {
    this.bytes = blob.slice();
    const v = (this.words = new DataView(this.bytes.buffer));
    this.nStrings = v.getUint32(0, true);
    this.nStacks = v.getUint32(4, true);
    this.stringEntries = v.getUint32(12, true);
    this.stackEntries = v.getUint32(16, true);
    this.frames = v.getUint32(20, true);
    this.stringBytes = v.getUint32(24, true);
    this.frequency = v.getFloat64(32, true);
    this.generation = this.i64At(40);
    this.clockSnapshot = v.getUint32(28, true) & 1 ? this.readClockSnapshot() : null;
  }

  private u64At(at: number): Int64 {
    return u64(this.words.getUint32(at, true), this.words.getUint32(at + 4, true));
  }

  private i64At(at: number): Int64 {
    return i64(this.words.getUint32(at, true), this.words.getInt32(at + 4, true));
  }

  private readClockSnapshot(): ClockSnapshot {
    const [sec, nsec] = normalizeUnix(this.words.getBigInt64(64, true), this.words.getBigInt64(72, true));
    const wall = formatUnixNano(sec, nsec);
    return { trace: this.i64At(48), mono: this.u64At(56), wallSeconds: normalize(sec), wallNanoseconds: Number(nsec), wall };
  }

  /** buildIndex maps the IDs of `count` entries at `base` to their positions. */
  private buildIndex(base: number, count: number, size: number): Map<Int64, number> {
    const index = new Map<Int64, number>();
    for (let i = 0; i < count; i++) index.set(this.u64At(base + i * size), i);
    return index;
  }

  private stringAt(id: Int64): number {
    if (id === 0) return MISSING;
    this.stringIndex ??= this.buildIndex(this.stringEntries, this.nStrings, STRING_ENTRY_SIZE);
    return this.stringIndex.get(id) ?? MISSING;
  }

  /** stringBytesOf is the bytes of the string at entry `i` (a view into the copy). */
  private stringBytesOf(i: number): Uint8Array {
    const at = this.stringEntries + i * STRING_ENTRY_SIZE;
    const start = this.stringBytes + this.words.getUint32(at + 8, true);
    return this.bytes.subarray(start, start + this.words.getUint32(at + 12, true));
  }

  private decode(i: number): void {
    const b = this.stringBytesOf(i);
    try {
      this.strings[i] = this.rawStrings[i] = utf8.decode(b);
    } catch {
      this.hasRawStrings = true;
      [this.strings[i], this.rawStrings[i]] = decodeLossy(b);
    }
  }

  /**
   * string is the string with ID `id` ("" for ID 0), with U+FFFD for bytes that
   * are not UTF-8; undefined where the table has no such ID.
   */
  string(id: Int64): string | undefined {
    const i = this.stringAt(id);
    if (i === MISSING) return id === 0 ? '' : undefined;
    if (this.strings[i] === undefined) this.decode(i);
    return this.strings[i];
  }

  /**
   * rawString is like string, but keeps each byte that is not UTF-8 as a lone
   * surrogate U+DC80..U+DCFF, so that writers can print the exact bytes (see
   * encodeRaw).
   */
  rawString(id: Int64): string | undefined {
    const i = this.stringAt(id);
    if (i === MISSING) return id === 0 ? '' : undefined;
    if (this.rawStrings[i] === undefined) this.decode(i);
    return this.rawStrings[i];
  }

  /** quoted is the string with ID `id` as Go's %q prints its bytes. */
  quoted(id: Int64): string | undefined {
    const i = this.stringAt(id);
    if (i === MISSING) return id === 0 ? '""' : undefined;
    return (this.quotedStrings[i] ??= quote(this.stringBytesOf(i)));
  }

  private stackAt(id: Int64): number {
    if (id === 0) return MISSING;
    this.stackIndex ??= this.buildIndex(this.stackEntries, this.nStacks, STACK_ENTRY_SIZE);
    return this.stackIndex.get(id) ?? MISSING;
  }

  /**
   * stack is the frames of the stack with ID `id`, innermost first (none for
   * ID 0); undefined where the table has no such ID. The array is shared by
   * every event with that stack: treat it as read-only.
   */
  stack(id: Int64): readonly StackFrame[] | undefined {
    const i = this.stackAt(id);
    if (i === MISSING) return id === 0 ? [] : undefined;
    return (this.stackFrames[i] ??= this.readFrames(i, false));
  }

  private readFrames(i: number, raw: boolean): StackFrame[] {
    const at = this.stackEntries + i * STACK_ENTRY_SIZE;
    const first = this.words.getUint32(at + 8, true);
    const count = this.words.getUint32(at + 12, true);
    const frames: StackFrame[] = [];
    for (let f = first; f < first + count; f++) {
      const p = this.frames + f * FRAME_SIZE;
      const name = (id: Int64) => (raw ? this.rawString(id) : this.string(id)) ?? '';
      frames.push({ pc: this.u64At(p), func: name(this.u64At(p + 8)), file: name(this.u64At(p + 16)), line: this.u64At(p + 24) });
    }
    return frames;
  }

  /**
   * stackText is the stack with ID `id` as Go prints a stack inside an
   * event: two tab-indented lines per frame. With `raw`, strings keep their
   * bytes that are not UTF-8 (see rawString).
   */
  stackText(id: Int64, raw = false): string {
    const i = this.stackAt(id);
    if (i === MISSING) return '';
    const cache = raw ? this.rawStackTexts : this.stackTexts;
    let text = cache[i];
    if (text === undefined) {
      // Joined, not concatenated: a flat string, which events print without walking pieces.
      text = (raw ? this.readFrames(i, true) : this.stack(id)!)
        .map((f) => `\t${f.func} @ 0x${hex(f.pc)}\n\t\t${f.file}:${f.line}\n`).join('');
      cache[i] = text;
    }
    return text;
  }

  /**
   * stackBytes is stackText(id, true) as UTF-8 bytes, bytes that are not
   * UTF-8 included: what writers of exact output copy for each event.
   */
  stackBytes(id: Int64): Uint8Array {
    const i = this.stackAt(id);
    if (i === MISSING) return EMPTY;
    return (this.rawStackBytes[i] ??= encodeRaw(this.stackText(id, true)));
  }
}

/**
 * decodeLossy decodes bytes that are not all valid UTF-8 twice: with U+FFFD
 * for each bad byte (as users expect), and with U+DC80 + byte (so that the
 * byte can be written back as itself).
 */
function decodeLossy(b: Uint8Array): [string, string] {
  let lossy = '';
  let raw = '';
  for (let p = 0; p < b.length;) {
    const r = decodeRune(b, p);
    if (r < 0) {
      lossy += '\ufffd';
      raw += String.fromCharCode(0xdc00 + b[p]!);
      p++;
      continue;
    }
    const s = String.fromCodePoint(r >>> 3);
    lossy += s;
    raw += s;
    p += r & 7;
  }
  return [lossy, raw];
}

/**
 * encodeInto writes `text` into `out` at `at` as UTF-8 and returns where it
 * ended; lone surrogates U+DC80..U+DCFF (bytes kept by rawString) are written
 * as the bytes they stand for, other lone surrogates as U+FFFD. `out` needs
 * room for 3 bytes per UTF-16 unit.
 */
export function encodeInto(text: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const lo = c <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        out[p++] = 0xf0 | (c >> 18);
        out[p++] = 0x80 | ((c >> 12) & 63);
        out[p++] = 0x80 | ((c >> 6) & 63);
        out[p++] = 0x80 | (c & 63);
        continue;
      }
      if (c >= 0xdc80 && c <= 0xdcff) {
        out[p++] = c - 0xdc00;
        continue;
      }
      c = 0xfffd;
    }
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 63);
    out[p++] = 0x80 | (c & 63);
  }
  return p;
}

/** encodeRaw is `text` as UTF-8 bytes, the bytes kept by rawString included (see encodeInto). */
export function encodeRaw(text: string): Uint8Array {
  const out = new Uint8Array(3 * text.length);
  return out.subarray(0, encodeInto(text, out, 0));
}
