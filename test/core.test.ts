// Tests of the ordered reader's contract, driven through the core's exports
// alone (the debug build, with its assertions): records come out the same
// however the input is cut into chunks, a batch of records never spans two
// generations, statuses stick after the end or a failure, reset() forgets a
// trace, memory stays bounded over any number of generations, the tables
// blob holds what the generation said, generations larger than the core's
// input segments read the same however cut, and string and stack IDs may be
// sparse.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCoreError } from '../src/errors';

const RECORD = 80;
const MAX_RECORDS = 1024;
const NEW_TABLES = 1;

interface Exports {
  memory: WebAssembly.Memory;
  inputWindow(): number;
  inputWindowSize(): number;
  feed(n: number): void;
  close(): void;
  reset(): void;
  next(): number;
  records(): number;
  tables(): number;
  tablesLen(): number;
  errorInfo(): number;
  names(): number;
  version(): number;
  storeInfo(which: number): number;
}

let module: WebAssembly.Module;

beforeAll(() => {
  // Builds the core where its sources are newer than the build.
  execFileSync('node', ['scripts/pretest.mjs'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
  module = new WebAssembly.Module(readFileSync(new URL('../build/gotrace.debug.wasm', import.meta.url)));
});

function instantiate(): Exports {
  const abort = () => {
    throw new Error('core aborted');
  };
  return new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as Exports;
}

/** Reading is everything the core said about a trace. */
interface Reading {
  /** records is every record, in order, as hex (one string per record). */
  records: string[];
  /** counts is the number of records of each call. */
  counts: number[];
  /** blobs holds the tables blob given with each NEW_TABLES record, as hex. */
  blobs: string[];
  /** status is the last status: -1 (end) or -2 (error). */
  status: number;
  /** error is the error: code, offset, generation and message (whose numbers
   * may be addresses in the core's memory). */
  error: string;
}

const hex = (x: Exports, at: number, n: number) => Buffer.from(x.memory.buffer, at, n).toString('hex');

/** read feeds `trace` to core `x` in chunks of `chunk` bytes and collects what it says. */
function read(trace: Uint8Array, chunk: number, x: Exports = instantiate()): Reading {
  const r: Reading = { records: [], counts: [], blobs: [], status: 0, error: '' };
  let pos = 0;
  for (let calls = 0; ; calls++) {
    if (calls > 10 * trace.length + 1000) throw new Error('the core does not stop');
    const st = x.next();
    if (st > 0) {
      const base = x.records();
      for (let i = 0; i < st; i++) {
        const at = base + i * RECORD;
        r.records.push(hex(x, at, RECORD));
        if (new Uint8Array(x.memory.buffer)[at + 1]! & NEW_TABLES) r.blobs.push(hex(x, x.tables(), x.tablesLen()));
      }
      r.counts.push(st);
    } else if (st === 0) {
      pos = supply(x, trace, pos, chunk);
    } else {
      r.status = st;
      if (st === -2) r.error = errorOf(x);
      return r;
    }
  }
}

/** supply feeds core `x` the next chunk of at most `chunk` bytes of `trace`
 * from `pos`, or closes its input at the end, and returns the new position. */
function supply(x: Exports, trace: Uint8Array, pos: number, chunk: number): number {
  if (pos >= trace.length) {
    x.close();
    return pos;
  }
  const n = Math.min(chunk, trace.length - pos, x.inputWindowSize());
  new Uint8Array(x.memory.buffer, x.inputWindow(), n).set(trace.subarray(pos, pos + n));
  x.feed(n);
  return pos + n;
}

/** errorOf words the core's error, with where it lies. */
function errorOf(x: Exports): string {
  const dv = new DataView(x.memory.buffer, x.errorInfo(), 56);
  const info = {
    code: dv.getUint32(0, true),
    offset: dv.getBigUint64(8, true),
    generation: dv.getBigUint64(16, true),
    args: [0, 1, 2, 3].map((i) => dv.getBigUint64(24 + 8 * i, true)) as [bigint, bigint, bigint, bigint],
  };
  const memory = new Uint8Array(x.memory.buffer);
  const message = formatCoreError(info, { version: x.version(), memory, names: x.names() });
  return `${info.code} at ${info.offset} in ${info.generation}: ${message}`;
}

/** fixtures lists the traces of the new formats in a fixture folder. */
function fixtures(folder: string): [string, URL][] {
  const dir = new URL(`./fixtures/${folder}/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.trace'))
    .sort()
    .map((f) => [`${folder}/${f}`, new URL(f, dir)]);
}

describe('records do not depend on how the input is cut', () => {
  const all = [...fixtures('core'), ...fixtures('order'), ...fixtures('go-tests')];
  it('has fixtures', () => expect(all.length).toBeGreaterThan(200));
  for (const [name, url] of all) {
    it(name, () => {
      const trace = new Uint8Array(readFileSync(url));
      const whole = read(trace, trace.length);
      expect(whole.status).toBeLessThan(0);
      for (const chunk of [1, 7, 4096]) {
        const cut = read(trace, chunk);
        expect(cut.records).toEqual(whole.records);
        expect(cut.blobs).toEqual(whole.blobs);
        expect([cut.status, cut.error]).toEqual([whole.status, whole.error]);
      }
    });
  }
});

/** u8/u32/i64 read one field of a record given as hex. */
const field = (rec: string, at: number, n: number) => Buffer.from(rec, 'hex').subarray(at, at + n);
const u32 = (rec: string, at: number) => field(rec, at, 4).readUInt32LE();
const i64 = (rec: string, at: number) => field(rec, at, 8).readBigInt64LE();

describe('batches of records', () => {
  const trace = readFileSync(new URL('./fixtures/go-tests/go122-gc-stress.trace', import.meta.url));

  it('hold at most MAX_RECORDS records, and use them all while a generation lasts', () => {
    const r = read(new Uint8Array(trace), trace.length);
    expect(Math.max(...r.counts)).toBe(MAX_RECORDS);
  });

  it('never span two generations, and start each with its Sync', () => {
    for (const [, url] of fixtures('core')) {
      const r = read(new Uint8Array(readFileSync(url)), 1 << 20);
      let i = 0;
      for (const n of r.counts) {
        const batch = r.records.slice(i, i + n);
        i += n;
        // Records with tables name the serial of their generation; one batch has one.
        const serials = new Set(batch.map((rec) => u32(rec, 4)).filter((s) => s !== 0));
        expect(serials.size).toBeLessThanOrEqual(1);
        batch.forEach((rec, k) => {
          if (field(rec, 1, 1)[0]! & NEW_TABLES) expect(k).toBe(0);
        });
      }
    }
  });

  it('have times that only increase', () => {
    const r = read(new Uint8Array(trace), 1000);
    for (let i = 1; i < r.records.length; i++) expect(i64(r.records[i]!, 8) > i64(r.records[i - 1]!, 8)).toBe(true);
  });
});

describe('statuses', () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/core/${name}.trace`, import.meta.url)));

  it('stay END after the end', () => {
    const x = instantiate();
    expect(read(fixture('go126-ok'), 1 << 20, x).status).toBe(-1);
    expect([x.next(), x.next()]).toEqual([-1, -1]);
  });

  it('stay ERROR after a failure, with the same error', () => {
    const x = instantiate();
    const r = read(fixture('go122-string-twice'), 1 << 20, x);
    expect(r.status).toBe(-2);
    expect([x.next(), x.next()]).toEqual([-2, -2]);
    expect(errorOf(x)).toBe(r.error);
  });

  it('come after the records before a failure', () => {
    // Go delivers the generation's events, then a Sync, then the error about
    // the bytes after it.
    const r = read(fixture('go122-garbage-after'), 1 << 20);
    expect(r.status).toBe(-2);
    expect(r.records.length).toBe(4);
    expect(field(r.records[3]!, 0, 1)[0]).toBe(0xff);
  });

  it('start over after reset()', () => {
    const x = instantiate();
    read(fixture('go122-string-twice'), 5, x);
    x.reset();
    const again = read(fixture('go125-cpu-samples'), 3, x);
    expect(again).toEqual(read(fixture('go125-cpu-samples'), 3));
  });
});

