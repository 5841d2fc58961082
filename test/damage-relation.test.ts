// The relations of test/damage-relation.ts, checked on themselves: they hold
// for a reader that does its job and fail for one that does not (an event
// changed, dropped or moved before the damage, times that go back, a Sync
// missed), so that the damage properties using them can fail.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectSameGenerations, expectWellFormed, events, firstChange, safeGenerations } from './damage-relation';
import { read, type Reading } from './golden';

const dir = new URL('./fixtures/generations/', import.meta.url);
const trace = (name: string) => new Uint8Array(readFileSync(new URL(name + '.trace', dir)));

/** cutAt returns `t` cut short at `n` bytes. */
const cutAt = (t: Uint8Array, n: number) => t.subarray(0, n);

/** edited is `r` with its printout's events changed by `f`. */
function edited(r: Reading, f: (evs: string[]) => string[]): Reading {
  return {
    text: f(events(r.text))
      .map((e) => e + '\n')
      .join(''),
    error: r.error,
  };
}

describe('safeGenerations', () => {
  for (const name of ['gens-go1.23', 'gens-go1.27']) {
    it(`${name} reads as Go 1.27 reads it`, () => {
      const { text, error } = read(trace(name));
      expect(error).toBeNull();
      expect(text === readFileSync(new URL(name + '.want', dir), 'latin1')).toBe(true);
    });

    it(`${name}: none at the first batch, all but the last at the end`, () => {
      const t = trace(name);
      expect(safeGenerations(t, 16)).toBe(0);
      expect(safeGenerations(t, t.length)).toBe(4); // five generations; the last has no batch after it
    });

    it(`${name}: each generation read alike by a cut just past its safe end`, () => {
      const t = trace(name),
        whole = read(t);
      let last = -1;
      for (let at = 16; at <= t.length; at += 197) {
        const n = safeGenerations(t, at);
        expect(n).toBeGreaterThanOrEqual(last);
        last = n;
        expectSameGenerations(read(cutAt(t, at)), whole, n, `${name} cut at ${at}`);
      }
      expect(last).toBe(4);
    });
  }
});

describe('the relations fail for a reader that gets the generations before the damage wrong', () => {
  const t = trace('gens-go1.27'),
    whole = read(t);
  const at = t.length - 10,
    damaged = read(cutAt(t, at)),
    n = safeGenerations(t, at);
  const what = 'gens-go1.27 cut 10 bytes short';

  it('holds for ours', () => {
    expect(n).toBe(4);
    expectWellFormed(damaged.text, what);
    expectSameGenerations(damaged, whole, n, what);
  });

  it('an event changed', () => {
    const bad = edited(damaged, (evs) => evs.map((e, i) => (i === 7 ? e.replace(/ G=(-?\d+)/, ' G=12345') : e)));
    expect(() => expectSameGenerations(bad, whole, n, what)).toThrow(/event 7 differs/);
  });

  it('an event dropped', () => {
    const bad = edited(damaged, (evs) => evs.filter((_, i) => i !== 20));
    expect(() => expectSameGenerations(bad, whole, n, what)).toThrow(/differs/);
  });

  it('the last generation before the damage left out', () => {
    const evs = events(damaged.text);
    const lastSync = evs.findIndex((e) => / Sync Time=\d+ N=4/.test(e));
    const bad = edited(damaged, () => evs.slice(0, lastSync + 3));
    expect(() => expectSameGenerations(bad, whole, n, what)).toThrow(/events where the 4 generations/);
  });

  it('two events swapped (times that go back)', () => {
    const bad = edited(damaged, (evs) => {
      const c = [...evs];
      [c[3], c[4]] = [c[4]!, c[3]!];
      return c;
    });
    expect(() => expectWellFormed(bad.text, what)).toThrow(/is not after/);
  });

  it('a Sync missed', () => {
    const bad = edited(damaged, (evs) => evs.filter((e) => !/ Sync Time=\d+ N=2/.test(e)));
    expect(() => expectWellFormed(bad.text, what)).toThrow(/Sync 3 where Sync 2 was due/);
  });

  it('firstChange finds the first byte that differs', () => {
    const b = Uint8Array.from(t);
    b[500] ^= 1;
    expect(firstChange(t, b)).toBe(500);
    expect(firstChange(t, cutAt(t, 300))).toBe(300);
  });
});
