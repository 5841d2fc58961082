// The Reader: a trace in, typed events out, generation by generation.
//
// The WebAssembly core does the reading (framing, tables, ordering); this file
// moves input into it one chunk at a time, only when it asks for more, and
// turns the event records of each of its steps into Event objects. Awaiting
// happens per chunk of input, never per event: one step of the core yields up
// to a thousand records, copied once and made into events 256 at a time.
import {
  type Core,
  CoreTrap,
  END,
  ERROR,
  load,
  loadSync,
  RECORD_SIZE,
  RECORD_SERIAL_WORD,
  RECORD_TYPE_WORD,
  RECORD_FLAGS_WORD,
  RECORD_FLAGS_SHIFT,
} from '../bindings/index';
import { compressionOf, decompress, decompressing, refuseCompressed } from './compression';
import { coreError, errorContext, internalError, ReaderClosedError, TraceError } from './errors';
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
  /** failed is true once the reading has ended with an error (error). */
  failed = false;
  /** error is what the reading ended with, once it has: a TraceError, or the source's own error. */
  error: unknown = null;
  /** sourceFailure holds the error the source failed with, once it has (see sourceFailed). */
  private sourceFailure: { error: unknown } | null = null;
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
  constructor(
    readonly core: Core,
    private readonly view = false,
  ) {}

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
    if (status === END) {
      // Input that ended because the source failed is not a trace that ended.
      if (this.sourceFailure) throw this.fail(null);
      this.end();
    } else if (status === ERROR) throw this.fail(coreError(this.core.errorInfo(), errorContext(this.core)));
    return false;
  }

  /**
   * fail records the reading's error, once, and returns it: the source's own
   * error where the source failed, else `e`, an internal one where `e` is not
   * a TraceError.
   */
  fail(e: unknown): unknown {
    if (!this.failed) {
      this.failed = true;
      this.error = this.sourceFailure ? this.sourceFailure.error : e instanceof TraceError ? e : this.asError(e);
      this.end();
    }
    return this.error;
  }

  /**
   * sourceFailed notes that the source failed with `error` (a missing file,
   * a reset connection, a chunk that is not bytes). Go's reader takes a
   * failed read as the end of its input there: it gives the events it can
   * read before it (a generation it cannot finish ends with its Sync), then
   * the read's error. So the caller ends the core's input, the core reads
   * on as over a trace cut at that byte, and the reading ends with `error`
   * itself, never the core's error for the cut (see fail), nor an end.
   */
  sourceFailed(error: unknown): void {
    this.sourceFailure ??= { error };
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
      for (let i = 0, w = base; i < n; i++, w += WORDS_PER_RECORD) if (memory[w + RECORD_SERIAL_WORD] !== this.serial) this.tablesOf(memory, w);
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
      if (words[w + RECORD_SERIAL_WORD] !== this.serial) {
        const tables = this.tablesOf(words, w);
        if (tables !== null && tables !== batch.tables) this.batch = batch = new Batch(words, tables);
      }
      if ((words[w + RECORD_TYPE_WORD]! & 0xff) === TASK_END) batch.keepTaskName(w, (arena ??= this.core.views.u8.subarray(this.core.exports.names())));
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
    const serial = words[w + RECORD_SERIAL_WORD]!;
    if ((words[w + RECORD_FLAGS_WORD]! >>> RECORD_FLAGS_SHIFT) & NEW_TABLES) {
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

/**
 * Input is a Source made ready for the core: bytes to hand it at once, a
 * PullSource to read as it asks, or chunks to await.
 */
type Input = { bytes: Uint8Array } | { pull: PullSource } | { chunks: AsyncIterator<Uint8Array> };

/**
 * inputOf is the one place where a Source becomes Input: whatever changes
 * the bytes on their way in (decompression, say) belongs here.
 */
function inputOf(source: Source): Input {
  if (isBytes(source)) {
    const bytes = bytesOf(source);
    // Compressed bytes are read as a stream, decompressed as the core asks (see compression.ts).
    return compressionOf(bytes) === null ? { bytes } : { chunks: decompressing([bytes]) };
  }
  if (isPull(source)) return { pull: source };
  return { chunks: decompress(chunks(source)) };
}

/** SOURCES says what a Reader reads, for the TypeError of anything else. */
const SOURCES = 'a trace source is a Uint8Array, an ArrayBuffer, a Blob, a ReadableStream or an async iterable of Uint8Array chunks (a Node stream, say)';

/**
 * what names a value of the wrong type in a TypeError; `hint` follows a
 * string, which is most often a file name given where its bytes belong.
 */
function what(x: unknown, hint: string): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `a string (a file name? ${hint})`;
  if (Array.isArray(x)) return 'an array';
  if (typeof x !== 'object') return `${/^[aeiou]/.test(typeof x) ? 'an' : 'a'} ${typeof x}`;
  const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `an object (${name})` : 'an object';
}

/** hasMethod reports whether `source` is an object with a method `method` (how kinds of stream are told apart). */
function hasMethod(source: unknown, method: string | symbol): boolean {
  return typeof source === 'object' && source !== null && typeof (source as Record<string | symbol, unknown>)[method] === 'function';
}

/**
 * checkSource throws a TypeError, at once, for anything a Reader cannot
 * read, saying what it can: a wrong source found only when reading starts
 * fails far from the mistake, and in words that name our code, not it.
 */
function checkSource(source: unknown): asserts source is Source {
  if (isBytes(source)) return;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return;
  if (hasMethod(source, 'getReader') || hasMethod(source, Symbol.asyncIterator) || hasMethod(source, PULL)) return;
  throw new TypeError(`gotrace: ${SOURCES}, not ${what(source, 'read it with fs.createReadStream(name)')}`);
}

/**
 * isNodeStream reports whether `source` is a Node stream (an event emitter
 * that can be destroyed), whose failures are 'error' events.
 */
function isNodeStream(
  source: unknown,
): source is { on(event: 'error', f: () => void): unknown; off(event: 'error', f: () => void): unknown; destroy(): unknown } {
  return hasMethod(source, 'on') && hasMethod(source, 'off') && hasMethod(source, 'destroy');
}

/**
 * isBytes reports whether `x` is bytes in memory: a Uint8Array (a Buffer
 * too) or an ArrayBuffer, of this realm or another (a worker's, a test
 * environment's), where instanceof does not see them.
 */
function isBytes(x: unknown): x is Uint8Array | ArrayBuffer {
  if (x instanceof Uint8Array || x instanceof ArrayBuffer) return true;
  const tag = Object.prototype.toString.call(x);
  return tag === '[object Uint8Array]' || tag === '[object ArrayBuffer]';
}

/** bytesOf is the Uint8Array of in-memory input, or a TypeError for anything else. */
function bytesOf(source: Uint8Array | ArrayBuffer): Uint8Array {
  if (isBytes(source)) return ArrayBuffer.isView(source) ? source : new Uint8Array(source);
  throw new TypeError(`gotrace: a trace in memory is a Uint8Array or an ArrayBuffer, not ${what(source, 'read it with fs.readFileSync(name)')}`);
}

/** chunkOf checks that a chunk from a stream is bytes (a stream of text is a mistake). */
function chunkOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`gotrace: a trace is bytes, but the input gave a ${typeof chunk} (a stream with an encoding set?)`);
}

