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

// Cases where we knowingly differ from Go (a bug, reported, not fixed here).
// too-many-strings: Go's conversion returns "trace contains too many strings"
// from its init, but convertV1Trace drops that error and reads on (with no
// stacks and no strings of its own: the 4 lines of NAME.out here); we stop.
const DIFFERS = new Set(['too-many-strings']);

describe('old-format errors reached as Go reaches them', () => {
  for (const c of CASES) {
    const test = DIFFERS.has(c.name) ? it.fails : it;
    test(`${c.code} ${c.name}`, () => {
      const built = c.build();
      const path = new URL(c.name + '.trace', dir);
      // The committed bytes are the ones cases.mjs describes.
      if (!c.large) expect(Buffer.compare(readFileSync(path), built)).toBe(0);
      else expect(existsSync(path)).toBe(false);
      const { text, error } = read(built);
      const goError = file(c.name + '.err').toString('latin1').split('\n')[0]!.replace(/^panic: /, '');
      expect(error?.goMessage ?? '').toBe(goError);
      const got = canon(text), want = canon(file(c.name + '.out').toString('latin1'));
      if (got !== want) expect.fail(firstDifference(got, want));
      expect(error?.code).toBe(c.code);
    });
  }
});
