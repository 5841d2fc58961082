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
import { type Event } from '../src/event';
import { EventKind } from '../src/kinds';
import { format } from '../src/eventstring';
import { Decoder } from '../src/reader';
import { encodeRaw } from '../src/tables';
import { firstDifference } from './golden';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
const known = new Set(readFileSync(new URL('./fixtures/events/known-differences.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[0]!));
// The new formats only (header "go 1.22 trace" on): old traces carry the
// trace's own IDs, in one generation.
const isNew = (name: string) => Number(/^go 1\.(\d+) trace/.exec(readFileSync(new URL(name + '.trace', dir)).subarray(0, 16).toString('latin1'))?.[1] ?? 0) >= 22;
const names = readdirSync(dir).filter((f) => f.endsWith('.trace')).map((f) => f.slice(0, -'.trace'.length))
  .filter((n) => !known.has(n) && isNew(n)).sort();

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
