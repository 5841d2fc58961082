// The ordering with many threads (assembly/frontier.ts): where thousands of
// threads wait for one late thread, the reader's work (cursors tried, cursors
// sorted: the debug build's count) grows with the events, not with events
// times threads, and the events come in Go's order.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { events } from '../src/commands/events';
import { textToTrace } from '../src/text';
import { manyMsText } from '../scripts/many-ms.mjs';

/** Core is the part of the debug core's exports these tests call. */
interface Core {
  memory: WebAssembly.Memory;
  inputWindow(): number;
  inputWindowSize(): number;
  feed(n: number): void;
  close(): void;
  next(): number;
  records(): number;
  errorInfo(): number;
  orderWork(): bigint;
  orderVirtualMin(n: number, logCap: number): void;
  orderVirtualStats(which: number): number;
}

const RECORD = 80;
let module: WebAssembly.Module;

beforeAll(() => {
  // Builds the core where its sources are newer than the build.
  execFileSync('node', ['scripts/pretest.mjs'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
  module = new WebAssembly.Module(readFileSync(new URL('../build/gotrace.debug.wasm', import.meta.url)));
});

/** Reading is what the core said of a trace: a hash of its records and
 * error, its last status, and the counts of the debug build. */
interface Reading {
  hash: string;
  status: number;
  records: number;
  work: bigint;
  entered: number;
  ended: number;
}

/** read reads `trace` with a debug core, where `virtualMin` and `logCap` (if
 * given) set when the virtual mode begins and how long its log may grow. */
function read(trace: Uint8Array, virtualMin?: number, logCap = -1): Reading {
  const x = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error('core aborted');
      },
    },
  }).exports as unknown as Core;
  if (virtualMin !== undefined) x.orderVirtualMin(virtualMin, logCap);
  const h = createHash('sha256');
  let pos = 0;
  let records = 0;
  for (;;) {
    const st = x.next();
    if (st > 0) {
      records += st;
      h.update(new Uint8Array(x.memory.buffer, x.records(), st * RECORD));
    } else if (st === 0) {
      if (pos >= trace.length) {
        x.close();
        continue;
      }
      const n = Math.min(trace.length - pos, x.inputWindowSize());
      new Uint8Array(x.memory.buffer, x.inputWindow(), n).set(trace.subarray(pos, pos + n));
      x.feed(n);
      pos += n;
    } else {
      if (st === -2) h.update(new Uint8Array(x.memory.buffer, x.errorInfo(), 56));
      return {
        hash: h.digest('hex'),
        status: st,
        records,
        work: x.orderWork(),
        entered: x.orderVirtualStats(0),
        ended: x.orderVirtualStats(1),
      };
    }
  }
}

const manyMs = (n: number) => textToTrace(manyMsText(n));

