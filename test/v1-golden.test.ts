// Golden tests of old traces (Go 1.11-1.21): for each trace in
// test/fixtures/v1/ (from Go's source tree, and written by the programs in
// test/programs/ with Go 1.19 and 1.21), what we print must be what Go 1.27's
// `go tool trace -d=parsed` printed, in the tie-insensitive form of
// test/v1-canon.ts (Go orders events of equal times differently from run to
// run); and for damaged copies of some, we must fail where and as Go fails.
// The expectations come from Go (test/fixtures/v1/gen.mjs), never from us.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../bindings/index';
import { applySpec } from './fixtures/v1/damage.mjs';
import { generate } from '../scripts/gen-format-v1.mjs';
import { canon } from './v1-canon';
import { read } from './v1-read';

const dir = new URL('./fixtures/v1/', import.meta.url);
const file = (name: string) => readFileSync(new URL(name, dir));
const names = readdirSync(dir).filter((f) => f.endsWith('.trace')).map((f) => f.slice(0, -'.trace'.length)).sort();

beforeAll(() => {
  // GOTRACE_WASM points the tests at another build of the core (default: build/gotrace.wasm).
  if (process.env.GOTRACE_WASM) initSync(readFileSync(process.env.GOTRACE_WASM));
});

/** firstDifference names the first line where two texts differ, for a readable failure. */
function firstDifference(got: string, want: string): string {
  const a = got.split('\n'), b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}`;
  }
  return 'no difference';
}

describe('old traces read as Go reads them', () => {
  it('has fixtures of every old format', () => {
    for (const v of ['go111', 'go119', 'go121']) expect(names.some((n) => n.includes(v))).toBe(true);
  });
  for (const name of names) {
    it(name, () => {
      const { text, error } = read(file(name + '.trace'));
      const got = canon(text), want = gunzipSync(file(name + '.want.gz')).toString('latin1');
      if (got !== want) expect.fail(firstDifference(got, want));
      const goError = file(name + '.err').toString().trimEnd();
      expect(error?.goMessage ?? '').toBe(goError);
    });
  }
});

// Rows of damaged.tsv: base trace, damage, Go's error ("" where it read the
// trace, "panic: …" where it crashed), sha256 of the form of its printout.
const rows = file('damaged.tsv').toString().split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));

describe('damaged old traces fail as Go fails', () => {
  it('has rows', () => expect(rows.length).toBeGreaterThan(100));
  for (const [base, spec, goError, sha] of rows) {
    it(`${base} ${spec}`, () => {
      const { text, error } = read(applySpec(file(base + '.trace'), spec!));
      // Where Go's printer panics on an ID the damage took from the tables,
      // we fail with the panic's words instead, after the same events.
      expect(error?.goMessage ?? '').toBe(goError!.replace(/^panic: /, ''));
      expect(createHash('sha256').update(Buffer.from(canon(text), 'latin1')).digest('hex')).toBe(sha);
    });
  }
});

describe('assembly/v1/format.ts', () => {
  it('is what scripts/gen-format-v1.mjs writes from format/events-v1.mjs', () => {
    expect(readFileSync(new URL('../assembly/v1/format.ts', import.meta.url), 'utf8')).toBe(generate());
  });
});
