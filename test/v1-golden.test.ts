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
import { describe, expect, it } from 'vitest';
import { applySpec } from './fixtures/v1/damage.mjs';
import { canon } from './v1-canon';
import { firstDifference, read } from './golden';

const dir = new URL('./fixtures/v1/', import.meta.url);
const file = (name: string) => readFileSync(new URL(name, dir));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

describe('old traces read as Go reads them', () => {
  it('has fixtures of every old format', () => {
    for (const v of ['go111', 'go119', 'go121']) expect(names.some((n) => n.includes(v))).toBe(true);
  });
  for (const name of names) {
    it(name, () => {
      const { text, error } = read(file(name + '.trace'));
      const got = canon(text),
        want = gunzipSync(file(name + '.want.gz')).toString('latin1');
      if (got !== want) expect.fail(firstDifference(got, want));
      const goError = file(name + '.err')
        .toString()
        .trimEnd();
      expect(error?.goMessage ?? '').toBe(goError);
    });
  }
});

// exact.tsv: for each fixture, how many readings Go printed in some runs and,
// where it printed one only, that reading's sha256 (test/fixtures/v1/exact.mjs).
const exact = file('exact.tsv')
  .toString()
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'))
  .filter(([, , readings]) => readings === '1');

describe('old traces read byte for byte as Go reads them, where its reading never varies', () => {
  it('has such fixtures', () => expect(exact.length).toBeGreaterThanOrEqual(8));
  for (const [name, runs, , sha] of exact) {
    it(`${name} (one reading in ${runs} runs of Go)`, () => {
      const { text } = read(file(name + '.trace'));
      expect(createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex')).toBe(sha);
    });
  }
});

// Rows of damaged.tsv: base trace, damage, Go's error ("" where it read the
// trace, "panic: …" where it crashed), sha256 of the form of its printout.
const rows = file('damaged.tsv')
  .toString()
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));

describe('damaged old traces fail as Go fails', () => {
  it('has rows', () => expect(rows.length).toBeGreaterThan(100));
  for (const [base, spec, goError, sha] of rows) {
    it(`${base} ${spec}`, () => {
      const { text, error } = read(applySpec(file(base + '.trace'), spec!));
      // Where Go's printer panics on an ID the damage took from the tables,
      // we fail with the panic's words instead, after the same events.
      expect(error?.goMessage ?? '').toBe(goError!.replace(/^panic: /, ''));
      expect(
        createHash('sha256')
          .update(Buffer.from(canon(text), 'latin1'))
          .digest('hex'),
      ).toBe(sha);
    });
  }
});

/** craftSyscalls builds an old trace (Go 1.21) of `n` goroutines, one after
 * another on P 0, each created, started, in a blocking syscall whose exit
 * event carries the syscall's real end (tick T+`exitAt` for the goroutine's
 * base tick T), started again and ended. A HeapAlloc at T+40 lies between the
 * block (T+30) and the exit event (T+50). */
function craftSyscalls(n: number, exitAt: number): Uint8Array {
  const uv = (x: number): number[] => {
    const out: number[] = [];
    for (; x >= 0x80; x = Math.floor(x / 128)) out.push((x & 0x7f) | 0x80);
    return [...out, x];
  };
  const b: number[] = [...new TextEncoder().encode('go 1.21 trace\0\0\0'), 0x41, 0, 0];
  let t = 0;
  const ev = (at: number, typ: number, ...args: number[]) => {
    const all = [at - t, ...args];
    t = at;
    if (all.length <= 3) b.push(((all.length - 1) << 6) | typ, ...all.flatMap(uv));
    else {
      const body = all.flatMap(uv);
      b.push((3 << 6) | typ, ...uv(body.length), ...body);
    }
  };
  for (let g = 1; g <= n; g++) {
    const T = g * 100;
    ev(T, 13, g, 0, 0); // GoCreate
    ev(T + 10, 14, g, 1); // GoStart, seq 1
    ev(T + 20, 28, 0); // GoSysCall
    ev(T + 30, 30); // GoSysBlock
    ev(T + 40, 33, 4096 + g); // HeapAlloc
    ev(T + 50, 29, g, 2, T + exitAt); // GoSysExit, seq 2, real end
    ev(T + 60, 14, g, 3); // GoStart, seq 3
    ev(T + 70, 15); // GoEnd
  }
  b.push(2, ...uv(1e9)); // Frequency
  return Uint8Array.from(b);
}

// Syscall exits whose real end moves them: a few past one event (put back in
// place), many (merged), one past later events (merged, then Go's check
// fails). Go's verdicts: its error, and sha256 of canon.py of its printout.
describe('syscall exits moved to their real end, as Go moves them', () => {
  const cases: [string, number, number, string, string][] = [
    ['a few, moved earlier', 3, 35, '', '3841c23c70ef048f414278b772664878468ba68c2614071f2cb5e6994c3765fc'],
    ['70, moved earlier', 70, 35, '', 'ca2e78c63331e38f60eaf834d5181994ad37452d0000aa377948e26432a396be'],
    ['one, moved later', 1, 65, 'g 1 is not runnable before start (time 60)', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ];
  for (const [name, n, exitAt, goError, sha] of cases) {
    it(name, () => {
      const { text, error } = read(craftSyscalls(n, exitAt));
      expect(error?.goMessage ?? '').toBe(goError);
      expect(
        createHash('sha256')
          .update(Buffer.from(canon(text), 'latin1'))
          .digest('hex'),
      ).toBe(sha);
    });
  }
});
