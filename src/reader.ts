// The Reader: a trace in, typed events out, generation by generation.
//
// The WebAssembly core does the reading (framing, tables, ordering); this file
// moves input into it one chunk at a time, only when it asks for more, and
// turns the event records of each of its steps into Event objects. Awaiting
// happens per chunk of input, never per event: one step of the core yields up
// to a thousand records, copied once and made into events 256 at a time.
import { type Core, CoreTrap, END, ERROR, load, loadSync, RECORD_SIZE } from '../bindings/index';
import { compressionOf, decompress, decompressing, refuseCompressed } from './compression';
import { coreError, errorContext, internalError, TraceError } from './errors';
import { Batch, Event, NEW_TABLES, TASK_END } from './event';
import { Store, Tables } from './tables';

/**
 * Source is what a Reader reads: bytes in memory, a Blob or File, a web
 * ReadableStream, or any async iterable of byte chunks (Node's readable
 * streams are such iterables, e.g. fs.createReadStream(path) or process.stdin).
 */
export type Source = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * PULL keys the method of a source that is read synchronously, straight into
 * the core's input window, only when the core asks for input (see PullSource).
 * @internal
 */
export const PULL: unique symbol = Symbol('gotrace.pull');

/**
 * PullSource is input that can be read in place and without waiting (a
 * regular file, for the command line): `[PULL](into)` fills the start of
 * `into` and returns the number of bytes written, 0 at the end. A Reader
 * prefers it to any other way the same object offers to be read: no chunk is
 * allocated or copied twice, and no await is spent on input.
 * @internal
 */
export interface PullSource {
  [PULL](into: Uint8Array): number;
}

/** isPull reports whether `source` can be read in place (see PullSource). */
function isPull(source: object): source is PullSource {
  return typeof (source as Partial<PullSource>)[PULL] === 'function';
}

/** WORDS_PER_RECORD is the size of an event record in 32-bit words. */
const WORDS_PER_RECORD = RECORD_SIZE / 4;

/**
 * EVENTS_PER_BATCH is the most Event objects made at a time from one step of
 * the core. A step writes up to about a thousand records; making their events
 * a quarter at a time keeps few of them alive at any moment, which is what
 * each of V8's young-generation collections copies and what makes it grow its
 * young generation.
 */
const EVENTS_PER_BATCH = 256;

/**
 * Decoder turns the core's steps into events; it is the part of reading
 * that is the same whether input comes all at once or in chunks.
 */
export class Decoder {
  /** events are the events of the core's last step not yet handed out. */
  events: Event[] = [];
  /** at is the index in events of the next to hand out. */
  at = 0;
  /** error is the error the reading ended with, once it has: a TraceError, or the source's own failure. */
  error: unknown = null;
  /** ended is true once every event has been read. */
  ended = false;
  /** bytes counts the input bytes given to the core. */
  bytes = 0;

  /** tables are the tables of the generation of the last step's records. */
  tables: Tables | null = null;
  /** store is the core's store of the current epoch, once a generation has named one. */
  private store: Store | null = null;
  /** memory views the core's memory in words (a Cursor reads records there). */
  memory: Uint32Array = new Uint32Array(0);
  /** base is the word index in memory of the last step's first record. */
  base = 0;
  /** count is the number of records of the last step. */
  count = 0;
  /** made is the number of the last step's records made into events so far (Reader only). */
  private made = 0;
  /** batch is what the events of the last step share (Reader only). */
  private batch: Batch | null = null;
  private serial = 0;

  /**
   * The constructor takes the core to step; with `view` set, a step makes no
   * Event objects and leaves its records in the core's memory (for Cursor).
   */
  constructor(readonly core: Core, private readonly view = false) {}

  /**
   * step runs one step of the core: true when it produced events, false when
   * it needs input (or the reading is over: see ended and error).
   */
  step(): boolean {
    let status: number;
    try {
      if (this.made < this.count) {
        this.makeEvents();
        return true;
      }
      status = this.core.next();
      if (status > 0) {
        this.decode(status);
        return true;
      }
    } catch (e) {
      throw this.fail(e);
    }
    if (status === END) this.end();
    else if (status === ERROR) throw this.fail(coreError(this.core.errorInfo(), errorContext(this.core)));
    return false;
  }

  /** fail records the reading's error (an internal one where `e` is not a TraceError). */
  fail(e: unknown): TraceError {
    const error = (this.error ??= e instanceof TraceError ? e : this.asError(e));
    this.end();
    return error as TraceError;
  }

  /** failSource records a failure of the input (a failed read, a damaged compressed stream), which is the caller's as itself. */
  failSource(e: unknown): unknown {
    this.error ??= e;
    this.end();
    return this.error;
  }

  /**
   * end marks the reading over and copies the store out of the core: the
   * events read keep what they refer to, and nothing of the core.
   */
  end(): void {
    this.ended = true;
    try {
      this.store?.detach();
    } catch {
      // A core that trapped may not answer: its events keep reading it in place.
    }
  }

