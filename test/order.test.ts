// Golden tests of the ordering's corner cases (assembly/order*.ts), through the
// whole reader: each trace of test/fixtures/order/ is a small hand-written
// trace (cases/NAME.txt, in Go's raw text format) that drives one handler into
// one of its branches: most into one of Go's errors, the rest through its rare
// successes (GoSwitch, steals of abandoned procs, statuses on threads of
// nobody, state that crosses generations). What we print must be what Go 1.27
// printed for it (NAME.parsed) and we must fail with Go's words (NAME.err).
// gen.sh made the binary traces and the expected files, with Go only.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../format/errors.mjs';
import { read } from './golden';
import { UNREACHABLE } from './unreachable-errors';

const dir = new URL('./fixtures/order/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

describe("the ordering's corner cases read as Go reads them", () => {
  const seen = new Set<number>();
  it('has fixtures', () => expect(names.length).toBeGreaterThan(50));
  for (const name of names) {
    it(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir), 'latin1');
      const { text, error } = read(new Uint8Array(readFileSync(new URL(name + '.trace', dir))));
      expect(text).toBe(file('.parsed'));
      expect(error?.goMessage ?? '').toBe(file('.err').trimEnd());
      // Fixtures named fail-* are there for one of Go's errors.
      expect(error !== null).toBe(name.startsWith('fail-'));
      if (error) seen.add(error.code);
    });
  }
  it('reach every error of the ordering', () => {
    const codes = Object.keys(ERRORS)
      .map(Number)
      .filter((c) => c >= 200 && c < 400 && !UNREACHABLE.has(c));
    expect(codes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
