import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../bindings/index';
import { TraceError } from '../src/errors';
import { textToTrace, traceToText } from '../src/text';

// The real traces of the shared corpus, through text and back, against what
// Go's raw Reader and raw Writer make of each (fixtures/go-tests/reencode.tsv).
// Go's Writer drops the padding the runtime puts in some varints, so the
// reference is Go's re-encoding, not the file itself.
const corpus = '/work/shared/corpus/traces/';
const rows = readFileSync(new URL('./fixtures/go-tests/reencode.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, 'OK' | 'ERR', string]);
const have = existsSync(corpus);
// The ten traces over 1 MB take most of the time: only with GOTRACE_CORPUS=all.
const all = process.env.GOTRACE_CORPUS === 'all';
const big = (name: string): boolean => statSync(corpus + name).size > 1 << 20;

describe.skipIf(!have)(`corpus traces through text and back (${have ? corpus : 'skipped: /work/shared/corpus is missing'})`, () => {
  const core = loadSync();
  it('has the list', () => expect(rows.length).toBeGreaterThan(70));
  for (const [name, verdict, result] of rows) {
    const skipped = have && !all && big(name);
    it.skipIf(skipped)(`${name}: ${verdict} ${result.slice(0, 50)}${skipped ? ' [skipped: over 1 MB, run with GOTRACE_CORPUS=all]' : ''}`, () => {
      const bin = readFileSync(corpus + name);
      let text: string;
      try {
        text = traceToText(bin, core);
      } catch (e) {
        if (!(e instanceof TraceError)) throw e;
        expect(`ERR ${e.goMessage}`).toBe(`${verdict} ${result}`);
        return;
      }
      const again = textToTrace(text);
      expect(`OK ${again.length}:${createHash('sha256').update(again).digest('hex')}`).toBe(`${verdict} ${result}`);
      expect(traceToText(again, core)).toBe(text);
    });
  }
});
