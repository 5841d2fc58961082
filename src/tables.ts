// A generation's tables: its strings, its stacks and their frames, and its
// clock snapshot, from the core's tables blob (assembly/README.md).
//
// For the Go 1.22+ formats the core keeps every string and stack once, across
// generations, in its store (assembly/intern.ts), and events carry store IDs:
// a generation's Tables is then its header and the store, read in place and
// copied out only when the core retires it. An old trace's one generation
// comes with its tables in the blob, which is copied. Strings and stacks are
// decoded only when asked for, and each once.
import { formatUnixNano, normalizeUnix } from './gotime';
import { hex, i64, type Int64, normalize, u64 } from './int64';
import type { ClockSnapshot, StackFrame } from './kinds';
import { decodeRune, quote } from './quote';
import type { Core } from '../bindings/index';
import {
  STRING_ENTRY_SIZE,
  STRING_ENTRY_ID,
  STRING_ENTRY_OFFSET,
  STRING_ENTRY_LENGTH,
  STACK_ENTRY_SIZE,
  STACK_ENTRY_ID,
  STACK_ENTRY_FIRST,
  STACK_ENTRY_COUNT,
  FRAME_SIZE,
  FRAME_PC,
  FRAME_FUNC,
  FRAME_FILE,
  FRAME_LINE,
  STORE_ENTRY_SIZE,
  STORE_ENTRY_OFFSET,
  STORE_ENTRY_LENGTH,
  STORE_INFO_EPOCH,
  STORE_INFO_STRINGS,
  STORE_INFO_STACKS,
  STORE_INFO_FRAMES,
  STORE_INFO_STRING_ENTRIES,
  STORE_INFO_STACK_ENTRIES,
  STORE_INFO_FRAMES_AT,
  STORE_INFO_BYTES_AT,
  STORE_INFO_BYTES_LENGTH,
  TABLES_STRINGS,
  TABLES_STACKS,
  TABLES_STRINGS_AT,
  TABLES_STACKS_AT,
  TABLES_FRAMES_AT,
  TABLES_BYTES_AT,
  TABLES_FLAGS,
  TABLES_HAS_SNAPSHOT,
  TABLES_STORE_IDS,
  TABLES_FREQUENCY,
  TABLES_GENERATION,
  TABLES_EPOCH,
  TABLES_SNAP_TRACE,
  TABLES_SNAP_MONO,
  TABLES_SNAP_SEC,
  TABLES_SNAP_NSEC,
} from '../bindings/abi';