/** ignore is a handler that drops what it is given. */
function ignore(): void {}

/**
 * Reader reads the events of one trace, in Go's order and with Go's values,
 * streaming: it holds one generation of the trace at a time, however long
 * the input. Use `for await (const ev of reader)`, or `await reader.next()`
 * (an Event, or null at the end), or `await reader.nextBatch()` for the
 * fastest loop. Like Go's reader, on malformed input it first delivers every
 * event before the fault (the Sync that Go emits before a generation's error
 * included), then throws a TraceError; after that, it throws the same error
 * again on every call. A source that fails (a missing file, a reset
 * connection) ends the reading likewise, with the source's own error.
 *
 * Calls made without awaiting the one before queue: each gets the next
 * events, in the order the calls were made. Once the reader is closed
 * (close(), or leaving a `for await` loop early), every call, waiting ones
 * included, fails with a ReaderClosedError.
 */
export class Reader implements AsyncIterable<Event> {
  private decoder: Decoder | null = null;
  private starting: Promise<Decoder> | null = null;
  private input: AsyncIterator<Uint8Array> | null = null;
  private readonly source: Source;
  private readonly view: boolean;
  private closed = false;
  /** tail settles once every call queued so far has (see queue). */
  private tail: Promise<unknown> = Promise.resolve();
  /** queued counts the calls queued and not yet settled. */
  private queued = 0;
  /** rejects reject the calls queued and not yet settled, for close(). */
  private readonly rejects = new Set<(e: unknown) => void>();