  /**
   * asError words a failure that is not a TraceError. A trap after the core
   * recorded why (a buffer past its limit: it stops rather than run out of
   * room) is that error, with its offset; any other failure is internal.
   */
  private asError(e: unknown): TraceError {
    if (!(e instanceof CoreTrap)) return internalError(e);
    const info = this.core.errorInfo();
    if (info.code !== 0) return coreError(info, errorContext(this.core));
    return internalError(e.message.replace(/^internal error: /, ''));
  }

  /**
   * decode takes the `n` records the core just wrote. Under a Cursor they
   * stay where they are. A Reader copies them once, for the events to share
   * (the core writes over them at its next step), and makes the events
   * EVENTS_PER_BATCH at a time (makeEvents).
   */
  private decode(n: number): void {
    const u8 = this.core.views.u8;
    if (this.memory.buffer !== u8.buffer) this.memory = new Uint32Array(u8.buffer);
    const base = this.core.exports.records() >>> 2;
    this.base = base;
    this.count = n;
    if (this.view) {
      this.made = n;
      const memory = this.memory;
      for (let i = 0, w = base; i < n; i++, w += WORDS_PER_RECORD) if (memory[w + 1] !== this.serial) this.tablesOf(memory, w);
      return;
    }
    this.made = 0;
    this.batch = new Batch(this.memory.slice(base, base + n * WORDS_PER_RECORD), this.tables);
    this.makeEvents();
  }

  /**
   * makeEvents makes the events of the last step's next records, all sharing
   * the step's copy of them in one Batch (a new Batch where a generation
   * starts among them, which the core never does within a step, but a batch
   * must not mix generations' tables).
   */
  private makeEvents(): void {
    const first = this.made;
    const n = Math.min(this.count - first, EVENTS_PER_BATCH);
    this.made = first + n;
    let batch = this.batch!;
    const words = batch.words;
    let arena: Uint8Array | null = null;
    const events: Event[] = new Array(n);
    for (let i = 0, w = first * WORDS_PER_RECORD; i < n; i++, w += WORDS_PER_RECORD) {
      if (words[w + 1] !== this.serial) {
        const tables = this.tablesOf(words, w);
        if (tables !== null && tables !== batch.tables) this.batch = batch = new Batch(words, tables);
      }
      if ((words[w]! & 0xff) === TASK_END) batch.keepTaskName(w, (arena ??= this.core.views.u8.subarray(this.core.exports.names())));
      events[i] = new Event(batch, w);
    }
    this.events = events;
    this.at = 0;
  }

  /**
   * tablesOf is the tables of the record at word `w` of `words` (null for a
   * Sync that ends the trace), taking a new generation's tables from the
   * core at the record that starts it. Only a record whose serial is not the
   * current generation's needs it.
   */
  private tablesOf(words: Uint32Array, w: number): Tables | null {
    const serial = words[w + 1]!;
    if ((words[w]! >>> 8) & NEW_TABLES) {
      const exports = this.core.exports;
      const at = exports.tables();
      this.tables = new Tables(this.core.views.u8.subarray(at, at + exports.tablesLen()), (epoch) => this.storeOf(epoch));
      this.serial = serial;
    } else if (serial !== this.serial && serial !== 0) {
      throw this.fail(internalError(`an event of generation ${serial} came without its tables`));
    }
    return serial === 0 ? null : this.tables;
  }

  /**
   * storeOf is the store of epoch `epoch` (see Store), which a generation's
   * tables blob names. Where a new epoch begins, the core has retired the last
   * one's store, which is copied out now, before the core can reuse its memory.
   */
  private storeOf(epoch: number): Store {
    if (this.store === null || this.store.epoch !== epoch) {
      this.store?.detach();
      this.store = new Store(this.core, epoch);
    }
    return this.store;
  }
}

/** chunks turns any Source but bytes in memory into an async iterator of byte chunks. */
function chunks(source: Exclude<Source, Uint8Array | ArrayBuffer>): AsyncIterator<Uint8Array> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return chunks(source.stream());
  if ('getReader' in source) {
    const reader = source.getReader();
    return {
      next: async () => {
        const r = await reader.read();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
      },
      return: async () => {
        await reader.cancel();
        return { done: true, value: undefined };
      },
    };
  }
  return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

/** bytesOf is the Uint8Array of in-memory input. */
function bytesOf(source: Uint8Array | ArrayBuffer): Uint8Array {
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

/** chunkOf checks that a chunk from a stream is bytes (a stream of text is a mistake). */
function chunkOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`gotrace: a trace is bytes, but the input gave a ${typeof chunk} (a stream with an encoding set?)`);
}

/**
 * Reader reads the events of one trace, in Go's order and with Go's values,
 * streaming: it holds one generation of the trace at a time, however long
 * the input. Use `for await (const ev of reader)`, or `await reader.next()`
 * (an Event, or null at the end), or `await reader.nextBatch()` for the
 * fastest loop. Like Go's reader, on malformed input it first delivers every
 * event before the fault (the Sync that Go emits before a generation's error
 * included), then throws a TraceError; after that, it throws the same error
 * again on every call.
 */
