/**
 * The wire listing: a trace's raw events one after another, as Go's
 * `internal/trace/raw` reader reads them and `go tool trace -d=wire` prints
 * them. No batch framing, no ordering, no validation beyond the event types:
 * it shows what is in the file, which is what one wants from a broken one.
 */
import { type Core, loadSync, END, ERROR, RAW_TYPE, RAW_NARGS, RAW_DATA_LEN, RAW_DATA_PTR, RAW_ARGS } from '../bindings/index';
import { FRAME_FIELDS, specFor } from '../format/events.mjs';
import { quote } from './quote';
import { decompressing } from './compression';
import { type TraceError, asTraceError, coreError } from './errors';

/** RawEvent is one event of the wire listing. */
export interface RawEvent {
  /** type is the event's type byte. */
  type: number;
  /** name is Go's name of the type in the trace's format ('' for a type its table leaves unnamed). */
  name: string;
  /** argNames are the names of the arguments the spec lists, in wire order. */
  argNames: readonly string[];
  /** args are the arguments in wire order, then, for a stack-table entry, four per frame (pc, func, file, line). */
  args: bigint[];
  /** data is the data trailer, or null where there is none (or it is empty, as Go has it). */
  data: Uint8Array | null;
  /** text is the event as `go tool trace -d=wire` prints it (Go's raw.Event.String()). */
  text: string;
}

/** How one event type prints, in one format version. */
interface TypeText {
  name: string;
  argNames: string[];
  /** ' name=' for each argument: the text that comes before its value. */
  labels: string[];
}

// Values of u64 arguments below 2^53 print through number, the rest through bigint.
const TWO_32 = 4294967296;
const TWO_21 = 0x200000;

/**
 * WireReader lists the raw events of one trace fed to it in chunks. Feed
 * chunks with `feed()`, say `close()` after the last, and take events with
 * `next()` or text with `text()` in between. A reading that fails gives every
 * event before the damage first, then throws a TraceError (Go's wording in
 * its `goMessage`) on every later call.
 */
export class WireReader {
  private readonly core: Core;
  private types: TypeText[] | null = null;
  // The records of the last call not handed out yet: how many, and where the next is.
  private left = 0;
  private cursor = 0;
  private ended = false;
  private failure: TraceError | null = null;

  /** The constructor takes a core of its own (a new one if none is given). */
  constructor(core: Core = loadSync()) {
    this.core = core;
  }

  /** feed queues the next chunk of the trace; keep it unmodified until it is read. */
  feed(chunk: Uint8Array): void {
    this.core.feed(chunk);
  }

  /** close says that the trace has no more bytes. */
  close(): void {
    this.core.close();
  }

  /** done reports whether the listing is over (read to its end or failed). */
  get done(): boolean {
    return this.ended || this.failure !== null;
  }

  /** version is the trace's format version once the header has been read, else 0. */
  get version(): number {
    return this.core.version();
  }

  /** next returns the next event, or null where the reader needs more input
   * (or, once `done`, where the listing is over). */
  next(): RawEvent | null {
    const r = this.take();
    if (r < 0) return null;
    const { u8, dv } = this.core.views;
    const t = this.typeText(dv.getUint32(r + RAW_TYPE, true));
    const n = dv.getUint32(r + RAW_NARGS, true);
    const args: bigint[] = [];
    for (let i = 0; i < n; i++) args.push(dv.getBigUint64(r + RAW_ARGS + 8 * i, true));
    const len = dv.getUint32(r + RAW_DATA_LEN, true);
    const ptr = dv.getUint32(r + RAW_DATA_PTR, true);
    return {
      type: dv.getUint32(r + RAW_TYPE, true),
      name: t.name,
      argNames: t.argNames,
      args,
      data: len > 0 ? u8.slice(ptr, ptr + len) : null,
      text: this.format(r),
    };
  }

  /** text returns the listing of the events that can be read now, each line
   * ended by a newline, stopping after about `max` characters. It returns ''
   * where it needs more input or the listing is over. */
  text(max = 1 << 20): string {
    let out = '';
    try {
      for (let r; out.length < max && (r = this.take()) >= 0; ) out += this.format(r) + '\n';
    } catch (e) {
      // The text before the failure comes first; the next call throws.
      if (out === '') throw e;
    }
    return out;
  }

