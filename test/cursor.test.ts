// The Cursor gives exactly the events the Reader gives: for every trace in
// test/fixtures/events/traces/ (whose Reader output the events golden tests
// hold to Go's), the same events with the same numbers and the same printed
// form, then the same end or the same error, whether the trace comes whole or
// in small chunks.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cursor } from '../src/cursor';
import { Reader, type Source } from '../src/reader';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

/** Numbers is what both readers say of one event. */
type Numbers = { type: number; kind: number; time: unknown; g: unknown; p: unknown; m: unknown; args: unknown[]; stack: unknown; tables: boolean };

/** line is one event's numbers and Go's printed form, as one comparable string. */
function line(ev: Numbers, text: string): string {
  return `${ev.type} ${ev.kind} ${ev.time} ${ev.g} ${ev.p} ${ev.m} [${ev.args.join(' ')}] ${ev.stack} ${ev.tables}\n${text}`;
}

/** viaReader lists the events of `source` as a Reader gives them, then how the reading ended. */
async function viaReader(source: Source): Promise<string[]> {
  const out: string[] = [];
  const r = new Reader(source);
  try {
    for await (const ev of r) {
      out.push(
        line(
          {
            type: ev.type,
            kind: ev.kind,
            time: ev.time,
            g: ev.goroutine,
            p: ev.proc,
            m: ev.thread,
            args: ev.args,
            stack: ev.stackId,
            tables: ev.tables !== null,
          },
          String(ev),
        ),
      );
    }
    out.push('end');
  } catch (e) {
    out.push(`error: ${(e as Error).message}`);
  }
  return out;
}

/** viaCursor lists the events of `source` as a Cursor gives them, then how the reading ended. */
async function viaCursor(source: Source): Promise<string[]> {
  const out: string[] = [];
  const c = new Cursor(source);
  try {
    while (await c.fill()) {
      while (c.nextSync()) {
        out.push(
          line(
            { type: c.type, kind: c.kind, time: c.time, g: c.goroutine, p: c.proc, m: c.thread, args: c.args, stack: c.stackId, tables: c.tables !== null },
            String(c),
          ),
        );
      }
    }
    out.push('end');
    expect(await c.fill()).toBe(false);
  } catch (e) {
    out.push(`error: ${(e as Error).message}`);
    // Like Reader, the cursor fails again with the same error.
    await expect(c.fill()).rejects.toThrow((e as Error).message);
  }
  return out;
}

/** chunked hands `bytes` over in pieces of `size` bytes. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("the Cursor gives the Reader's events", () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThan(50));
  for (const name of names) {
    it(name, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(name + '.trace', dir)));
      const want = await viaReader(bytes);
      expect(want.length).toBeGreaterThan(0);
      expect(await viaCursor(bytes)).toEqual(want);
      expect(await viaCursor(chunked(bytes, 1000))).toEqual(want);
    });
  }
});

describe('Cursor', () => {
  const name = names.find((n) => /go1\.2[2-7]/.test(n) && readFileSync(new URL(n + '.status', dir), 'utf8').trim() === '0')!;
  const bytes = () => new Uint8Array(readFileSync(new URL(name + '.trace', dir)));

  it('next() walks the same events as fill() and nextSync()', async () => {
    const c = await Cursor.open(bytes());
    const times: unknown[] = [];
    while (await c.next()) times.push(c.time);
    const want: unknown[] = [];
    for await (const ev of new Reader(bytes())) want.push(ev.time);
    expect(times).toEqual(want);
    expect(c.version).toBeGreaterThanOrEqual(22);
    expect(c.bytesRead).toBe(bytes().length);
  });

  it('nextSync() is false before the first fill(), and fill() keeps unread events', async () => {
    const c = new Cursor(bytes());
    expect(c.nextSync()).toBe(false);
    expect(await c.fill()).toBe(true);
    expect(c.nextSync()).toBe(true);
    const first = String(c);
    expect(await c.fill()).toBe(true); // events are waiting: no step, no loss
    expect(c.nextSync()).toBe(true);
    expect(String(c)).not.toBe(first);
    await c.close();
  });

  it('event is one object re-pointed as the cursor moves', async () => {
    const c = await Cursor.open(bytes());
    expect(await c.next()).toBe(true);
    const ev = c.event;
    const first = ev.toString();
    expect(await c.next()).toBe(true);
    expect(c.event).toBe(ev);
    expect(ev.toString()).not.toBe(first);
    expect(c.stack).toEqual(ev.stack);
  });
});

describe('gotrace stats --cursor', () => {
  it('prints the counts that gotrace stats prints, on every fixture Go reads to the end', async () => {
    const { stats, statsCursor } = await import('../src/commands/stats');
    let compared = 0;
    for (const name of names) {
      if (readFileSync(new URL(name + '.status', dir), 'utf8').trim() !== '0') continue;
      const bytes = new Uint8Array(readFileSync(new URL(name + '.trace', dir)));
      const { seconds: _a, ...want } = await stats(bytes);
      const { seconds: _b, ...got } = await statsCursor(bytes);
      expect(got, name).toEqual(want);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
