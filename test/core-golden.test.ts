// Golden tests of batches, generations, tables, cursors and the reader loop
// (assembly/batch.ts, generation.ts, tables.ts, cursor.ts, sort.ts, reader.ts),
// through the whole reader: each trace of test/fixtures/core/ (written byte by
// byte by make.mjs, most of them broken on purpose) must print what Go 1.27
// printed for it (NAME.parsed) and fail with Go's words (NAME.err). gen.sh
// made the expected files, with Go only.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../format/errors.mjs';
import { read } from './golden';

const dir = new URL('./fixtures/core/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

// Go's "failed to advance" error dumps the whole frontier and ordering state
// over many lines; ours says the same in one line with a short summary.
const STUCK = 'broken trace: failed to advance: frontier:';

describe('generations, tables and timestamps read as Go reads them', () => {
  const seen = new Set<number>();
  it('has fixtures', () => expect(names.length).toBeGreaterThan(150));
  for (const name of names) {
    it(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir), 'latin1');
      const { text, error } = read(new Uint8Array(readFileSync(new URL(name + '.trace', dir))));
      expect(text).toBe(file('.parsed'));
      const want = file('.err').replace(/\n$/, '');
      if (want.startsWith(STUCK)) expect(error?.goMessage.startsWith(STUCK)).toBe(true);
      else expect(error?.goMessage ?? '').toBe(want);
      if (error) seen.add(error.code);
    });
  }
  it('reach every error of batches, generations, tables and the reader', () => {
    const codes = Object.keys(ERRORS)
      .map(Number)
      .filter((c) => c >= 100 && c < 200);
    expect(codes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