  /** take returns the address of the next event's record, stepping the core
   * when the records of its last call are used up, or -1 where there is none
   * for now. It throws the reading's TraceError once nothing is left to give
   * before it. */
  private take(): number {
    if (this.left === 0 && !this.step()) return -1;
    const r = this.cursor;
    this.cursor += RAW_ARGS + 8 * this.core.views.dv.getUint32(r + RAW_NARGS, true);
    this.left--;
    return r;
  }

  /** step has the core read the next events and reports whether there are any. */
  private step(): boolean {
    if (this.failure) throw this.failure;
    if (this.ended) return false;
    let status: number;
    try {
      status = this.core.rawNext();
    } catch (e) {
      throw (this.failure = asTraceError(e));
    }
    if (status === END) this.ended = true;
    else if (status === ERROR) throw (this.failure = coreError(this.core.errorInfo(), this.core.version()));
    if (status <= 0) return false;
    this.left = status;
    this.cursor = this.core.exports.rawRecord();
    return true;
  }

  /** format prints the event in the record at `r` as Go's raw.Event.String(). */
  private format(r: number): string {
    const { u8, dv } = this.core.views;
    const t = this.typeText(dv.getUint32(r + RAW_TYPE, true));
    const n = dv.getUint32(r + RAW_NARGS, true);
    let s = t.name;
    const fixed = t.labels.length;
    for (let i = 0; i < n; i++) {
      const label = i < fixed ? t.labels[i] : FRAME_LABELS[(i - fixed) & 3];
      s += label + u64Text(dv, r + RAW_ARGS + 8 * i);
    }
    const len = dv.getUint32(r + RAW_DATA_LEN, true);
    if (len > 0) {
      const ptr = dv.getUint32(r + RAW_DATA_PTR, true);
      s += '\n\tdata=' + quote(u8.subarray(ptr, ptr + len));
    }
    return s;
  }

  /** typeText is how `type` prints in the trace's format. */
  private typeText(type: number): TypeText {
    this.types ??= typeTexts(this.core.version());
    return this.types[type];
  }
}

/** Frames print as "\n\tpc=.. func=.. file=.. line=..". */
const FRAME_LABELS = FRAME_FIELDS.map((f, i) => (i === 0 ? '\n\t' : ' ') + f + '=');

/** typeTexts builds how each event type prints in format `version`. Types
 * the core lets through without a spec (Go 1.26's unnamed ones) print as
 * an empty name with no arguments, as Go prints them. */
function typeTexts(version: number): TypeText[] {
  const out: TypeText[] = [];
  for (let t = 0; t < 256; t++) {
    const spec = specFor(version, t);
    const argNames = spec ? spec.args : [];
    out.push({ name: spec ? spec.name : '', argNames, labels: argNames.map((a) => ` ${a}=`) });
  }
  return out;
}

/** u64Text prints the little-endian u64 at `p` in decimal. */
function u64Text(dv: DataView, p: number): string {
  const lo = dv.getUint32(p, true);
  const hi = dv.getUint32(p + 4, true);
  if (hi === 0) return '' + lo;
  if (hi < TWO_21) return '' + (hi * TWO_32 + lo);
  return dv.getBigUint64(p, true).toString();
}

/** WireSource is what `readWire` reads: a whole trace, or its chunks. */
export type WireSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** readWire lists the raw events of a trace, read chunk by chunk (and decompressed, where compressed: see compression.ts). */
export async function* readWire(source: WireSource, core?: Core): AsyncGenerator<RawEvent> {
  const reader = new WireReader(core);
  const chunks = decompressing(source instanceof Uint8Array ? [source] : source);
  for await (const chunk of chunks) {
    reader.feed(chunk);
    for (let ev; (ev = reader.next()); ) yield ev;
  }
  reader.close();
  for (let ev; (ev = reader.next()); ) yield ev;
}
