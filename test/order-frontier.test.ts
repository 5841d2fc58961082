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
interface Reading { hash: string; status: number; records: number; work: bigint; entered: number; ended: number }

/** read reads `trace` with a debug core, where `virtualMin` and `logCap` (if
 * given) set when the virtual mode begins and how long its log may grow. */
function read(trace: Uint8Array, virtualMin?: number, logCap = -1): Reading {
  const x = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('core aborted'); } } }).exports as unknown as Core;
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
        hash: h.digest('hex'), status: st, records, work: x.orderWork(),
        entered: x.orderVirtualStats(0), ended: x.orderVirtualStats(1),
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

  it('costs work quadratic in the threads with Go\'s heap alone (the count sees it)', () => {
    const [a, b] = [500, 1000].map((n) => read(manyMs(n), 1 << 30));
    expect(Number(b!.work)).toBeGreaterThan(3.5 * Number(a!.work));
    expect(b!.hash).toBe(read(manyMs(1000)).hash);
  });

  it("reads 300 of them as Go 1.27 does (Go's -d=parsed, byte for byte)", async () => {
    const parts: Buffer[] = [];
    const out = new Writable({ write(chunk, _enc, done) { parts.push(Buffer.from(chunk)); done(); } });
    await events(Readable.from([manyMs(300)]), out);
    const want = readFileSync(new URL('./fixtures/many-ms/many-ms-300.want', import.meta.url));
    expect(Buffer.concat(parts).equals(want)).toBe(true);
  });
});

/** fixtures lists the new-format traces of the fixture folders. */
function fixtures(): [string, URL][] {
  return ['core', 'order', 'go-tests', 'events/traces'].flatMap((folder) => {
    const dir = new URL(`./fixtures/${folder}/`, import.meta.url);
    return readdirSync(dir).filter((f) => f.endsWith('.trace')).sort().map((f): [string, URL] => [`${folder}/${f}`, new URL(f, dir)]);
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
