// A table check over every error of format/errors.mjs: each is reached by a
// committed fixture (a trace with Go's verdict beside it, which its own golden
// test compares), or is listed in unreachable-errors.ts with the reason. A new
// error code fails here until a fixture reaches it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../format/errors.mjs';
import { CASES } from './fixtures/v1-errors/cases.mjs';
import { applySpec } from './fixtures/v1/damage.mjs';
import { loadSync } from '../bindings/index';
import { TraceError } from '../src/errors';
import { WireReader } from '../src/wire';
import { read } from './golden';
import { UNREACHABLE } from './unreachable-errors';

// Codes reached only by inputs too large to commit, which their tests build.
const BUILT = new Map<number, string>([
  [6, 'wire.test.ts: an event past 8 MiB'],
  [7, 'v1-limits.test.ts: an old trace of 2^23 + 1 events'],
  [900, 'event-errors.test.ts, bindings.test.ts: our own bugs (a trap), not the trace'],
]);

const fixtures = new URL('./fixtures/', import.meta.url);

/** codeOf is the code of the error that reading `trace` ends with (0: none). */
function codeOf(trace: Uint8Array): number {
  return read(trace).error?.code ?? 0;
}

/** wireCodeOf is the code of the error that listing `trace` as -d=wire does ends with (0: none). */
function wireCodeOf(trace: Uint8Array): number {
  const reader = new WireReader(loadSync());
  try {
    reader.feed(trace);
    while (reader.text());
    reader.close();
    while (reader.text());
  } catch (e) {
    if (e instanceof TraceError) return e.code;
    throw e;
  }
  return 0;
}

/** tracesIn lists the traces of a fixture directory that have Go's error beside them. */
function tracesIn(sub: string): Uint8Array[] {
  const dir = new URL(sub + '/', fixtures);
  const names = readdirSync(dir);
  return names.filter((f) => f.endsWith('.trace') && names.includes(f.replace(/\.trace$/, '.err'))).map((f) => new Uint8Array(readFileSync(new URL(f, dir))));
}

describe('every error the core can raise', () => {
  it('is reached by a fixture, or said to be unreachable', { timeout: 60_000 }, () => {
    const seen = new Set<number>();
    for (const sub of ['core', 'order', 'v1']) for (const t of tracesIn(sub)) seen.add(codeOf(t));
    for (const t of tracesIn('wire')) seen.add(wireCodeOf(t));
    for (const c of CASES) seen.add(codeOf(c.build()));
    const v1 = new URL('v1/', fixtures);
    for (const row of readFileSync(new URL('damaged.tsv', v1), 'utf8').split('\n')) {
      if (!row || row.startsWith('#')) continue;
      const [base, spec] = row.split('\t');
      seen.add(codeOf(applySpec(readFileSync(new URL(base + '.trace', v1)), spec!)));
    }
    const codes = Object.keys(ERRORS).map(Number);
    expect(codes.filter((c) => !seen.has(c) && !UNREACHABLE.has(c) && !BUILT.has(c))).toEqual([]);
    expect(codes.filter((c) => seen.has(c) && (UNREACHABLE.has(c) || BUILT.has(c)))).toEqual([]);
  });
});
