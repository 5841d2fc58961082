// The Cursor: the Reader's events without an object per event.
//
// A Reader makes an Event for every event, which is what most callers want
// and what costs most once the core is fast. Callers that only aggregate
// (count by kind, sum durations per goroutine, ...) can instead read each
// event's numbers straight from the core's records, where the core wrote
// them: the Cursor is one view that moves from record to record. Awaiting
// happens once per step of the core (up to about a thousand events), never
// per event: `fill()` is the await, `nextSync()` the per-event move.
import { RECORD_SIZE, RECORD_SERIAL_WORD } from '../bindings/index';
import { type Decoder, Reader, type Source } from './reader';
import { Batch, Event, pointEvent, RecordView } from './event';
import type { StackFrame } from './kinds';
import type { Tables } from './tables';

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
 * The getters (RecordView's: type, kind, time, goroutine, proc, thread,
 * arg(), args, stackId; and tables, stack) read the current event.
 * For anything the getters lack (stacks, metric(), range(), toString()...),
 * `c.event` is the current event as an Event, the same object every time and
 * re-pointed as the cursor moves: copy what you need out of it, never keep it.
 * On malformed input, fill() and next() throw a TraceError after every event
 * before the fault has been read, as Reader does; a failing source, its own
 * error.
 */
export class Cursor extends RecordView {
  /** words are the core's memory, where the current event's record is. */
  declare protected words: Uint32Array;
  private readonly reader: Reader;
  private decoder: Decoder | null = null;
  private end = 0;
  private started = false;
  private view: Event | null = null;
  // The Batch of the current step for `view`, made when first asked for.
  private batch: Batch | null = null;

  /** Cursor reads `source` (any Reader source); nothing is read until fill() or next(). */
  constructor(source: Source) {
    super();
    this.words = new Uint32Array(0);
    this.at = 0;
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
   * reading's TraceError on malformed input, as Reader does. Calls of fill()
   * and next() made without awaiting the one before queue, as Reader's do.
   */
  fill(): Promise<boolean> {
    if (this.waiting() && this.reader.idle) return Promise.resolve(true);
    return this.reader.queue(() => this.fillNow());
  }

  /** waiting reports whether events are waiting for nextSync(). */
  private waiting(): boolean {
    return (this.started ? this.at + WORDS_PER_RECORD : this.at) < this.end;
  }

  /** fillNow is fill, its turn come. */
  private async fillNow(): Promise<boolean> {
    if (this.waiting()) return true;
    const d = (this.decoder ??= await this.reader.start());
    if (!(await this.reader.fill(d))) return false;
    this.words = d.memory;
    this.at = d.base;
    this.end = d.base + d.count * WORDS_PER_RECORD;
    this.started = false;
    this.batch = null;
    return true;
  }

  /**
   * next moves to the next event, reading on as needed: false at the end of
   * the trace. Calls made together each move the cursor by one event, in
   * order; the view shows where the last of them left it.
   */
  next(): Promise<boolean> {
    if (this.reader.idle && this.nextSync()) return Promise.resolve(true);
    return this.reader.queue(async () => this.nextSync() || ((await this.fillNow()) && this.nextSync()));
  }

  /**
   * close stops reading: it lets go of the input (cancelling a stream), and
   * every later fill() and next(), and those waiting, fail with a
   * ReaderClosedError (nextSync() finds no more events).
   */
  close(): Promise<void> {
    this.end = 0;
    return this.reader.close();
  }

  /** tables are the current event's generation's tables (null for a Sync that ends the trace). */
  get tables(): Tables | null {
    return this.words[this.at + RECORD_SERIAL_WORD] === 0 ? null : this.decoder!.tables;
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
    const d = this.decoder!;
    const batch = (this.batch ??= new Batch(this.words, d.tables, d.core.views.u8.subarray(d.core.exports.names())));
    const ev = (this.view ??= new Event(batch, this.at));
    pointEvent(ev, batch, this.at);
    return ev;
  }

  /** toString is the current event as Go's Event.String() prints it. */
  override toString(): string {
    return this.event.toString();
  }
}