describe('many threads waiting for one', () => {
  it('costs work linear in the threads', () => {
    const [a, b, c] = [1000, 2000, 4000].map((n) => read(manyMs(n)));
    expect(a!.status).toBe(-1);
    expect(a!.records).toBe(3 * 1000 + 4); // a Sync, a proc, a goroutine, 3 events a thread, a Sync
    // 8,002, 16,002 and 32,002 here; with Go's heap alone (as before
    // frontier.ts), 2,510,504, 10,021,004 and 40,042,004: each thread's wait
    // cost a sort and a try of every waiting thread.
    expect(Number(b!.work)).toBeLessThan(2.5 * Number(a!.work));
    expect(Number(c!.work)).toBeLessThan(2.5 * Number(b!.work));
    expect(Number(c!.work)).toBeLessThan(10 * 4000);
  });

  it('costs work linear in the threads where their times tie', () => {
    // Each GoStart has the time of the next thread's first event: Go's heap
    // decides their order, and stays sorted while they are taken.
    const [a, b] = [1000, 2000].map((n) => read(textToTrace(manyMsText(n, true))));
    expect(b!.hash).toBe(read(textToTrace(manyMsText(2000, true)), 1 << 30).hash);
    // 10,003 and 20,003 here; 2,509,501 and 10,019,001 with Go's heap alone.
    expect(Number(b!.work)).toBeLessThan(2.5 * Number(a!.work));
    expect(Number(b!.work)).toBeLessThan(20 * 2000);
  });

  it("costs work quadratic in the threads with Go's heap alone (the count sees it)", () => {
    const [a, b] = [500, 1000].map((n) => read(manyMs(n), 1 << 30));
    expect(Number(b!.work)).toBeGreaterThan(3.5 * Number(a!.work));
    expect(b!.hash).toBe(read(manyMs(1000)).hash);
  });

  it("costs work n log n a rebuild of Go's heap where they all have one time", () => {
    // Every GoStart has one time: each one taken leaves Go's heap unsorted
    // among equal times, so Go's heap is rebuilt (and sorted, as Go sorts
    // it) once a thread, which is work quadratic in the threads as in Go.
    // But a rebuild orders its group of equal times by seq in n log n: the
    // work per rebuild was 39,647 and 110,342 for 500 and 1000 threads with
    // an insertion sort (376,546 for 2000), 2,975 and 5,145 for 1000 and
    // 2000 here.
    const [a, b] = [1000, 2000].map((n) => read(textToTrace(manyMsText(n, 'group'))));
    expect(a!.status).toBe(-1);
    expect(a!.records).toBe(3 * 1000 + 4);
    expect(a!.ended).toBeGreaterThan(500);
    const perRebuild = (r: Reading) => Number(r.work) / r.ended;
    expect(perRebuild(b!)).toBeLessThan(2.5 * perRebuild(a!));
    expect(a!.hash).toBe(read(textToTrace(manyMsText(1000, 'group')), 1 << 30).hash);
  });

  it("costs work linear in the threads where the log of Go's heap grows to its longest", () => {
    // Thread 0 creates 5n + 5000 goroutines more: the log outgrows 4n +
    // 4096 entries and Go's heap is rebuilt once from it, the thread found
    // by the last sort (thread 0, the latest) looked up at the end of the
    // sorted heap: a log holds at most one such entry, as each sort empties
    // it. 18,005, 31,005 and 57,005 here.
    const [a, b, c] = [1000, 2000, 4000].map((n) => read(textToTrace(manyMsText(n, 'long'))));
    expect(a!.records).toBe(3 * 1000 + 4 + 5 * 1000 + 5000);
    expect([a!.ended, b!.ended, c!.ended]).toEqual([1, 1, 1]);
    expect(Number(b!.work)).toBeLessThan(2.5 * Number(a!.work));
    expect(Number(c!.work)).toBeLessThan(2.5 * Number(b!.work));
    expect(a!.hash).toBe(read(textToTrace(manyMsText(1000, 'long')), 1 << 30).hash);
  });

  for (const [name, text, want] of [
    ['300 of them', () => manyMsText(300), 'many-ms-300.want'],
    ['300 of them with one time', () => manyMsText(300, 'group'), 'many-ms-group-300.want'],
  ] as const) {
    it(`reads ${name} as Go 1.27 does (Go's -d=parsed, byte for byte)`, async () => {
      const parts: Buffer[] = [];
      const out = new Writable({
        write(chunk, _enc, done) {
          parts.push(Buffer.from(chunk));
          done();
        },
      });
      await events(Readable.from([textToTrace(text())]), out);
      const expected = readFileSync(new URL(`./fixtures/many-ms/${want}`, import.meta.url));
      expect(Buffer.concat(parts).equals(expected)).toBe(true);
    });
  }
});

/** fixtures lists the new-format traces of the fixture folders. */
function fixtures(): [string, URL][] {
  return ['core', 'order', 'go-tests', 'events/traces'].flatMap((folder) => {
    const dir = new URL(`./fixtures/${folder}/`, import.meta.url);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.trace'))
      .sort()
      .map((f): [string, URL] => [`${folder}/${f}`, new URL(f, dir)]);
  });
}

describe("the virtual mode reads as Go's heap does", () => {
  // With the mode from two threads on, and its log cut short (every
  // operation rebuilds Go's heap) or not, every fixture reads to the same
  // records and error as with Go's heap alone.
  const all = fixtures();
  for (const logCap of [-1, 0, 3]) {
    it(`on every fixture (log ${logCap < 0 ? 'as long as it may be' : `of at most ${logCap}`})`, () => {
      let entered = 0;
      let ended = 0;
      for (const [name, url] of all) {
        const trace = new Uint8Array(readFileSync(url));
        const plain = read(trace, 1 << 30);
        const virtual = read(trace, 2, logCap);
        expect(plain.entered, name).toBe(0);
        expect({ name, ...virtual, work: 0n, entered: 0, ended: 0 }).toEqual({ name, ...plain, work: 0n, entered: 0, ended: 0 });
        entered += virtual.entered;
        ended += virtual.ended;
      }
      // Both the mode and its rebuilds of Go's heap ran.
      expect(entered).toBeGreaterThan(10);
      expect(ended).toBeGreaterThan(logCap === 0 ? 10 : 0);
    });
  }
});

/** random is a small seeded generator of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * shuffledText is the raw text of a valid Go 1.22 trace of `threads` threads
 * besides thread 0, which creates `gs` goroutines; the others start, stop and
 * end them. The events are made in one valid order, but each thread's times
 * are drawn apart from it (0 to 2 ticks after its last event), so that the
 * reader must make many threads wait, with many equal times.
 */
