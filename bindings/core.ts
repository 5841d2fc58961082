/**
 * `Core` owns one instance of the WebAssembly core: its exports, its memory
 * views and the input waiting to go in. Readers (the wire listing, the ordered
 * event reader) are built on it: they hand it chunks with `feed()`, step it
 * with `rawNext()` or `next()`, and read what the core wrote through `views`.
 */

import { type CoreExports, type CoreErrorInfo, NEED_INPUT, ERROR_CODE, ERROR_OFFSET, ERROR_GENERATION, ERROR_ARGS } from './exports';

/** Views are the typed-array views of the core's memory. The object stays the
 * same; its fields are replaced when memory grows, so read them after each
 * call rather than keeping them. */
export interface Views {
  /** u8 views all of the core's memory as bytes. */
  u8: Uint8Array;
  /** dv views all of the core's memory for little-endian numbers. */
  dv: DataView;
}

/** CoreTrap is thrown when the core traps (a broken invariant: a bug, or
 * memory that could not grow). The core is unusable until `reset()`. */
export class CoreTrap extends Error {
  /** name is 'CoreTrap', which messages and stacks show. */
  override name = 'CoreTrap';
}

/** Core wraps one instance of the core. Input is queued by `feed()` and moved
 * into the core one window at a time, only when the core asks for more, so
 * that a chunk of any size costs the core no more memory than one window. */
export class Core {
  /** exports are the core's functions, typed. Prefer the methods below for
   * stepping and feeding: they keep `views` fresh and feed queued input. */
  exports!: CoreExports;
  /** views are the core's memory views, re-created when memory grows. */
  readonly views: Views = { u8: new Uint8Array(0), dv: new DataView(new ArrayBuffer(0)) };

  private readonly module: WebAssembly.Module;
  private windowSize = 0;
  // Chunks not yet in the core: queue[head..], the first from queueAt on.
  private queue: Uint8Array[] = [];
  private head = 0;
  private queueAt = 0;
  private closing = false;
  private closed = false;
  // A synchronous source, read once the queue is empty (see pull()).
  private source: ((into: Uint8Array) => number) | null = null;
  private trap: CoreTrap | null = null;

  /** The constructor instantiates `module` synchronously (see `load()` in the
   * bindings' index for the asynchronous way). */
  constructor(module: WebAssembly.Module, instance?: WebAssembly.Instance) {
    this.module = module;
    this.attach(instance ?? new WebAssembly.Instance(module, {}));
  }

  /** feed queues `chunk` as the next bytes of the trace. The core keeps a
   * reference to it until it has taken all of it: do not modify it meanwhile. */
  feed(chunk: Uint8Array): void {
    if (this.closing) throw new Error('gotrace: feed after close');
    if (chunk.length > 0) this.queue.push(chunk);
  }

  /** pull gives the core a synchronous source of input, read only when the
   * core asks for more and the queue is empty: `read` fills the start of
   * `into` (the core's own memory, where it keeps its input, so the bytes are
   * copied once, from the file straight to their place in the core) and
   * returns how many bytes it wrote, 0 at the end of the input, which then
   * counts as closed. A regular file is
   * best read so: no chunk is allocated, and nothing waits on an event loop. */
  pull(read: (into: Uint8Array) => number): void {
    if (this.closing) throw new Error('gotrace: pull after close');
    this.source = read;
  }

  /** close says that no more input will come: once the queued input is in,
   * the core reports a trace cut short as Go does. */
  close(): void {
    this.closing = true;
  }

  /** reset forgets the trace and the queued input, ready for a new trace.
   * After a trap it starts a fresh instance. */
  reset(): void {
    if (this.trap) {
      this.trap = null;
      this.attach(new WebAssembly.Instance(this.module, {}));
    } else {
      this.exports.reset();
      this.refresh();
    }
    this.queue = [];
    this.head = 0;
    this.queueAt = 0;
    this.source = null;
    this.closing = false;
    this.closed = false;
  }

  /** rawNext steps the raw-event reader: N > 0 (rawRecord() holds N events,
   * one after another), NEED_INPUT (feed more or close), END or ERROR. */
  rawNext(): number {
    return this.step(this.exports.rawNext);
  }

  /** next steps the ordered reader: N > 0 records, NEED_INPUT, END or ERROR. */
  next(): number {
    return this.step(this.exports.next);
  }

