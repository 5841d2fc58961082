// Old traces (Go 1.11-1.21) whose events of equal times Go orders by a rule:
// ours must be Go's reading byte for byte, not only in the tie-insensitive
// form. The traces (test/fixtures/v1/ties/traces.mjs) are a few events on
// one or two Ps; NAME.want is what Go 1.27's `go tool trace -d=parsed`
// printed, in every run where its maps do not matter, and in most runs where
// they do (runs.tsv). Written by test/fixtures/v1/ties/gen.mjs, from Go only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oldTrace, TIE_TRACES } from './fixtures/v1/ties/traces.mjs';
import { firstDifference, read } from './golden';

const dir = new URL('./fixtures/v1/ties/', import.meta.url);
const file = (name: string) => readFileSync(new URL(name, dir));
// runs.tsv: trace, Go's runs, runs that printed NAME.want, readings Go printed.
const runs = new Map(
  file('runs.tsv')
    .toString()
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([name, n, same, readings]) => [name!, { n: Number(n), same: Number(same), readings: Number(readings) }]),
);

describe("old traces: equal times in Go's order, byte for byte", () => {
  for (const [name, { batches }] of Object.entries(TIE_TRACES)) {
    const how = runs.get(name)!;
    it(`${name} (Go printed this in ${how.same} of ${how.n} runs)`, () => {
      const trace = oldTrace(batches);
      expect(Buffer.compare(Buffer.from(trace), file(name + '.trace'))).toBe(0); // the trace Go read
      const { text, error } = read(trace);
      expect(error).toBeNull();
      const want = file(name + '.want').toString('latin1');
      if (text !== want) expect.fail(firstDifference(text, want));
    });
  }

  it('has traces whose reading Go never varies', () => {
    expect([...runs.values()].filter((r) => r.readings === 1 && r.n >= 16).length).toBeGreaterThanOrEqual(2);
  });
});

describe("conformance's byte-for-byte tally of old traces", () => {
  it("counts ours against every reading Go printed, where it printed one only, and the manifest's", async () => {
    const { oldByteTally } = await import('../scripts/v1-readings.mjs');
    const table = new Map([
      ['t/fixed', { runs: 32, readings: new Map([['a', 32]]) }],
      [
        't/varies',
        {
          runs: 32,
          readings: new Map([
            ['b', 20],
            ['c', 12],
          ]),
        },
      ],
      ['t/other', { runs: 32, readings: new Map([['d', 32]]) }],
    ]);
    const list = [
      { id: 't/fixed', old: true, rawSha: 'a' },
      { id: 't/varies', old: true, rawSha: 'b' },
      { id: 't/other', old: true, rawSha: 'd' },
      { id: 't/new', old: false, rawSha: 'e' },
    ];
    const results = [{ rawSha: 'a' }, { rawSha: 'c' }, { rawSha: 'x' }, { rawSha: 'e' }];
    expect(oldByteTally(list, results, table)).toBe(
      "2 of 3 print one of the readings Go printed in 32 runs, 1 of 2 where it printed one only; 1 of 3 the manifest's",
    );
  });
});