function shuffledText(seed: number, threads: number, gs: number): string {
  const rnd = random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const lines: string[][] = Array.from({ length: threads + 1 }, () => []);
  const running: number[] = new Array(threads + 1).fill(0); // goroutine on each thread (0: none)
  const seq = new Map<number, number>(); // runnable goroutines' last sequence numbers
  const runSeq = new Map<number, number>(); // running goroutines' sequence numbers
  let created = 0;
  const emit = (m: number, line: string) => lines[m]!.push(`${line.replace(/^(\w+)/, `$1 dt=${Math.floor(rnd() * 3)}`)}`);
  while (created < gs || seq.size > 0 || running.some((g, m) => m > 0 && g > 0)) {
    const idle = running.flatMap((g, m) => (m > 0 && g === 0 ? [m] : []));
    const busy = running.flatMap((g, m) => (m > 0 && g > 0 ? [m] : []));
    const r = rnd();
    if (created < gs && r < 0.3) {
      created++;
      seq.set(created + 1, 0);
      emit(0, `GoCreate new_g=${created + 1} new_stack=0 stack=0`);
    } else if (idle.length > 0 && seq.size > 0 && r < 0.7) {
      const m = pick(idle),
        g = pick([...seq.keys()]);
      const n = seq.get(g)! + 1;
      seq.delete(g);
      running[m] = g;
      emit(m, `GoStart g=${g} g_seq=${n}`);
      runSeq.set(g, n);
    } else if (busy.length > 0) {
      const m = pick(busy),
        g = running[m]!;
      running[m] = 0;
      const n = runSeq.get(g)!;
      runSeq.delete(g);
      if (rnd() < 0.5) emit(m, 'GoDestroy');
      else {
        emit(m, 'GoStop reason_string=0 stack=0');
        seq.set(g, n);
      }
    }
  }
  const out = ['Trace Go1.22'];
  const batch = (m: number | string, evs: string[]) => out.push(`EventBatch gen=1 m=${m} time=10 size=0`, ...evs);
  batch(0, ['ProcStatus dt=0 p=0 pstatus=1', 'GoStatus dt=0 g=1 m=0 gstatus=2', ...lines[0]!]);
  for (let m = 1; m <= threads; m++) batch(m, [`ProcStatus dt=0 p=${m} pstatus=1`, ...lines[m]!]);
  batch('18446744073709551615', ['Frequency freq=15625000']);
  batch('18446744073709551615', ['Stacks']);
  batch('18446744073709551615', ['Strings']);
  return out.join('\n') + '\n';
}

/** withSizes sets each EventBatch's size to the length of its events. */
function withSizes(text: string): Uint8Array {
  const lines = text.trimEnd().split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith('EventBatch') ? [i] : []));
  for (const [j, i] of starts.entries()) {
    const end = starts[j + 1] ?? lines.length;
    const body = ['Trace Go1.22', 'EventBatch gen=1 m=0 time=0 size=0', ...lines.slice(i + 1, end)].join('\n') + '\n';
    const size = textToTrace(body).length - 16 - 5; // less the header and the batch header
    lines[i] = lines[i]!.replace(/size=\d+/, `size=${size}`);
  }
  return textToTrace(lines.join('\n') + '\n');
}

describe('the virtual mode on threads that wait with equal times', () => {
  // 150 traces of 2-20 threads, then 100 of 13-52 (Go's sort of more than 12
  // is no longer an insertion sort: equal times may change places).
  it("reads 250 shuffled traces as Go's heap does", () => {
    let ended = 0;
    let entered = 0;
    let complete = 0;
    for (let seed = 1; seed <= 250; seed++) {
      const threads = seed <= 150 ? 2 + (seed % 19) : 13 + (seed % 40);
      const trace = withSizes(shuffledText(seed, threads, threads < 13 ? 10 + (seed % 40) : 30 + (seed % 60)));
      const plain = read(trace, 1 << 30);
      if (plain.status === -1) complete++;
      for (const logCap of [-1, 0, 2]) {
        const virtual = read(trace, 2, logCap);
        expect({ seed, logCap, ...virtual, work: 0n, entered: 0, ended: 0 }).toEqual({ seed, logCap, ...plain, work: 0n, entered: 0, ended: 0 });
        entered += virtual.entered;
        ended += virtual.ended;
      }
    }
    // The traces are valid, and the mode and its rebuilds ran.
    expect(complete).toBe(250);
    expect(entered).toBeGreaterThan(100);
    expect(ended).toBeGreaterThan(100);
  });
});
