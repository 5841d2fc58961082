// Golden tests of the typed events: for each trace in test/fixtures/events/
// traces/ (small corpus traces of every format, Go's reader tests, fuzz
// seeds), what we print must be what Go 1.27's `go tool trace -d=parsed`
// printed (NAME.want), and we must fail where Go fails (NAME.status) with
// Go's words (NAME.err). The expected files come from Go, never from us.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// read (shared with the old-format tests) is our printout as `gotrace events` makes it, one latin1 char per byte.
import { firstDifference, read } from './golden';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

// Traces we are known to read differently from Go, one per line with the
// reason: their tests are expected to fail, and fail loudly once fixed (then
// delete the line).
const known = new Map(
  readFileSync(new URL('./fixtures/events/known-differences.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.split(/\s+/)[0]!, l] as const),
);

describe("events are Go's -d=parsed output", () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThan(50));
  for (const name of names) {
    (known.has(name) ? it.fails : it)(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir));
      const { text, error } = read(file('.trace'));
      const want = file('.want').toString('latin1');
      if (text !== want) expect.fail(firstDifference(text, want));
      const status = Number(file('.status').toString().trim());
      if (status === 0) {
        expect(error?.message ?? null).toBeNull();
      } else {
        expect(error, 'Go fails on this trace').not.toBeNull();
        // Go follows a few messages with a dump of its state over many lines,
        // which we sum up in one: there, ours must start with Go's first line.
        const goError = file('.err').toString().trimEnd();
        if (goError.includes('\n')) expect(error!.goMessage.startsWith(goError.split('\n')[0]!)).toBe(true);
        else expect(error!.goMessage).toBe(goError);
      }
    });
  }
});
