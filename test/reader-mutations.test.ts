// Malformed input at the Reader's level: traces with random bytes changed,
// inserted or cut must read to their end or fail with a TraceError in Go's
// words; never another exception, never an internal error, never a hang, and
// every event printable; and what they read must be a reading (times that
// increase, Syncs in order) that starts with the undamaged reading's
// generations that lie before the first changed byte (damage-relation.ts).
// MUTATION_SEEDS=N tries N mutations per trace (150).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR } from '../src/errors';
import { expectSameGenerations, expectWellFormed, firstChange, safeGenerations } from './damage-relation';
import { read } from './golden';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.trace`, import.meta.url)));

/** random is a small seeded generator (xorshift32), so that failures can be replayed. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** mutate changes, inserts or removes a few bytes of `b`. */
function mutate(b: Uint8Array, rnd: (n: number) => number): Uint8Array {
  const out = Array.from(b);
  for (let k = 1 + rnd(4); k > 0; k--) {
    const at = 16 + rnd(out.length - 16); // keep the header: past it is where the reading happens
    const what = rnd(3);
    if (what === 0) out[at] = rnd(256);
    else if (what === 1) out.splice(at, 0, rnd(256));
    else out.splice(at, 1 + rnd(8));
  }
  return Uint8Array.from(out);
}

describe('mutated traces', () => {
  const names = ['go1.22-annotations', 'go1.23-annotations', 'go1.27-annotations', 'allocfree-go1.27', 'edge-values']
    .map((n) => `events/traces/${n}`)
    .concat(['generations/gens-go1.23', 'generations/gens-go1.27']);
  for (const name of names) {
    it(name, () => {
      const original = fixture(name),
        undamaged = read(original);
      let kept = 0;
      const seeds = Number(process.env.MUTATION_SEEDS ?? 150);
      for (let seed = 1; seed <= seeds; seed++) {
        const trace = mutate(original, random(seed));
        // read prints every event and rethrows any error but a TraceError.
        const reading = read(trace);
        if (reading.error) expect(reading.error.code, `seed ${seed}: ${reading.error.message}`).not.toBe(INTERNAL_ERROR);
        expectWellFormed(reading.text, `seed ${seed}`);
        const safe = safeGenerations(original, firstChange(original, trace));
        expectSameGenerations(reading, undamaged, safe, `seed ${seed}`);
        if (safe > 0) kept++;
      }
      // The traces of five generations are mostly damaged past their first.
      if (name.startsWith('generations/')) expect(kept).toBeGreaterThan(seeds / 2);
    });
  }
});
