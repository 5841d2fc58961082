// The core's store (assembly/intern.ts): events of the Go 1.22+ formats carry
// store IDs, and their strings and stacks are read from the store in place
// until the core retires it, then from a copy. Events kept past the end of the
// reading, and past retirements, must still print what Go printed for them.
// Each trace of test/fixtures/events/traces/ is read twice, every event kept
// and printed only at the end: with the store's default limit (one epoch, the
// store copied out where the reading ends) and with limit 0 (a new epoch at
// every generation, each retired store copied out while the reading goes on).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../bindings/index';
import { TraceError } from '../src/errors';
import type { Event } from '../src/event';
import { EventKind } from '../src/kinds';
import { format } from '../src/eventstring';
import { Decoder } from '../src/reader';
import { encodeRaw } from '../src/tables';
import { firstDifference } from './golden';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
const known = new Set(
  readFileSync(new URL('./fixtures/events/known-differences.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]!),
);
// The new formats only (header "go 1.22 trace" on): old traces carry the
// trace's own IDs, in one generation.
const isNew = (name: string) =>
  Number(
    /^go 1\.(\d+) trace/.exec(
      readFileSync(new URL(name + '.trace', dir))
        .subarray(0, 16)
        .toString('latin1'),
    )?.[1] ?? 0,
  ) >= 22;
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .filter((n) => !known.has(n) && isNew(n))
  .sort();

/** readKept reads `trace` keeping every event (and the error), with the store retired past `limit` bytes. */
function readKept(trace: Uint8Array, limit: number | null): { events: Event[]; error: TraceError | null } {
  const d = new Decoder(loadSync());
  if (limit !== null) d.core.exports.storeLimit(limit);
  d.core.feed(trace);
  d.core.close();
  const events: Event[] = [];
  let error: TraceError | null = null;
  try {
    while (d.step()) events.push(...d.events);
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    error = e;
  }
  return { events, error };
}

/** printed is `events` as `gotrace events` prints them, one latin1 char per byte. */
function printed(events: Event[]): string {
  return Buffer.from(encodeRaw(events.map((ev) => format(ev, true) + '\n').join(''))).toString('latin1');
}

describe('events keep their strings and stacks across store epochs', () => {
  it('has fixtures of the new formats', () => expect(names.length).toBeGreaterThan(40));
  for (const name of names) {
    it(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir));
      const want = file('.want').toString('latin1');
      for (const limit of [null, 0]) {
        const { events, error } = readKept(new Uint8Array(file('.trace')), limit);
        const text = printed(events);
        if (text !== want) expect.fail(`store limit ${limit ?? 'default'}: ${firstDifference(text, want)}`);
        expect(error === null).toBe(Number(file('.status').toString().trim()) === 0);
      }
    });
  }

  it('keeps a retired store that the reader has not yet copied where the next generation fails', () => {
    // Generation 2 is read, its tables interned (a new epoch: limit 0), then
    // its first event fails: no Sync of generation 2 reaches the reader,
    // whose events of generation 1 read the core's retired store until the
    // end copies it out. test/fixtures/store/make.mjs wrote the trace; Go 1.27
    // printed the .want and .err.
    const fixture = (ext: string) => readFileSync(new URL(`./fixtures/store/retired-then-failed${ext}`, import.meta.url));
    const d = new Decoder(loadSync());
    d.core.exports.storeLimit(0);
    d.core.feed(new Uint8Array(fixture('.trace')));
    d.core.close();
    const events: Event[] = [];
    let error: unknown = null;
    try {
      while (d.step()) events.push(...d.events);
    } catch (e) {
      error = e;
    }
    // The core's live store is epoch 2, its retired one epoch 1, which the events name.
    const epochAt = (which: number) => d.core.views.dv.getUint32(d.core.exports.storeInfo(which), true);
    expect([epochAt(0), epochAt(1)]).toEqual([2, 1]);
    expect(new Set(events.map((ev) => ev.tables?.store?.epoch))).toEqual(new Set([1]));
    expect(printed(events)).toBe(fixture('.want').toString('latin1'));
    expect(error).toBeInstanceOf(TraceError);
    expect((error as TraceError).goMessage).toBe(fixture('.err').toString().trim());
  });

  it('retires the store at every generation with limit 0, and the epochs count up', () => {
    const trace = new Uint8Array(readFileSync(new URL('./fixtures/go-tests/go122-task-across-generations.trace', import.meta.url)));
    const epochs = new Set<number>();
    for (const ev of readKept(trace, 0).events) {
      const store = ev.tables?.store;
      if (store) epochs.add(store.epoch);
    }
    const generations = readKept(trace, null).events.filter((ev) => ev.kind === EventKind.Sync && ev.tables !== null).length;
    expect(generations).toBeGreaterThan(1);
    expect([...epochs].sort((a, b) => a - b)).toEqual(Array.from({ length: generations }, (_, i) => i + 1));
  });
});