/** manyGenerations writes a trace of `n` generations, each with two threads
 * that hold a running proc and report the heap, a string and a stack. */
function manyGenerations(v: number, n: number): Uint8Array {
  const batch = (gen: number, m: bigint | number, t: number, data: number[]) => [
    1,
    ...uvarint(gen),
    ...uvarint(m),
    ...uvarint(t),
    ...uvarint(data.length),
    ...data,
  ];
  const none = (1n << 64n) - 1n;
  const out: number[] = [...Buffer.from(`go 1.${v} trace\0\0\0`)];
  for (let g = 1; g <= n; g++) {
    const t = g * 1000;
    out.push(...batch(g, 1, t, [13, 1, 0, 1, 37, 1, ...uvarint(g)]));
    out.push(...batch(g, 2, t, [13, 1, 1, 1, 37, 1, ...uvarint(g)]));
    out.push(...batch(g, none, t, v >= 25 ? [50, 8, ...uvarint(1e9), 51, 1, 2, 3, 4] : [8, ...uvarint(1e9)]));
    out.push(...batch(g, none, t, [4, 5, 1, 3, ...Buffer.from('abc')]));
    out.push(...batch(g, none, t, [2, 3, 1, 1, ...uvarint(0x1000), 1, 1, 7]));
    if (v >= 26) out.push(52);
  }
  return new Uint8Array(out);
}

