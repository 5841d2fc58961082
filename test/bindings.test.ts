// The bindings: loading the core (file, embedded copy, sync and async), the
// Core's input queue, its views across memory growth, reset and traps. These
// run the release build, the one users get.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Core, CoreTrap, END, ERROR, NEED_INPUT, RAW_TYPE, load, loadSync } from '../bindings/index';
import { coreBytesSync as browserBytes } from '../bindings/platform-browser';
import { coreBytesSync as nodeBytes } from '../bindings/platform';
import { WireReader } from '../src/wire';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/wire/${name}`, import.meta.url)));
const TRACE = fixture('traces-go1.27-stacks.trace');
const WANT = readFileSync(new URL('./fixtures/wire/traces-go1.27-stacks.want', import.meta.url), 'utf8');

/** listing reads a whole trace with `core` and returns its text. */
function listing(core: Core, bytes: Uint8Array): string {
  const r = new WireReader(core);
  r.feed(bytes);
  r.close();
  let text = '';
  for (let t; (t = r.text()); ) text += t;
  return text;
}

/** countEvents steps the raw reader until it stops and counts events. */
function countEvents(core: Core): number {
  let n = 0;
  for (let s; (s = core.rawNext()) > 0; ) n += s;
  return n;
}

describe('loading the core', () => {
  it('loads synchronously and asynchronously, each Core with its own memory', async () => {
    const a = loadSync();
    const b = await load();
    expect(a.exports.memory).not.toBe(b.exports.memory);
    // Interleave two readings: neither disturbs the other.
    const ra = new WireReader(a),
      rb = new WireReader(b);
    ra.feed(TRACE.subarray(0, 5000));
    rb.feed(TRACE);
    let ta = ra.text(),
      tb = rb.text();
    ra.feed(TRACE.subarray(5000));
    ra.close();
    rb.close();
    for (let t; (t = ra.text()); ) ta += t;
    for (let t; (t = rb.text()); ) tb += t;
    expect(ta).toBe(WANT);
    expect(tb).toBe(WANT);
  });

  it('embeds the very core that build/gotrace.wasm holds, for browsers and as the fallback', () => {
    const file = new Uint8Array(readFileSync(new URL('../build/gotrace.wasm', import.meta.url)));
    expect(browserBytes()).toEqual(file);
    expect(new Uint8Array(nodeBytes())).toEqual(file);
  });

  it('reads a trace with a core compiled from the embedded copy', () => {
    const core = new Core(new WebAssembly.Module(browserBytes() as Uint8Array<ArrayBuffer>));
    expect(listing(core, TRACE)).toBe(WANT);
  });
});

describe('Core', () => {
  it('asks for input until it is closed, then ends', () => {
    const core = loadSync();
    expect(core.rawNext()).toBe(NEED_INPUT);
    core.feed(TRACE.subarray(0, 10));
    expect(core.rawNext()).toBe(NEED_INPUT);
    expect(core.version()).toBe(0);
    core.feed(TRACE.subarray(10));
    expect(core.rawNext()).toBeGreaterThan(1);
    expect(core.version()).toBe(26);
    expect(core.views.dv.getUint32(core.exports.rawRecord() + RAW_TYPE, true)).toBe(1); // EventBatch
    countEvents(core);
    expect(core.rawNext()).toBe(NEED_INPUT);
    core.close();
    expect(core.rawNext()).toBe(END);
    expect(() => core.feed(TRACE)).toThrow(/feed after close/);
  });

  it('holds a large chunk in its queue and takes it one window at a time', () => {
    const core = loadSync();
    const window = core.exports.inputWindowSize();
    const big = new Uint8Array(16 + 3 * window);
    big.set(TRACE.subarray(0, 16));
    big.fill(8, 16); // Frequency freq=8, over and over: one event every two bytes.
    core.feed(big);
    expect(core.queued).toBe(big.length);
    const first = core.rawNext();
    expect(first).toBeGreaterThan(1);
    expect(core.queued).toBe(big.length - window);
    expect(first + countEvents(core)).toBe((3 * window) / 2);
    expect(core.queued).toBe(0);
  });

  it('reads a pulled source in place, only when it asks for input, and closes at its end', () => {
    const core = loadSync();
    let at = 0;
    const reads: number[] = [];
    core.pull((into) => {
      // Short reads, as a source may give: 1000 bytes at most.
      const n = Math.min(1000, into.length, TRACE.length - at);
      into.set(TRACE.subarray(at, at + n));
      at += n;
      reads.push(n);
      return n;
    });
    expect(reads).toEqual([]);
    const r = new WireReader(core);
    let text = '';
    for (let t; (t = r.text()); ) text += t;
    expect(text).toBe(WANT);
    expect(reads.at(-1)).toBe(0);
    expect(reads.length).toBe(Math.ceil(TRACE.length / 1000) + 1);
    expect(() => core.pull(() => 0)).toThrow(/pull after close/);
  });

  it('keeps its views fresh when memory grows, in the same views object', () => {
    const core = loadSync();
    const views = core.views;
    const before = core.exports.memory.buffer.byteLength;
    // A string claiming 6 MiB held until it is whole makes the pending input grow.
    const head = TRACE.subarray(0, 16);
    const data = new Uint8Array(6 << 20).fill(0x61);
    core.feed(new Uint8Array([...head, 5, 1, 0x80, 0x80, 0x80, 3]));
    core.feed(data);
    core.close();
    expect(core.rawNext()).toBe(1);
    expect(core.exports.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(core.views).toBe(views);
    expect(views.u8.buffer).toBe(core.exports.memory.buffer);
    expect(views.dv.buffer).toBe(core.exports.memory.buffer);
    expect(views.dv.getUint32(core.exports.rawRecord() + 8, true)).toBe(6 << 20);
  });

  it('reads a second trace after reset, even after a failure', () => {
    const core = loadSync();
    core.feed(new TextEncoder().encode('not a trace at all'));
    expect(core.rawNext()).toBe(ERROR);
    expect(core.errorInfo().code).toBe(1);
    core.reset();
    expect(core.errorInfo().code).toBe(0);
    expect(listing(core, TRACE)).toBe(WANT);
  });

  it('turns a trap into a CoreTrap, then an internal TraceError, and recovers on reset', () => {
    const core = loadSync();
    const exports = core.exports;
    core.exports = {
      ...exports,
      rawNext: () => {
        throw new WebAssembly.RuntimeError('unreachable');
      },
    };
    core.feed(TRACE);
    expect(() => core.rawNext()).toThrow(CoreTrap);
    expect(() => core.rawNext()).toThrow(/the core trapped: unreachable/);
    const reader = new WireReader(core);
    expect(() => reader.text()).toThrow(expect.objectContaining({ code: 900, name: 'TraceError' }));
    core.reset();
    expect(core.exports).not.toBe(exports);
    expect(listing(core, TRACE)).toBe(WANT);
  });
});
