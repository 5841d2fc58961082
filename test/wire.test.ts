// The wire listing against Go's: every fixture in test/fixtures/wire (made by
// its gen.mjs, expectations from Go 1.27's `go tool trace -d=wire`) must list
// the same text and fail with the same words, however its bytes are chunked.
// The core under test is the debug build, with its assertions.
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initSync, loadSync } from '../bindings/index';
import { TraceError } from '../src/errors';
import { WireReader } from '../src/wire';

const DIR = new URL('./fixtures/wire/', import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.trace'))
  .sort();

beforeAll(() => {
  initSync(readFileSync(new URL('../build/gotrace.debug.wasm', import.meta.url)));
});

/** Listing is what a reading gave: the text, and the error it ended with. */
interface Listing {
  text: string;
  error?: TraceError;
}

/** list reads `bytes` fed in pieces of the given sizes (repeated; whole when none). */
function list(bytes: Uint8Array, sizes: number[] = [bytes.length || 1], reader = new WireReader(loadSync())): Listing {
  let text = '';
  try {
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const n = Math.max(1, sizes[i % sizes.length]);
      reader.feed(bytes.subarray(at, at + n));
      at += n;
      for (let t; (t = reader.text()); ) text += t;
    }
    reader.close();
    for (let t; (t = reader.text()); ) text += t;
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return { text, error: e };
  }
  return { text };
}

/** fixture reads a fixture's trace and Go's reading of it. */
function fixture(name: string) {
  const stem = name.slice(0, -'.trace'.length);
  const read = (ext: string) => readFileSync(new URL(stem + ext, DIR));
  return {
    bytes: new Uint8Array(read('.trace')),
    want: read('.want').toString('utf8'),
    goError: read('.err').toString('utf8').trim(),
    status: Number(read('.status').toString().trim()),
  };
}

/** expectGo checks a listing against Go's reading of the fixture. */
function expectGo(got: Listing, name: string): void {
  const f = fixture(name);
  expect(got.text).toBe(f.want);
  expect(got.error ? 1 : 0).toBe(f.status);
  if (got.error) {
    expect(got.error.goMessage).toBe(f.goError);
    expect(got.error.code).not.toBe(900);
  }
}

describe('wire listing of each fixture, as Go lists it', () => {
  for (const name of FIXTURES) {
    it(name, () => {
      expectGo(list(fixture(name).bytes), name);
    });
  }
});

describe('wire listing in chunks', () => {
  it('is the same however the input is cut into chunks, down to single bytes', () => {
    const small = FIXTURES.filter((f) => fixture(f).bytes.length <= 16 << 10);
    fc.assert(
      fc.property(fc.constantFrom(...small), fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 20 }), (name, sizes) =>
        expectGo(list(fixture(name).bytes, sizes), name),
      ),
      { numRuns: 150 },
    );
  });

  it('is the same fed one byte at a time', () => {
    for (const name of ['traces-go1.27-stacks.trace', 'crafted-string-quoting.trace', 'crafted-header-unicode-spaces.trace']) {
      expectGo(list(fixture(name).bytes, [1]), name);
    }
  });

  it('takes a chunk larger than the input window in pieces', () => {
    const f = fixture('traces-go1.27-stacks.trace');
    // Repeat the body after the header until the input is several windows long.
    const body = f.bytes.subarray(16);
    const reps = Math.ceil((2.5 * (1 << 20)) / body.length);
    const big = new Uint8Array(16 + body.length * reps);
    big.set(f.bytes.subarray(0, 16));
    for (let i = 0; i < reps; i++) big.set(body, 16 + i * body.length);
    const got = list(big);
    expect(got.error).toBeUndefined();
    expect(got.text).toBe(f.want.repeat(reps));
  });
});

/** trace makes a trace of the Go 1.26 format from bytes after the header. */
function trace(...parts: (number[] | Uint8Array)[]): Uint8Array {
  const all = [new TextEncoder().encode('go 1.26 trace\0\0\0'), ...parts.map((p) => Uint8Array.from(p))];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** uvarint encodes `x`. */
function uvarint(x: bigint): number[] {
  const out: number[] = [];
  for (; x >= 0x80n; x >>= 7n) out.push(Number(x & 0x7fn) | 0x80);
  out.push(Number(x));
  return out;
}

describe('bad input', () => {
  it('lists a batch claiming 2^63 bytes: the raw level has no framing', () => {
    const got = list(trace([1, 1, 2, 3], uvarint(1n << 63n)));
    expect(got).toEqual({ text: 'EventBatch gen=1 m=2 time=3 size=9223372036854775808\n' });
  });

  it('ends the listing quietly at a string claiming 2^40 bytes, spending no memory on the claim', () => {
    // Go reads the bytes one by one and stops at the end of the input: no error.
    const reader = new WireReader(loadSync());
    reader.feed(trace([8, 5, 5, 7], uvarint(1n << 40n)));
    const junk = new Uint8Array(1 << 20).fill(0x41);
    let text = reader.text();
    for (let i = 0; i < 24; i++) {
      reader.feed(junk);
      text += reader.text();
    }
    reader.close();
    text += reader.text();
    expect(text).toBe('Frequency freq=5\n');
    expect(reader.done).toBe(true);
    expect(coreMemory(reader)).toBeLessThan(48 << 20);
  });

  it('fails on a varint of 11 bytes as Go does', () => {
    const got = list(trace([8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
    expect(got.error?.goMessage).toBe('binary: varint overflows a 64-bit integer');
  });

  it('fails on a file cut inside a varint, and ends quietly on one cut between them', () => {
    expect(list(trace([8, 5, 8, 0x80])).error?.goMessage).toBe('unexpected EOF');
    expect(list(trace([8, 5, 1, 2])).text).toBe('Frequency freq=5\n');
  });

  it('fails on an unknown event type as Go does', () => {
    expect(list(trace([8, 5, 137])).error?.goMessage).toBe('invalid event type: 137');
    expect(list(trace([0])).error?.goMessage).toBe('invalid event type: 0');
  });

  it('fails clearly, without a trap, on a whole event larger than it lists', () => {
    // A stack of 3 million frames of one-byte varints: 12 MiB in one event.
    // Go would list it; gotrace stops at 8 MiB with its own error.
    const frames = 3_000_000;
    const body = new Uint8Array(frames * 4).fill(1);
    const got = list(trace([3, 1], uvarint(BigInt(frames)), body, [8, 5]), [1 << 20]);
    expect(got.text).toBe('');
    expect(got.error?.code).toBe(6);
    expect(got.error?.message).toMatch(/event of type 3 is larger than 8388608 bytes/);
  });

  it("never traps on random bytes after a header, and fails only as Go's raw reader can", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(22, 23, 25, 26), (body, v) => {
        const head = new TextEncoder().encode(`go 1.${v} trace\0\0\0`);
        const got = list(new Uint8Array([...head, ...body]), [7]);
        if (got.error) {
          expect(
            ['unexpected EOF', 'binary: varint overflows a 64-bit integer'].includes(got.error.goMessage) ||
              /^invalid event type: \d+$/.test(got.error.goMessage),
          ).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** coreMemory is the size of the reader's core memory (a test peeks at it). */
function coreMemory(reader: WireReader): number {
  return (reader as unknown as { core: { exports: { memory: WebAssembly.Memory } } }).core.exports.memory.buffer.byteLength;
}