/** STORE_INFO_FIELDS are the store descriptor's fields in the order StoreEntries.info lists them. */
const STORE_INFO_FIELDS = [
  STORE_INFO_EPOCH,
  STORE_INFO_STRINGS,
  STORE_INFO_STACKS,
  STORE_INFO_FRAMES,
  STORE_INFO_STRING_ENTRIES,
  STORE_INFO_STACK_ENTRIES,
  STORE_INFO_FRAMES_AT,
  STORE_INFO_BYTES_AT,
  STORE_INFO_BYTES_LENGTH,
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** EMPTY is the text of no stack, as bytes. */
const EMPTY = new Uint8Array(0);

/** MISSING is the entry index of IDs that the table does not have. */
const MISSING = -1;

/**
 * Entries reads strings and stacks laid out as the core lays them out
 * (string entries, stack entries, frames, string bytes: assembly/README.md),
 * decoding each only when asked for, and once: events refer to the same few
 * hundred strings and stacks over and over. How an ID finds its entry, and
 * where the bytes are, is the subclass's.
 */
abstract class Entries {
  /** hasRawStrings is true when some string decoded so far is not valid UTF-8. */
  hasRawStrings = false;

  protected bytes: Uint8Array = EMPTY;
  protected words: DataView = new DataView(EMPTY.buffer);
  protected stringEntries = 0;
  protected stackEntries = 0;
  protected frames = 0;
  protected stringBytes = 0;
  /** entrySize is the size of a string or stack entry; the rest are where an
   * entry's fields lie (a blob's entries by default, see STRING_ENTRY_* and
   * STACK_ENTRY_*; a store's have no ID). */
  protected entrySize = STRING_ENTRY_SIZE;
  protected stringOffset = STRING_ENTRY_OFFSET;
  protected stringLength = STRING_ENTRY_LENGTH;
  protected stackFirst = STACK_ENTRY_FIRST;
  protected stackCount = STACK_ENTRY_COUNT;

  private readonly strings: (string | undefined)[] = [];
  private readonly rawStrings: (string | undefined)[] = [];
  private readonly quotedStrings: (string | undefined)[] = [];
  private readonly stackFrames: (StackFrame[] | undefined)[] = [];
  private readonly stackTexts: (string | undefined)[] = [];
  private readonly rawStackTexts: (string | undefined)[] = [];
  private readonly rawStackBytes: (Uint8Array | undefined)[] = [];

  /** stringAt is the entry of string `id`, MISSING where there is none (ID 0 included). */
  protected abstract stringAt(id: Int64): number;
  /** stackAt is the entry of stack `id`, MISSING where there is none (ID 0 included). */
  protected abstract stackAt(id: Int64): number;
  /** sync makes bytes, words and the offsets current before they are read. */
  protected sync(): void {}

  protected u64At(at: number): Int64 {
    return u64(this.words.getUint32(at, true), this.words.getUint32(at + 4, true));
  }

  /** stringBytesOf is the bytes of the string at entry `i` (a view, valid until the next sync). */
  private stringBytesOf(i: number): Uint8Array {
    this.sync();
    const at = this.stringEntries + i * this.entrySize;
    const start = this.stringBytes + this.words.getUint32(at + this.stringOffset, true);
    return this.bytes.subarray(start, start + this.words.getUint32(at + this.stringLength, true));
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
    this.sync();
    const at = this.stackEntries + i * this.entrySize;
    const first = this.words.getUint32(at + this.stackFirst, true);
    const count = this.words.getUint32(at + this.stackCount, true);
    const frames: StackFrame[] = [];
    for (let f = first; f < first + count; f++) {
      // Read the frame before its strings: decoding one may sync, and move the frames.
      const p = this.frames + f * FRAME_SIZE;
      const pc = this.u64At(p + FRAME_PC),
        func = this.u64At(p + FRAME_FUNC),
        file = this.u64At(p + FRAME_FILE),
        line = this.u64At(p + FRAME_LINE);
      const name = (id: Int64) => (raw ? this.rawString(id) : this.string(id)) ?? '';
      frames.push({ pc, func: name(func), file: name(file), line });
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
      text = (raw ? this.readFrames(i, true) : this.stack(id)!).map((f) => `\t${f.func} @ 0x${hex(f.pc)}\n\t\t${f.file}:${f.line}\n`).join('');
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
 * BlobEntries are the strings and stacks a generation's tables blob lists
 * under the trace's own IDs (the old formats'), from a copy of the blob.
 */
class BlobEntries extends Entries {
  private readonly nStrings: number;
  private readonly nStacks: number;
  private stringIndex: Map<Int64, number> | null = null;
  private stackIndex: Map<Int64, number> | null = null;

  constructor(bytes: Uint8Array) {
    super();
    this.bytes = bytes;
    const v = (this.words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.nStrings = v.getUint32(TABLES_STRINGS, true);
    this.nStacks = v.getUint32(TABLES_STACKS, true);
    this.stringEntries = v.getUint32(TABLES_STRINGS_AT, true);
    this.stackEntries = v.getUint32(TABLES_STACKS_AT, true);
    this.frames = v.getUint32(TABLES_FRAMES_AT, true);
    this.stringBytes = v.getUint32(TABLES_BYTES_AT, true);
  }

  /** buildIndex maps the IDs of `count` entries at `base` to their positions. */
  private buildIndex(base: number, count: number, size: number): Map<Int64, number> {
    const index = new Map<Int64, number>();
    for (let i = 0; i < count; i++) index.set(this.u64At(base + i * size), i);
    return index;
  }

  protected override stringAt(id: Int64): number {
    if (id === 0) return MISSING;
    this.stringIndex ??= this.buildIndex(this.stringEntries + STRING_ENTRY_ID, this.nStrings, STRING_ENTRY_SIZE);
    return this.stringIndex.get(id) ?? MISSING;
  }

  protected override stackAt(id: Int64): number {
    if (id === 0) return MISSING;
    this.stackIndex ??= this.buildIndex(this.stackEntries + STACK_ENTRY_ID, this.nStacks, STACK_ENTRY_SIZE);
    return this.stackIndex.get(id) ?? MISSING;
  }
}

/**
 * Store is the core's store of one epoch (assembly/intern.ts): every string
 * and stack of the generations of that epoch, each once, under the store IDs
 * their events carry (ID n is entry n - 1). While the epoch lasts, the store
 * is read in place, in the core's memory, where it grows; once the core
 * retires it (or the reading ends), detach copies it out, so that the events
 * that still refer to it never read memory the core has reused.
 */
export class Store {
  /** @internal entries reads the store; the Tables of its generations share it, and with it their decoded strings and stacks. */
  readonly entries: StoreEntries;

  /**
   * The constructor takes the core whose live store is epoch `epoch`.
   * @param epoch epoch is the number of the epoch whose strings and stacks the store holds.
   */
  constructor(
    core: Core,
    readonly epoch: number,
  ) {
    this.entries = new StoreEntries(core, epoch);
  }

  /**
   * detach copies the store out of the core, where the core has begun a new
   * epoch or the reading has ended; once.
   */
  detach(): void {
    this.entries.detach();
  }
}

/** StoreEntries reads a store (see Store). */
class StoreEntries extends Entries {
  private nStrings = 0;
  private nStacks = 0;

  constructor(
    private core: Core | null,
    private readonly epoch: number,
  ) {
    super();
    this.entrySize = STORE_ENTRY_SIZE;
    this.stringOffset = this.stackFirst = STORE_ENTRY_OFFSET;
    this.stringLength = this.stackCount = STORE_ENTRY_LENGTH;
  }

  protected override stringAt(id: Int64): number {
    if (typeof id !== 'number' || id <= 0) return MISSING;
    if (id > this.nStrings) this.sync();
    return id <= this.nStrings ? id - 1 : MISSING;
  }

  protected override stackAt(id: Int64): number {
    if (typeof id !== 'number' || id <= 0) return MISSING;
    if (id > this.nStacks) this.sync();
    return id <= this.nStacks ? id - 1 : MISSING;
  }

  /**
   * info reads the descriptor of this epoch's store (assembly/README.md): the
   * core's live store, or its retired one where the core has begun a new
   * epoch that the reader has not seen (a generation that failed after its
   * tables were read), which the core keeps until the epoch after.
   */
  private info(core: Core): number[] {
    for (const which of [0, 1]) {
      const at = core.exports.storeInfo(which);
      const info = STORE_INFO_FIELDS.map((field) => core.views.dv.getUint32(at + field, true));
      if (info[0] === this.epoch) return info;
    }
    throw new Error(`internal error: the core has no store of epoch ${this.epoch}`);
  }

  protected override sync(): void {
    if (this.core === null) return;
    const [, nStrings, nStacks, , strings, stacks, frames, bytes] = this.info(this.core);
    this.nStrings = nStrings!;
    this.nStacks = nStacks!;
    this.bytes = this.core.views.u8;
    this.words = this.core.views.dv;
    this.stringEntries = strings!;
    this.stackEntries = stacks!;
    this.frames = frames!;
    this.stringBytes = bytes!;
  }

  /** detach copies the store out of the core, once. */
  detach(): void {
    const core = this.core;
    if (core === null) return;
    const [, nStrings, nStacks, nFrames, strings, stacks, frames, bytes, nBytes] = this.info(core);
    this.core = null;
    const parts: [number, number][] = [
      [strings!, nStrings! * STORE_ENTRY_SIZE],
      [stacks!, nStacks! * STORE_ENTRY_SIZE],
      [frames!, nFrames! * FRAME_SIZE],
      [bytes!, nBytes!],
    ];
    const copy = new Uint8Array(parts.reduce((n, [, len]) => n + len, 0));
    const offsets: number[] = [];
    let at = 0;
    for (const [from, len] of parts) {
      offsets.push(at);
      copy.set(core.views.u8.subarray(from, from + len), at);
      at += len;
    }
    this.nStrings = nStrings!;
    this.nStacks = nStacks!;
    this.bytes = copy;
    this.words = new DataView(copy.buffer);
    [this.stringEntries, this.stackEntries, this.frames, this.stringBytes] = offsets as [number, number, number, number];
  }
}

/**
 * Tables is one generation's string and stack tables. Lookups by ID return
 * undefined for IDs the table does not have; the core has checked every ID an
 * event refers to, as Go's reader does, so events never meet that case. The
 * IDs are those the generation's events carry: for the Go 1.22+ formats, the
 * IDs of the core's store (shared by the generations of an epoch), for the
 * old ones, the trace's own.
 */
export class Tables {
  /** generation is the generation number from the trace's batch headers. */
  readonly generation: Int64;
  /** frequency is the trace clock's nanoseconds per tick in this generation. */
  readonly frequency: number;
  /** clockSnapshot is the generation's clock snapshot, or null where it has none (before Go 1.25). */
  readonly clockSnapshot: ClockSnapshot | null;
  /** store is the store whose IDs the generation's events carry, null where they carry the trace's own. */
  readonly store: Store | null;

  private readonly entries: Entries;

  /**
   * The constructor reads `blob`, the core's tables blob of one generation.
   * Where the blob says its events carry store IDs, `storeOf` gives the store
   * of the epoch it names; otherwise the Tables keeps a copy of the blob's
   * own tables.
   */
  constructor(blob: Uint8Array, storeOf: ((epoch: number) => Store) | null = null) {
    const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const flags = v.getUint32(TABLES_FLAGS, true);
    this.frequency = v.getFloat64(TABLES_FREQUENCY, true);
    this.generation = i64(v.getUint32(TABLES_GENERATION, true), v.getInt32(TABLES_GENERATION + 4, true));
    this.clockSnapshot = flags & TABLES_HAS_SNAPSHOT ? readClockSnapshot(v) : null;
    if (flags & TABLES_STORE_IDS) {
      if (storeOf === null) throw new Error('internal error: a generation whose events carry store IDs came without its store');
      this.store = storeOf(v.getUint32(TABLES_EPOCH, true));
      this.entries = this.store.entries;
    } else {
      this.store = null;
      this.entries = new BlobEntries(blob.slice());
    }
  }

  /** hasRawStrings is true when some string decoded so far is not valid UTF-8. */
  get hasRawStrings(): boolean {
    return this.entries.hasRawStrings;
  }

  /** string is the string with ID `id` ("" for ID 0), with U+FFFD for bytes that are not UTF-8; undefined where the table has no such ID. */
  string(id: Int64): string | undefined {
    return this.entries.string(id);
  }

  /** rawString is like string, but keeps each byte that is not UTF-8 as a lone surrogate U+DC80..U+DCFF (see encodeRaw). */
  rawString(id: Int64): string | undefined {
    return this.entries.rawString(id);
  }

  /** quoted is the string with ID `id` as Go's %q prints its bytes. */
  quoted(id: Int64): string | undefined {
    return this.entries.quoted(id);
  }

  /** stack is the frames of the stack with ID `id`, innermost first (none for ID 0); undefined where the table has no such ID. Shared: treat it as read-only. */
  stack(id: Int64): readonly StackFrame[] | undefined {
    return this.entries.stack(id);
  }

  /** stackText is the stack with ID `id` as Go prints a stack inside an event; with `raw`, strings keep their bytes that are not UTF-8. */
  stackText(id: Int64, raw = false): string {
    return this.entries.stackText(id, raw);
  }

  /** stackBytes is stackText(id, true) as UTF-8 bytes: what writers of exact output copy for each event. */
  stackBytes(id: Int64): Uint8Array {
    return this.entries.stackBytes(id);
  }
}

/** readClockSnapshot reads the clock snapshot of the blob header `v`. */
function readClockSnapshot(v: DataView): ClockSnapshot {
  const [sec, nsec] = normalizeUnix(v.getBigInt64(TABLES_SNAP_SEC, true), v.getBigInt64(TABLES_SNAP_NSEC, true));
  return {
    trace: i64(v.getUint32(TABLES_SNAP_TRACE, true), v.getInt32(TABLES_SNAP_TRACE + 4, true)),
    mono: u64(v.getUint32(TABLES_SNAP_MONO, true), v.getUint32(TABLES_SNAP_MONO + 4, true)),
    wallSeconds: normalize(sec),
    wallNanoseconds: Number(nsec),
    wall: formatUnixNano(sec, nsec),
  };
}

/**
 * decodeLossy decodes bytes that are not all valid UTF-8 twice: with U+FFFD
 * for each bad byte (as users expect), and with U+DC80 + byte (so that the
 * byte can be written back as itself).
 */
function decodeLossy(b: Uint8Array): [string, string] {
  let lossy = '';
  let raw = '';
  for (let p = 0; p < b.length; ) {
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
