import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { textToTrace, TextError, traceToText } from '../src/text';
import { parseGoTest } from '../src/txtar';

// Go's golden reader tests (src/internal/trace/testdata/tests), each with the
// binary trace Go's raw writer makes of its text, and Go's verdict on it in
// MANIFEST.tsv: copied from /work/shared/corpus/go-tests.
const dir = new URL('./fixtures/go-tests/', import.meta.url);
const tests = readdirSync(dir)
  .filter((f) => f.endsWith('.test'))
  .sort();

describe('textToTrace on Go golden tests is byte-identical to Go', () => {
  it('has the fixtures', () => expect(tests.length).toBeGreaterThanOrEqual(22));
  for (const name of tests) {
    it(name, () => {
      const t = parseGoTest(readFileSync(new URL(name, dir)));
      const want = readFileSync(new URL(name.replace(/\.test$/, '.trace'), dir));
      expect(Buffer.from(textToTrace(t.trace.data, t.trace.line)).equals(want)).toBe(true);
    });
  }
});

// Raw text cases (fixtures/go-tests/text): literal inputs and edits of the
// golden tests, with what Go's TextReader and raw Writer make of them.
const textDir = new URL('./fixtures/go-tests/text/', import.meta.url);

/** caseInput rebuilds a case's input from its fixture columns. */
function caseInput(source: string, input: string): Uint8Array {
  if (source === '-') {
    const parts = input.replace(/([0-9a-f]{2})\*(\d+);/g, (_, b: string, n: string) => b.repeat(Number(n)));
    return Buffer.from(parts, 'hex');
  }
  const text = readFileSync(new URL(source, dir), 'utf8').split('-- trace --\n')[1]!;
  const [pos, del, ins] = input.split(':') as [string, string, string];
  return Buffer.concat([Buffer.from(text.slice(0, Number(pos))), Buffer.from(ins, 'hex'), Buffer.from(text.slice(Number(pos) + Number(del)))]);
}

describe('textToTrace reads raw text as Go does, errors included', () => {
  const rows = readFileSync(new URL('cases.tsv', textDir), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string, string, 'OK' | 'ERR', string]);
  it('has the cases', () => expect(rows.length).toBeGreaterThan(300));
  for (const [name, source, input, verdict, result] of rows) {
    it(`${name}: ${verdict} ${result.slice(0, 60)}`, () => {
      const text = caseInput(source, input);
      let got: string;
      try {
        const bin = textToTrace(text);
        got = `OK ${bin.length}:${createHash('sha256').update(bin).digest('hex')}`;
      } catch (e) {
        if (!(e instanceof TextError)) throw e;
        got = `ERR ${e.goMessage}`;
      }
      expect(got).toBe(`${verdict} ${result}`);
    });
  }
});

describe('textToTrace errors name the line', () => {
  const fail = (text: string, firstLine?: number): TextError => {
    try {
      textToTrace(text, firstLine);
    } catch (e) {
      if (e instanceof TextError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('counts blank and comment lines, and starts where it is told', () => {
    const e = fail('Trace Go1.22\n\n# c\nFrequency freq=x\n');
    expect([e.line, e.message]).toEqual([4, 'line 4: reading args for Frequency: failed to parse argument value "x" for arg "freq"']);
    expect(fail('Trace Go1.22\nNope\n', 10).line).toBe(11);
  });

  it('puts a missing frame or data line on its event', () => {
    expect(fail('Trace Go1.22\nStack id=1 nframes=2\n\tpc=1 func=2 file=3 line=4\n').message).toBe(
      'line 2: unexpected EOF while reading stack: args=[1 2 1 2 3 4]',
    );
    expect(fail('Trace Go1.22\nString id=1\n').line).toBe(2);
    expect(fail('').message).toBe('line 1: EOF');
  });
});

describe('traceToText writes what Go wrote', () => {
  for (const name of tests) {
    it(`${name}: text → binary → text is Go's text, and binary → text → binary is the identity`, () => {
      const t = parseGoTest(readFileSync(new URL(name, dir)));
      const bin = textToTrace(t.trace.data, t.trace.line);
      const text = traceToText(bin);
      expect(Buffer.from(textToTrace(text)).equals(Buffer.from(bin))).toBe(true);
      expect(text).toBe(Buffer.from(t.trace.data).toString('utf8'));
    });
  }
});

describe("golden tests' expectations agree with Go's reading in MANIFEST.tsv", () => {
  const manifest = new Map(
    readFileSync(new URL('MANIFEST.tsv', dir), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t'))
      .map((c) => [c[0]!.replace(/\.trace$/, '.test'), { verdict: c[1]!, error: c[5] ?? '' }]),
  );
  for (const name of tests) {
    it(name, () => {
      const { expect: want } = parseGoTest(readFileSync(new URL(name, dir)));
      const go = manifest.get(name)!;
      expect(go.verdict).toBe(want.failure ? 'error' : 'ok');
      if (want.failure) expect(go.error).toMatch(new RegExp(want.pattern!));
    });
  }
});
