// stress-trace.mjs builds large, valid Go 1.26 traces byte by byte, for
// scripts/stress.mjs and the tests of the core's limits: many goroutines,
// stacks, strings, generations or Ms, each as Go's runtime would write them
// (a Sync batch, event batches of at most 64 KiB, stack and string tables,
// EndOfGeneration), and nothing else, so that Go 1.27's reader reads them.
// Writing the bytes directly, not Go's raw text format, keeps a trace of
// hundreds of MB to seconds.

// Event types of the Go 1.26 format (Go's internal/trace/tracev2).
const EvEventBatch = 1,
  EvStacks = 2,
  EvStack = 3,
  EvStrings = 4,
  EvString = 5;
const EvFrequency = 8,
  EvProcStatus = 13,
  EvGoCreate = 14;
const EvGoDestroySyscall = 18,
  EvGoStatus = 25,
  EvGoLabel = 39;
const EvSync = 50,
  EvClockSnapshot = 51,
  EvEndOfGeneration = 52;
const NO_M = 0xffffffffffffffffn;
const GO_RUNNING = 2,
  GO_SYSCALL = 3,
  PROC_RUNNING = 1;
// Go's limit on a batch (tracev2.MaxBatchSize), less room for the last event.
const BATCH = (64 << 10) - 2048;

/** Body is one batch's bytes while they are written. */
class Body {
  constructor() {
    this.buf = new Uint8Array(64 << 10);
    this.len = 0;
  }
  byte(b) {
    this.buf[this.len++] = b;
  }
  uvarint(x) {
    if (typeof x === 'bigint') {
      for (; x >= 0x80n; x >>= 7n) this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      this.buf[this.len++] = Number(x);
      return;
    }
    for (; x >= 0x80; x = Math.floor(x / 128)) this.buf[this.len++] = (x & 0x7f) | 0x80;
    this.buf[this.len++] = x;
  }
  bytes(b) {
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** ev writes an event: its type, then its arguments as uvarints. */
  ev(type, ...args) {
    this.byte(type);
    for (const a of args) this.uvarint(a);
  }
  get full() {
    return this.len >= BATCH;
  }
}

/**
 * TraceWriter writes a trace through `write(bytes)` (a Uint8Array, reused:
 * copy or write it out before returning), one batch at a time.
 */
export class TraceWriter {
  constructor(write) {
    this.write = write;
    this.out = new Body();
    this.body = new Body();
    this.time = 1000;
    this.size = 0;
    write(new TextEncoder().encode('go 1.26 trace\x00\x00\x00'));
    this.size += 16;
  }

  // flush writes the batch held in `body`: its header, then its bytes.
  flush(gen, m) {
    const o = this.out;
    o.len = 0;
    o.ev(EvEventBatch, gen, m, this.time, this.body.len);
    this.write(o.buf.subarray(0, o.len));
    this.write(this.body.buf.subarray(0, this.body.len));
    this.size += o.len + this.body.len;
    this.body.len = 0;
    this.time += 10;
  }

  /** sync writes generation `gen`'s Sync batch (frequency 1 GHz, clocks). */
  sync(gen) {
    const b = this.body;
    b.byte(EvSync);
    b.ev(EvFrequency, 1e9);
    b.ev(EvClockSnapshot, 1, 1e9 * gen, 1_800_000_000 + gen, 123);
    this.flush(gen, NO_M);
  }

  /** events writes the event batches of M `m` in generation `gen`: `each(b, i)`
   * writes event i (from 0 while it returns true) into the batch body `b`. */
  events(gen, m, each) {
    for (let i = 0; ; i++) {
      if (!each(this.body, i)) break;
      if (this.body.full) this.flush(gen, m);
    }
    if (this.body.len) this.flush(gen, m);
  }

  /** stacks writes a stack table: `count` stacks, stack i (ID i + 1) being
   * the frames that `frames(i, f)` writes through f(pc, func, file, line). */
  stacks(gen, count, frames) {
    const b = this.body;
    const pending = [];
    const frame = (pc, fn, file, line) => pending.push(pc, fn, file, line);
    for (let i = 0; i < count; i++) {
      pending.length = 0;
      frames(i, frame);
      if (b.len === 0) b.byte(EvStacks);
      b.ev(EvStack, i + 1, pending.length / 4);
      for (const v of pending) b.uvarint(v);
      if (b.full) this.flush(gen, NO_M);
    }
    if (b.len === 0) b.byte(EvStacks);
    this.flush(gen, NO_M);
  }