  /**
   * Reader reads `source`; nothing happens until the first event is asked
   * for, but a source of the wrong type is a TypeError now. `view` is for
   * Cursor: steps leave their records in the core.
   */
  constructor(source: Source, /** @internal */ view = false) {
    checkSource(source);
    // A Node stream may fail (a missing file) before the first call, even
    // before the core has loaded: its error must wait for that call, kept by
    // the stream (which its iterator then reports), not crash the process as
    // an 'error' event nobody listens to.
    if (isNodeStream(source)) source.on('error', ignore);
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

  /** @internal idle is true when the reader is open and no call is queued: a call may then take waiting events at once. */
  get idle(): boolean {
    return this.queued === 0 && !this.closed;
  }

  /**
   * queue runs `op` once every call queued before it has settled, and
   * settles as it does; close() rejects it at once.
   * @internal
   */
  queue<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ReaderClosedError());
    this.queued++;
    const run = this.tail.then(() => (this.closed ? Promise.reject(new ReaderClosedError()) : op()));
    this.tail = run.then(ignore, ignore);
    return new Promise<T>((resolve, reject) => {
      this.rejects.add(reject);
      const settled = (): void => {
        this.queued--;
        this.rejects.delete(reject);
      };
      run.then(
        (v) => (settled(), resolve(v)),
        (e) => (settled(), reject(e)),
      );
    });
  }

  /** @internal start loads the core and hands it the input, once. */
  start(): Promise<Decoder> {
    return (this.starting ??= this.open());
  }

  /** open loads the core and hands it the input (see start). */
  private async open(): Promise<Decoder> {
    const core = await load();
    if (this.closed) throw new ReaderClosedError();
    const decoder = new Decoder(core, this.view);
    const input = inputOf(this.source);
    if ('bytes' in input) {
      decoder.core.feed(input.bytes);
      decoder.core.close();
      decoder.bytes = input.bytes.length;
    } else if ('pull' in input) {
      const source = input.pull;
      decoder.core.pull((into) => {
        try {
          const n = source[PULL](into);
          decoder.bytes += n;
          return n;
        } catch (e) {
          decoder.sourceFailed(e);
          return 0; // the end of the input, for the core (see sourceFailed)
        }
      });
    } else {
      this.input = input.chunks;
    }
    return (this.decoder = decoder);
  }

  /**
   * nextBatch returns the next events in a batch (up to 256, all from one
   * step of the core), or null at the end of the trace. The
   * array is the caller's to keep.
   */
  nextBatch(): Promise<Event[] | null> {
    return this.queue(() => this.nextBatchNow());
  }

  /** nextBatchNow is nextBatch, its turn come. */
  private async nextBatchNow(): Promise<Event[] | null> {
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
    const ev = this.waiting();
    if (ev !== undefined) return Promise.resolve(ev);
    return this.queue(() => this.nextNow());
  }

  /**
   * waiting takes the next event already decoded, where no call is queued
   * before it: most calls find one, and need no async function's machinery
   * nor a turn in the queue (next() and the iterator's next()).
   */
  private waiting(): Event | undefined {
    const d = this.decoder;
    return d !== null && d.at < d.events.length && this.idle ? d.events[d.at++] : undefined;
  }

  /** nextNow is next, its turn come. */
  private async nextNow(): Promise<Event | null> {
    const d = await this.start();
    if (d.at < d.events.length) return d.events[d.at++]!;
    if (!(await this.fill(d))) return null;
    return d.events[d.at++]!;
  }

  /** fill steps the core, feeding it input as it asks, until it yields events (true) or ends (false). */
  /** @internal */
  async fill(d: Decoder): Promise<boolean> {
    for (;;) {
      if (d.failed) throw d.error;
      if (d.ended) return false;
      if (d.step()) return true;
      if (d.ended) return false;
      if (!this.input) throw d.fail(internalError('the core asked for input after all of it was given'));
      await this.read(d);
    }
  }

  /**
   * read gives the core the input's next chunk, or its end. A failure of the
   * input ends it there too, as the source's error (see sourceFailed).
   */
  private async read(d: Decoder): Promise<void> {
    const input = this.input!;
    let chunk: Uint8Array | null = null;
    try {
      const r = await input.next();
      if (!r.done) chunk = chunkOf(r.value);
    } catch (e) {
      if (!this.closed) d.sourceFailed(e);
      // A chunk of the wrong type leaves a stream open: let go of it.
      Promise.resolve()
        .then(() => input.return?.())
        .catch(ignore);
    }
    if (this.closed) throw new ReaderClosedError();
    if (chunk === null) {
      d.core.close();
      this.input = null;
      // The reading is over (ended, or failed with the source's error): a
      // stream the caller goes on using reports its later errors as ever.
      if (isNodeStream(this.source)) this.source.off('error', ignore);
    } else {
      d.core.feed(chunk);
      d.bytes += chunk.length;
    }
  }

  /**
   * close stops reading: it lets go of the input (cancelling a stream,
   * destroying a Node stream) and fails every call, those waiting included,
   * with a ReaderClosedError. The events already handed out stay valid.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new ReaderClosedError();
    for (const reject of this.rejects) reject(error);
    this.rejects.clear();
    this.decoder?.end();
    const input = this.input;
    this.input = null;
    const source: unknown = this.source;
    // Destroyed, a Node stream ends a read its iterator waits on, which
    // would otherwise hold up the iterator's return() for as long as it waits.
    if (isNodeStream(source)) source.destroy();
    if (input) await input.return?.();
    else if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream && !source.locked) await source.cancel();
  }

  /** Symbol.asyncIterator iterates over the events; leaving the loop early closes the reader. */
  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return {
      next: (): Promise<IteratorResult<Event>> => {
        const ev = this.waiting();
        if (ev !== undefined) return Promise.resolve({ done: false, value: ev });
        return this.queue(() => this.nextNow()).then((ev) => (ev === null ? { done: true, value: undefined } : { done: false, value: ev }));
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