export class Reader implements AsyncIterable<Event> {
  private decoder: Decoder | null = null;
  private input: AsyncIterator<Uint8Array> | null = null;
  private readonly source: Source;
  private readonly view: boolean;

  /**
   * Reader reads `source`; nothing happens until the first event is asked
   * for. `view` is for Cursor: steps leave their records in the core.
   */
  constructor(source: Source, /** @internal */ view = false) {
    this.source = source;
    this.view = view;
  }

  /** version is the trace's format version (22, 23, 25, 26) once its header is read, else 0. */
  get version(): number {
    return this.decoder?.core.version() ?? 0;
  }

  /** bytesRead counts the bytes of the trace read so far (of the decompressed trace, where the input is compressed). */
  get bytesRead(): number {
    return this.decoder?.bytes ?? 0;
  }

  /** @internal start loads the core and hands it the input, once. */
  async start(): Promise<Decoder> {
    if (this.decoder) return this.decoder;
    const decoder = new Decoder(await load(), this.view);
    if (this.source instanceof Uint8Array || this.source instanceof ArrayBuffer) {
      const bytes = bytesOf(this.source);
      // Compressed bytes are read as a stream, decompressed as the core asks (see compression.ts).
      if (compressionOf(bytes) !== null) this.input = decompressing([bytes]);
      else {
        decoder.core.feed(bytes);
        decoder.core.close();
        decoder.bytes = bytes.length;
      }
    } else if (isPull(this.source)) {
      const source = this.source;
      decoder.core.pull((into) => {
        const n = source[PULL](into);
        decoder.bytes += n;
        return n;
      });
    } else {
      this.input = decompress(chunks(this.source));
    }
    return (this.decoder = decoder);
  }

  /**
   * nextBatch returns the next events in a batch (up to 256, all from one
   * step of the core), or null at the end of the trace. The
   * array is the caller's to keep.
   */
  async nextBatch(): Promise<Event[] | null> {
    const d = await this.start();
    if (d.at < d.events.length) {
      const rest = d.at === 0 ? d.events : d.events.slice(d.at);
      d.at = d.events.length;
      return rest;
    }
    if (!(await this.fill(d))) return null;
    d.at = d.events.length;
    return d.events;
  }

  /** next returns the next event, or null at the end of the trace. */
  next(): Promise<Event | null> {
    const d = this.decoder;
    // Most calls find an event waiting: no need for an async function's machinery.
    if (d !== null && d.at < d.events.length) return Promise.resolve(d.events[d.at++]!);
    return this.nextSlow();
  }

  private async nextSlow(): Promise<Event | null> {
    const d = this.decoder ?? (await this.start());
    if (d.at < d.events.length) return d.events[d.at++]!;
    if (!(await this.fill(d))) return null;
    return d.events[d.at++]!;
  }

  /** fill steps the core, feeding it input as it asks, until it yields events (true) or ends (false). */
  /** @internal */
  async fill(d: Decoder): Promise<boolean> {
    if (d.error) throw d.error;
    for (;;) {
      if (d.ended) return false;
      if (d.step()) return true;
      if (d.ended) return false;
      if (!this.input) throw d.fail(internalError('the core asked for input after all of it was given'));
      let r: IteratorResult<Uint8Array>;
      try {
        r = await this.input.next();
      } catch (e) {
        throw d.failSource(e);
      }
      if (r.done) {
        d.core.close();
        this.input = null;
      } else {
        const chunk = chunkOf(r.value);
        d.core.feed(chunk);
        d.bytes += chunk.length;
      }
    }
  }

  /** close stops reading: it lets go of the input (cancelling a stream). */
  async close(): Promise<void> {
    const input = this.input;
    this.input = null;
    this.decoder?.end();
    await input?.return?.();
  }

  /** Symbol.asyncIterator iterates over the events; leaving the loop early closes the reader. */
  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return {
      next: (): Promise<IteratorResult<Event>> => {
        const d = this.decoder;
        if (d !== null && d.at < d.events.length) return Promise.resolve({ done: false, value: d.events[d.at++]! });
        return this.nextSlow().then((ev) => (ev === null ? { done: true, value: undefined } : { done: false, value: ev }));
      },
      return: async (): Promise<IteratorResult<Event>> => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }
}

/**
 * readEventsSync reads a trace held in memory, synchronously: a generator of
 * its events that, on malformed input, yields every event before the fault
 * and then throws a TraceError.
 */
export function* readEventsSync(trace: Uint8Array | ArrayBuffer): Generator<Event, void, undefined> {
  const bytes = bytesOf(trace);
  refuseCompressed(bytes);
  const d = new Decoder(loadSync());
  d.core.feed(bytes);
  d.core.close();
  d.bytes = bytes.length;
  while (d.step()) yield* d.events;
  if (!d.ended) throw d.fail(internalError('the core asked for input after all of it was given'));
}

/**
 * readAll reads a whole trace held in memory and returns its events; on
 * malformed input it throws a TraceError (use readEventsSync to keep the
 * events before the fault).
 */
export function readAll(trace: Uint8Array | ArrayBuffer): Event[] {
  return [...readEventsSync(trace)];
}