  /** step calls a stepping export, feeding queued input while it asks for
   * more, and returns its status. A trap becomes a thrown CoreTrap. */
  step(call: () => number): number {
    if (this.trap) throw this.trap;
    try {
      for (;;) {
        const status = call();
        this.refresh();
        if (status !== NEED_INPUT || !this.supply()) return status;
      }
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      // Memory may have grown before the trap (a buffer past the core's
      // limit traps after recording why): the error region is read next.
      this.refresh();
      this.trap = new CoreTrap(`the core trapped: ${e.message}`);
      throw this.trap;
    }
  }

  /** queued is the number of bytes fed but not yet taken by the core. */
  get queued(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) n += this.queue[i].length;
    return n - this.queueAt;
  }

  /** version is the trace's format version once its header is read, else 0. */
  version(): number {
    return this.exports.version();
  }

  /** errorInfo reads the error region after a step returned ERROR. */
  errorInfo(): CoreErrorInfo {
    const dv = this.views.dv;
    const p = this.exports.errorInfo();
    return {
      code: dv.getUint32(p + ERROR_CODE, true),
      offset: dv.getBigUint64(p + ERROR_OFFSET, true),
      generation: dv.getBigUint64(p + ERROR_GENERATION, true),
      args: [0, 1, 2, 3].map((i) => dv.getBigUint64(p + ERROR_ARGS + 8 * i, true)) as CoreErrorInfo['args'],
    };
  }

  /** refresh re-creates the views when memory has grown: the one place that
   * does. Growing detaches the old buffer, which empties the views: that is
   * checked first, as it costs far less than reading `memory.buffer`. */
  refresh(): void {
    if (this.views.u8.length !== 0) return;
    const buffer = this.exports.memory.buffer;
    if (buffer !== this.views.u8.buffer) {
      this.views.u8 = new Uint8Array(buffer);
      this.views.dv = new DataView(buffer);
    }
  }

  private attach(instance: WebAssembly.Instance): void {
    this.exports = unsignedAddresses(instance.exports as unknown as CoreExports);
    this.windowSize = this.exports.inputWindowSize();
    this.views.u8 = new Uint8Array(0); // another instance's memory: refresh
    this.refresh();
  }

  /** supply moves the next window of queued input into the core (or, the
   * queue empty, reads the pulled source into it), or closes the core once
   * the queue is empty and close() was called. The bytes go straight to
   * where the core keeps them (inputSpace), not through its window: one copy
   * less. It returns false when there is nothing to give: the caller must
   * feed or close. */
  private supply(): boolean {
    if (this.head < this.queue.length) {
      const chunk = this.queue[this.head];
      const n = Math.min(chunk.length - this.queueAt, this.windowSize);
      const at = this.exports.inputSpace(n);
      this.refresh();
      this.views.u8.set(chunk.subarray(this.queueAt, this.queueAt + n), at);
      this.exports.feedSpace(n);
      this.queueAt += n;
      if (this.queueAt === chunk.length) {
        this.queue[this.head++] = EMPTY;
        this.queueAt = 0;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        }
      }
      return true;
    }
    if (this.source !== null && !this.closing) {
      const at = this.exports.inputSpace(this.windowSize);
      this.refresh();
      const n = this.source(this.views.u8.subarray(at, at + this.windowSize));
      if (n > 0) {
        this.exports.feedSpace(n);
        return true;
      }
      this.source = null;
      this.closing = true;
    }
    if (this.closing && !this.closed) {
      this.closed = true;
      this.exports.close();
      return true;
    }
    return false;
  }
}

const EMPTY = new Uint8Array(0);

/** ADDRESS_EXPORTS are the exports that return an address in the core's
 * memory. */
const ADDRESS_EXPORTS = ['inputWindow', 'inputSpace', 'rawRecord', 'records', 'tables', 'names', 'storeInfo', 'errorInfo'] as const;

/** unsignedAddresses returns the core's exports with those that return an
 * address wrapped to read it as unsigned: WebAssembly hands a 32-bit result
 * to JavaScript as signed, so an address past 2 GiB would come out negative
 * and every view read through it would fail or read elsewhere. */
function unsignedAddresses(exports: CoreExports): CoreExports {
  const out = { ...exports };
  for (const name of ADDRESS_EXPORTS) {
    const f = exports[name] as (arg: number) => number;
    (out as Record<string, unknown>)[name] = (arg: number) => f(arg) >>> 0;
  }
  return out;
}