describe('memory', () => {
  for (const v of [22, 26]) {
    it(`stays bounded over 3000 generations (go 1.${v})`, () => {
      const trace = manyGenerations(v, 3000);
      const x = instantiate();
      let pos = 0,
        records = 0,
        early = 0;
      for (;;) {
        const st = x.next();
        if (st > 0) records += st;
        else if (st === 0) {
          if (pos >= trace.length) {
            x.close();
            continue;
          }
          const n = Math.min(4096, trace.length - pos);
          new Uint8Array(x.memory.buffer, x.inputWindow(), n).set(trace.subarray(pos, pos + n));
          x.feed(n);
          pos += n;
          if (!early && pos > trace.length / 10) early = x.memory.buffer.byteLength;
        } else {
          expect(st).toBe(-1);
          break;
        }
      }
      // Per generation: a Sync, two ProcStatus, two HeapAlloc; one last Sync.
      expect(records).toBe(3000 * 5 + 1);
      expect(x.memory.buffer.byteLength).toBe(early);
    });
  }
});

/** Store is a core store read out (assembly/README.md): strings as text,
 * stacks as [first frame, frame count], frames as [pc, func, file, line]. */
interface Store {
  epoch: number;
  strings: string[];
  stacks: [number, number][];
  frames: bigint[][];
}

/** storeOf reads core `x`'s live store (`which` 0) or retired one (1). */
function storeOf(x: Exports, which = 0): Store {
  const dv = new DataView(x.memory.buffer);
  const [epoch, nStrings, nStacks, nFrames, strings, stacks, frames, bytes] = Array.from({ length: 8 }, (_, i) =>
    dv.getUint32(x.storeInfo(which) + 4 * i, true),
  ) as [number, number, number, number, number, number, number, number];
  const entry = (base: number, i: number): [number, number] => [dv.getUint32(base + 8 * i, true), dv.getUint32(base + 8 * i + 4, true)];
  return {
    epoch,
    strings: Array.from({ length: nStrings }, (_, i) => {
      const [off, len] = entry(strings, i);
      return Buffer.from(x.memory.buffer, bytes + off, len).toString();
    }),
    stacks: Array.from({ length: nStacks }, (_, i) => entry(stacks, i)),
    frames: Array.from({ length: nFrames }, (_, i) => [0, 8, 16, 24].map((o) => dv.getBigUint64(frames + 32 * i + o, true))),
  };
}