  /** strings writes a string table: strings[i] gets ID i + 1. */
  strings(gen, strings) {
    const b = this.body;
    const enc = new TextEncoder();
    for (let i = 0; i < strings.length; i++) {
      if (b.len === 0) b.byte(EvStrings);
      const s = enc.encode(strings[i]);
      b.ev(EvString, i + 1, s.length);
      b.bytes(s);
      if (b.full) this.flush(gen, NO_M);
    }
    if (b.len === 0) b.byte(EvStrings);
    this.flush(gen, NO_M);
  }

  /** end writes the EndOfGeneration marker. */
  end() {
    this.write(Uint8Array.of(EvEndOfGeneration));
    this.size += 1;
  }
}

// The strings every case's stacks name: functions and files.
const FUNCS = 64;
function names() {
  const s = [];
  for (let i = 0; i < FUNCS; i++) s.push(`main.f${i}`);
  s.push('/src/main.go');
  return s;
}
const FILE = FUNCS + 1;

/** running writes a generation's Sync batch and the batch of M 1 that
 * starts goroutine 1 running on P 0, then `more(b, i)`'s events. */
function running(w, gen, more) {
  w.events(gen, 1, (b, i) => {
    if (i === 0) {
      b.ev(EvProcStatus, 1, 0, PROC_RUNNING);
      return true;
    }
    if (i === 1) {
      b.ev(EvGoStatus, 1, 1, 1, GO_RUNNING);
      return true;
    }
    return more(b, i - 2);
  });
}

/**
 * CASES are the traces stress.mjs builds, by name: each takes its size
 * parameter `n` and a TraceWriter.
 *  - stacks: one generation of `n` distinct stacks of 128 distinct frames
 *    (12.8M frames for 100,000), every 1000th stack on an event;
 *  - goroutines: one generation where goroutine 1 creates `n` goroutines, all
 *    live at its end;
 *  - strings: one generation of `n` distinct strings of 64 bytes, every
 *    1000th a goroutine label;
 *  - generations: `n` generations, each with 100 stacks of 32 frames (half of
 *    them the same in every generation) and 100 strings, some on events;
 *  - ms: one generation where `n` Ms each end a goroutine that sat in a
 *    syscall (one batch per M).
 */
export const CASES = {
  stacks(n, w) {
    w.sync(1);
    running(w, 1, (b, i) => {
      if (i * 1000 >= n) return false;
      b.ev(EvGoCreate, 1, 2 + i, 1 + i * 1000, 1 + i * 1000);
      return true;
    });
    w.stacks(1, n, (s, frame) => {
      for (let f = 0; f < 128; f++) frame(0x400000 + (s * 128 + f) * 4, 1 + (f % FUNCS), FILE, 1 + f);
    });
    w.strings(1, names());
    w.end();
  },
  goroutines(n, w) {
    w.sync(1);
    running(w, 1, (b, i) => {
      if (i >= n) return false;
      b.ev(EvGoCreate, 1, 2 + i, 1, 1);
      return true;
    });
    w.stacks(1, 1, (_s, frame) => frame(0x401000, 1, FILE, 7));
    w.strings(1, names());
    w.end();
  },
  strings(n, w) {
    w.sync(1);
    running(w, 1, (b, i) => {
      if (i * 1000 >= n) return false;
      b.ev(EvGoLabel, 1, 1 + i * 1000);
      return true;
    });
    w.stacks(1, 0, () => {});
    const s = [];
    for (let i = 0; i < n; i++) s.push(`label-${String(i).padStart(12, '0')}-`.padEnd(64, 'x'));
    w.strings(1, s);
    w.end();
  },
  generations(n, w) {
    for (let gen = 1; gen <= n; gen++) {
      w.sync(gen);
      running(w, gen, (b, i) => {
        if (i >= 10) return false;
        b.ev(EvGoCreate, 1, gen * 100 + i, 1 + i * 10, 2 + i * 10);
        return true;
      });
      w.stacks(gen, 100, (s, frame) => {
        const base = s < 50 ? s : gen * 1000 + s;
        for (let f = 0; f < 32; f++) frame(0x400000 + (base * 32 + f) * 4, 1 + (f % FUNCS), FILE, 1 + f);
      });
      const s = names();
      for (let i = 0; i < 100; i++) s.push(`gen${gen}-string${i}`);
      w.strings(gen, s);
      w.end();
    }
  },
  ms(n, w) {
    w.sync(1);
    for (let m = 1; m <= n; m++) {
      w.events(1, m, (b, i) => {
        if (i === 0) {
          b.ev(EvGoStatus, 1, m, m, GO_SYSCALL);
          return true;
        }
        if (i === 1) {
          b.ev(EvGoDestroySyscall, 1);
          return true;
        }
        return false;
      });
    }
    w.stacks(1, 0, () => {});
    w.strings(1, names());
    w.end();
  },
};
