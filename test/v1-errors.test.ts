// Every error of the old-format reader (format/errors.mjs, 400-499) reached
// by a trace, as Go 1.27 reaches it: each case of fixtures/v1-errors/cases.mjs
// is a hand-built trace (its fields named there) that must fail with Go's
// words (NAME.err) after what Go printed (NAME.out), both written by
// fixtures/v1-errors/gen.mjs from Go only. error-reach.test.ts checks that
// these, with the other fixtures, reach every code but those no trace can
// reach (unreachable-errors.ts, with reasons).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES } from './fixtures/v1-errors/cases.mjs';
import { canon } from './v1-canon';
import { firstDifference, read } from './golden';

const dir = new URL('./fixtures/v1-errors/', import.meta.url);
const file = (name: string) => readFileSync(new URL(name, dir));

// Cases where Go panics on a bug of its own and we end in a TraceError
// instead, after the same events: a trace whose string IDs leave no room for
// the strings Go's conversion adds gets "trace contains too many strings"
// from the conversion's set-up, which Go drops before reading on without
// those strings; the first event that needs one then indexes an empty list
// (Go's words: "runtime error: index out of range [12] with length 0"). We
// cannot panic: we fail there with the error Go dropped, at that event (at
// its batch, byte 16, as the old format's other event errors say).
const GO_PANICS = new Map([
  ['too-many-strings-stw', 'runtime error: index out of range [12] with length 0'],
  ['too-many-strings-log', 'runtime error: index out of range [0] with length 0'],
]);
const OURS = 'trace contains too many strings (at byte 16)';

describe('old-format errors reached as Go reaches them', () => {
  for (const c of CASES) {
    it(`${c.code} ${c.name}`, () => {
      const built = c.build();
      const path = new URL(c.name + '.trace', dir);
      // The committed bytes are the ones cases.mjs describes.
      if (!c.large) expect(Buffer.compare(readFileSync(path), built)).toBe(0);
      else expect(existsSync(path)).toBe(false);
      const { text, error } = read(built);
      const goError = file(c.name + '.err')
        .toString('latin1')
        .split('\n')[0]!
        .replace(/^panic: /, '');
      if (GO_PANICS.has(c.name)) {
        expect(goError).toBe(GO_PANICS.get(c.name));
        expect(error?.message).toBe(OURS);
      } else {
        expect(error?.goMessage ?? '').toBe(goError);
      }
      const got = canon(text),
        want = canon(file(c.name + '.out').toString('latin1'));
      if (got !== want) expect.fail(firstDifference(got, want));
      expect(error?.code ?? 0).toBe(c.code);
    });
  }
});