describe('the tables blob and the store', () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/core/${name}.trace`, import.meta.url)));
  const blobOf = (name: string) => Buffer.from(read(fixture(name), 1 << 20).blobs[0]!, 'hex');

  it('the blob names the store, which holds the strings, stacks and frames', () => {
    const x = instantiate();
    const b = Buffer.from(read(fixture('go122-ok'), 1 << 20, x).blobs[0]!, 'hex');
    // No sections of its own; flags: store IDs, no clock snapshot; frequency 1, generation 1, epoch 1.
    expect([b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8)]).toEqual([0, 0, 0]);
    expect([b.readUInt32LE(28), b.readDoubleLE(32), b.readBigInt64LE(40), b.readUInt32LE(88)]).toEqual([2, 1, 1n, 1]);
    // Strings 1 'reason', 2 'main.f', 3 'f.go' and stack 1 [0x1000 main.f f.go:7], in that order: store IDs 1, 2, 3 and 1.
    expect(storeOf(x)).toEqual({ epoch: 1, strings: ['reason', 'main.f', 'f.go'], stacks: [[0, 1]], frames: [[0x1000n, 2n, 3n, 7n]] });
  });

  it('keeps each string and stack once across generations', () => {
    const x = instantiate();
    const r = read(fixture('go126-ok-two-generations'), 1 << 20, x);
    expect(r.blobs.map((h) => Buffer.from(h, 'hex').readUInt32LE(88))).toEqual([1, 1]);
    expect(storeOf(x)).toEqual({ epoch: 1, strings: ['reason', 'main.f', 'f.go'], stacks: [[0, 1]], frames: [[0x1000n, 2n, 3n, 7n]] });
  });

  it('holds the clock snapshot', () => {
    const b = blobOf('go125-ok');
    expect(b.readUInt32LE(28) & 1).toBe(1);
    // Snapshot at the sync batch's time 1 plus 1 tick; mono 100; wall 1700000000 s 5 ns.
    expect([48, 56, 64, 72].map((o) => b.readBigInt64LE(o))).toEqual([2n, 100n, 1700000000n, 5n]);
  });

  it('holds the experimental batches', () => {
    const b = blobOf('go126-experimental-batches');
    expect(b.readUInt32LE(80)).toBe(1);
    const e = b.readUInt32LE(84);
    expect([b.readBigUInt64LE(e), b.readUInt32LE(e + 8), b.readUInt32LE(e + 16)]).toEqual([5n, 1, 3]);
    const at = b.readUInt32LE(e + 12);
    expect([...b.subarray(at, at + 3)]).toEqual([1, 2, 3]);
  });
});

/** uvarint is the unsigned LEB128 encoding of `x`. */
function uvarint(x: bigint | number): number[] {
  let y = BigInt(x);
  const out: number[] = [];
  do {
    let b = Number(y & 0x7fn);
    y >>= 7n;
    if (y) b |= 0x80;
    out.push(b);
  } while (y);
  return out;
}

/** bigGenerations writes a trace of `gens` generations of `batches` event
 * batches a thread on two threads, each batch about 16 KiB of HeapAlloc events
 * with 10-byte values: several MiB a generation, more than one of the
 * segments the core holds a generation's input in. */
function bigGenerations(v: number, gens: number, batches: number): Uint8Array {
  const batch = (gen: number, m: bigint | number, t: number, data: number[]) => [
    1,
    ...uvarint(gen),
    ...uvarint(m),
    ...uvarint(t),
    ...uvarint(data.length),
    ...data,
  ];
  const none = (1n << 64n) - 1n;
  const out: number[] = [...Buffer.from(`go 1.${v} trace\0\0\0`)];
  for (let g = 1; g <= gens; g++) {
    for (let k = 0; k < batches; k++) {
      for (const m of [1, 2]) {
        const data = k === 0 ? [13, 1, m - 1, 1] : [];
        for (let i = 0; data.length < 16000; i++) data.push(37, 1, ...uvarint((1n << 63n) + BigInt(k * 10000 + i)));
        out.push(...batch(g, m, g * 1e8 + k * 1e5, data));
      }
    }
    out.push(...batch(g, none, g * 1e8, v >= 25 ? [50, 8, ...uvarint(1e9), 51, 1, 2, 3, 4] : [8, ...uvarint(1e9)]));
    if (v >= 26) out.push(52);
  }
  return new Uint8Array(out);
}

/** digest reads `trace` in chunks of `chunk` bytes and returns the number of
 * records, a hash of them all and the last status. */
function digest(trace: Uint8Array, chunk: number): [number, string, number] {
  const x = instantiate();
  const h = createHash('sha256');
  let pos = 0,
    n = 0;
  for (;;) {
    const st = x.next();
    if (st > 0) {
      h.update(new Uint8Array(x.memory.buffer, x.records(), st * RECORD));
      n += st;
    } else if (st === 0) {
      pos = supply(x, trace, pos, chunk);
    } else {
      return [n, h.digest('hex'), st];
    }
  }
}

describe('generations larger than an input segment', () => {
  for (const v of [22, 26]) {
    it(`read the same however the input is cut (go 1.${v})`, () => {
      const trace = bigGenerations(v, 3, 70);
      const whole = digest(trace, 1 << 20);
      // Per generation: a Sync, and per thread a ProcStatus and 1334 HeapAllocs
      // a batch (1333 in the first, which has the ProcStatus); one last Sync.
      expect(whole[2]).toBe(-1);
      expect(whole[0]).toBe(3 * (1 + 2 * 70 * 1334) + 1);
      expect(digest(trace, 4099)).toEqual(whole);
      expect(digest(trace, 65521)).toEqual(whole);
    });
  }
});

describe('string and stack IDs', () => {
  /** idTrace writes one generation whose strings have IDs `ids` (each one
   * byte, `byte(id)`, "a" by default) and whose one stack's frame names
   * function string `fn` and file string `file`. */
  const idTrace = (ids: bigint[], fn: bigint, file: bigint, byte = (_: bigint) => 0x61) => {
    const batch = (m: bigint | number, data: number[]) => [1, 1, ...uvarint(m), 1, ...uvarint(data.length), ...data];
    const none = (1n << 64n) - 1n;
    const strings = ids.flatMap((id) => [5, ...uvarint(id), 1, byte(id)]);
    return new Uint8Array([
      ...Buffer.from('go 1.26 trace\0\0\0'),
      ...batch(1, [13, 1, 0, 1, 37, 1, 1]),
      ...batch(none, [50, 8, ...uvarint(1e9), 51, 1, 2, 3, 4]),
      ...batch(none, [4, ...strings]),
      ...batch(none, [2, 3, 1, 1, ...uvarint(0x1000), ...uvarint(fn), ...uvarint(file), 7]),
      52,
    ]);
  };

  it('may be sparse', () => {
    // Four strings "a" and "b" under sparse IDs: store IDs 1 and 2, which the stack's frame names.
    const ids = [1n, 3000000n, 1n << 40n, (1n << 63n) + 5n];
    const x = instantiate();
    const r = read(
      idTrace(ids, 1n << 40n, (1n << 63n) + 5n, (id) => (id === 1n << 40n ? 0x61 : 0x62)),
      1 << 20,
      x,
    );
    expect(r.status).toBe(-1);
    expect(storeOf(x)).toEqual({ epoch: 1, strings: ['b', 'a'], stacks: [[0, 1]], frames: [[0x1000n, 2n, 1n, 7n]] });
  });

  it('are checked where sparse', () => {
    const r = read(idTrace([1n, 1n << 40n], 1n << 40n, 3000000n), 1 << 20);
    expect(r.error).toMatch(/^134 /);
    const dup = read(idTrace([1n << 40n, 2n, 1n << 40n], 1n, 2n), 1 << 20);
    expect(dup.error).toMatch(/^120 /);
  });
});
