// The Reader's API: every kind of source, in chunks of any size, gives the
// same events (those Go printed: the .want fixtures); a malformed trace gives
// every event before the fault, then the same TraceError on every call.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../src/errors';
import type { Event } from '../src/event';
import { EventKind } from '../src/kinds';
import { readAll, Reader, readEventsSync, type Source } from '../src/reader';

const fixture = (name: string) => new URL(`./fixtures/events/traces/${name}`, import.meta.url);
const bytes = (name: string) => new Uint8Array(readFileSync(fixture(name + '.trace')));
const want = (name: string) => readFileSync(fixture(name + '.want'), 'utf8');
const goError = (name: string) => readFileSync(fixture(name + '.err'), 'utf8').trimEnd();

const OK = 'go1.27-annotations';
const BROKEN = 'test-go122-create-syscall-with-p'; // Go prints 10 events, then fails

/** pieces splits bytes into chunks of `size` (the last may be shorter). */
function pieces(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.slice(i, i + size));
  return out;
}

/** drain reads a Reader to its end or its error, with for await. */
async function drain(source: Source): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const ev of new Reader(source)) text += `${ev}\n`;
  } catch (e) {
    return { text, error: e };
  }
  return { text, error: null };
}

describe('Reader sources', () => {
  const b = bytes(OK);
  const sources: [string, () => Source][] = [
    ['Uint8Array', () => b],
    ['ArrayBuffer', () => b.slice().buffer],
    ['Blob', () => new Blob([b])],
    [
      'ReadableStream in 7-byte chunks',
      () =>
        new ReadableStream({
          start(c) {
            for (const p of pieces(b, 7)) c.enqueue(p);
            c.close();
          },
        }),
    ],
    [
      'async iterable, 1-byte chunks',
      () =>
        (async function* () {
          yield* pieces(b, 1);
        })(),
    ],
    ['Node stream', () => Readable.from(pieces(b, 100))],
  ];
  for (const [name, make] of sources) {
    it(name, async () => {
      const { text, error } = await drain(make());
      expect(error).toBeNull();
      expect(text).toBe(want(OK));
    });
  }

  it('rejects streams of text', async () => {
    const { error } = await drain(Readable.from(['go 1.22 trace']));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toMatch(/trace is bytes/);
  });
});

describe('Reader calls', () => {
  it('next() gives events then null, and counts bytes', async () => {
    const r = new Reader(bytes(OK));
    const events: Event[] = [];
    for (let ev; (ev = await r.next()) !== null; ) events.push(ev);
    expect(events.map(String).join('\n') + '\n').toBe(want(OK));
    expect(await r.next()).toBeNull();
    expect(r.bytesRead).toBe(bytes(OK).length);
    expect(r.version).toBe(26);
    expect(events[0]!.kind).toBe(EventKind.Sync);
  });

  it('nextBatch() gives all events in batches', async () => {
    const r = new Reader(Readable.from(pieces(bytes(OK), 256)));
    let text = '';
    for (let batch; (batch = await r.nextBatch()) !== null; ) for (const ev of batch) text += `${ev}\n`;
    expect(text).toBe(want(OK));
  });

  it('nextBatch() batches hold at most 256 events, which stay valid after the reader moves on', async () => {
    // Thousands of events: several steps of the core, each made into events a quarter at a time.
    const name = 'test-go122-gc-stress';
    const r = new Reader(bytes(name));
    const batches: Event[][] = [];
    for (let batch; (batch = await r.nextBatch()) !== null; ) batches.push(batch);
    expect(Math.max(...batches.map((b) => b.length))).toBe(256);
    expect(batches.length).toBeGreaterThan(8);
    expect(
      batches
        .flat()
        .map((ev) => `${ev}\n`)
        .join(''),
    ).toBe(want(name));
  });

  it('readAll and readEventsSync read bytes in memory', () => {
    expect(
      readAll(bytes(OK))
        .map((ev) => `${ev}\n`)
        .join(''),
    ).toBe(want(OK));
    expect([...readEventsSync(bytes(OK).buffer as ArrayBuffer)].length).toBe(want(OK).split('\nM=').length);
  });

  it('leaving a loop early cancels the stream', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(bytes(OK).slice(0, 16));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const ev of new Reader(stream)) {
      void ev;
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('Reader on malformed input', () => {
  it('delivers every event before the fault, then the error, again and again', async () => {
    const r = new Reader(bytes(BROKEN));
    let text = '';
    let error: unknown = null;
    try {
      for (let ev; (ev = await r.next()) !== null; ) text += `${ev}\n`;
    } catch (e) {
      error = e;
    }
    expect(text).toBe(want(BROKEN));
    expect(error).toBeInstanceOf(TraceError);
    expect((error as TraceError).goMessage).toBe(goError(BROKEN));
    await expect(r.next()).rejects.toBe(error);
    await expect(r.nextBatch()).rejects.toBe(error);
  });

  it('readEventsSync yields the events before the fault, then throws', () => {
    const got: string[] = [];
    expect(() => {
      for (const ev of readEventsSync(bytes(BROKEN))) got.push(`${ev}\n`);
    }).toThrow(TraceError);
    expect(got.join('')).toBe(want(BROKEN));
    expect(() => readAll(bytes(BROKEN))).toThrow(goError(BROKEN));
  });

  it('a trace cut anywhere ends cleanly, after a prefix of the events', async () => {
    // Which cuts fail, and with which words, the golden tests check (cut-*.trace).
    const full = bytes(OK);
    const whole = want(OK);
    for (let cut = 0; cut < full.length; cut += 97) {
      const { text, error } = await drain(Readable.from(pieces(full.subarray(0, cut), 64)));
      if (cut !== 16) expect(error, `cut at ${cut}`).toBeInstanceOf(TraceError);
      expect(whole.startsWith(text.replace(/Sync Time=\d+ N=(\d+)\n$/, '')), `cut at ${cut}`).toBe(true);
    }
  });

  it('bytes that are not a trace', async () => {
    const { text, error } = await drain(new TextEncoder().encode('hello, this is not a trace at all'));
    expect(text).toBe('');
    expect((error as TraceError).goMessage).toBe('bad file format: not a Go execution trace?');
  });
});
