// The Cursor: the Reader's events without an object per event.
//
// A Reader makes an Event for every event, which is what most callers want
// and what costs most once the core is fast. Callers that only aggregate
// (count by kind, sum durations per goroutine, ...) can instead read each
// event's numbers straight from the core's records, where the core wrote
// them: the Cursor is one view that moves from record to record. Awaiting
// happens once per step of the core (up to about a thousand events), never
// per event: `fill()` is the await, `nextSync()` the per-event move.
import { RECORD_SIZE } from '../bindings/index';
import { type Decoder, Reader, type Source } from './reader';
import { Event, pointEvent } from './event';
import { i64, type Int64, u64 } from './int64';
import { type EventKind, KINDS, STACK_ARG, type StackFrame, T } from './kinds';
import { type Tables } from './tables';

/** WORDS_PER_RECORD is the size of an event record in 32-bit words. */
const WORDS_PER_RECORD = RECORD_SIZE / 4;

/**
 * Cursor reads a trace's events as Reader does (the same events, in the same
 * order, with the same values and the same errors), but through one reusable
 * view over the current event instead of an object per event. The loop:
 *
 *     const c = new Cursor(source);
 *     while (await c.fill()) while (c.nextSync()) count[c.kind]++;
 *
 * or, one await per event (simpler, slower): `while (await c.next()) ...`.
 * The getters read the current event; they are valid until the cursor moves.
 * For anything the getters lack (stacks, metric(), range(), toString()...),
 * `c.event` is the current event as an Event, the same object every time and
 * re-pointed as the cursor moves: copy what you need out of it, never keep it.
 * On malformed input, fill() and next() throw a TraceError after every event
 * before the fault has been read, as Reader does.
 */
export class Cursor {
  private readonly reader: Reader;
  private decoder: Decoder | null = null;
  private words: Uint32Array = new Uint32Array(0);
  private at = 0;
  private end = 0;
  private started = false;
  private view: Event | null = null;

  /** Cursor reads `source` (any Reader source); nothing is read until fill() or next(). */
  constructor(source: Source) {
    this.reader = new Reader(source, true);
  }

  /** open makes a Cursor over `source` and loads the core, ready to read. */
  static async open(source: Source): Promise<Cursor> {
    const c = new Cursor(source);
    c.decoder = await c.reader.start();
    return c;
  }

  /** version is the trace's format version once its header is read, else 0. */
  get version(): number {
    return this.reader.version;
  }

  /** bytesRead counts the bytes of input read so far. */
  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  /**
   * nextSync moves to the next event that is already read, without waiting:
   * false when there is none (then call fill(), which says whether the
   * trace has more).
   */
  nextSync(): boolean {
    const next = this.started ? this.at + WORDS_PER_RECORD : this.at;
    if (next >= this.end) return false;
    this.at = next;
    this.started = true;
    return true;
  }

  /**
   * fill makes sure events are waiting for nextSync(), reading the next step
   * of the trace if none are: false at the end of the trace. It throws the
   * reading's TraceError on malformed input, as Reader does.
   */
  async fill(): Promise<boolean> {
    if ((this.started ? this.at + WORDS_PER_RECORD : this.at) < this.end) return true;
    const d = (this.decoder ??= await this.reader.start());
    if (!(await this.reader.fill(d))) return false;
    this.words = d.memory;
    this.at = d.base;
    this.end = d.base + d.count * WORDS_PER_RECORD;
    this.started = false;
    return true;
  }

  /** next moves to the next event, reading on as needed: false at the end of the trace. */
  async next(): Promise<boolean> {
    return this.nextSync() || ((await this.fill()) && this.nextSync());
  }

  /** close stops reading: it lets go of the input (cancelling a stream). */
  close(): Promise<void> {
    return this.reader.close();
  }

  /** type is the current event's wire event type (0xFF for Sync events). */
  get type(): number {
    return this.words[this.at]! & 0xff;
  }

  /** kind is what the current event means (see Event.kind). */
  get kind(): EventKind {
    return KINDS[this.words[this.at]! & 0xff]!;
  }

  /** time is the current event's timestamp in nanoseconds. */
  get time(): Int64 {
    return i64(this.words[this.at + 2]!, this.words[this.at + 3]! | 0);
  }

  /** goroutine is the goroutine the current event happened on (-1: none). */
  get goroutine(): Int64 {
    return i64(this.words[this.at + 4]!, this.words[this.at + 5]! | 0);
  }

  /** proc is the proc the current event happened on (-1: none). */
  get proc(): Int64 {
    return i64(this.words[this.at + 6]!, this.words[this.at + 7]! | 0);
  }

  /** thread is the thread the current event happened on (-1: none). */
  get thread(): Int64 {
    return i64(this.words[this.at + 8]!, this.words[this.at + 9]! | 0);
  }

  /** arg is Go's argument `i` (0-3) of the current event (see Event.arg). */
  arg(i: number): Int64 {
    const w = this.at + 10 + 2 * i;
    return u64(this.words[w]!, this.words[w + 1]!);
  }

  /** args are Go's four arguments of the current event (see Event.args). */
  get args(): [Int64, Int64, Int64, Int64] {
    return [this.arg(0), this.arg(1), this.arg(2), this.arg(3)];
  }

  /** stackId is the ID of the current event's stack (0 where none; see Event.stackId). */
  get stackId(): Int64 {
    const t = this.type;
    if (t === T.CPUSample) return this.arg(0);
    const a = STACK_ARG[t]!;
    return a < 0 ? 0 : this.arg(a);
  }

  /** tables are the current event's generation's tables (null for a Sync that ends the trace). */
  get tables(): Tables | null {
    return this.words[this.at + 1] === 0 ? null : this.decoder!.tables;
  }

  /** stack is the current event's stack, innermost frame first (see Event.stack). */
  get stack(): readonly StackFrame[] {
    return this.event.stack;
  }

  /**
   * event is the current event as an Event: one object, re-pointed at each
   * access, reading the core's memory, so valid only until the cursor moves.
   */
  get event(): Event {
    const ev = (this.view ??= new Event(this.words, this.at, null));
    const u8 = this.decoder!.core.views.u8;
    pointEvent(ev, this.words, this.at, this.tables, u8.subarray(this.decoder!.core.exports.names()));
    return ev;
  }

  /** toString is the current event as Go's Event.String() prints it. */
  toString(): string {
    return this.event.toString();
  }
}
