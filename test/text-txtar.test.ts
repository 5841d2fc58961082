import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quote } from '../src/quote';
import { parseExpectation, parseGoTest, parseTxtar } from '../src/txtar';

// Archives with Go's txtar.Parse of each (fixtures/go-tests/txtar/README.md).
const rows = readFileSync(new URL('./fixtures/go-tests/txtar/cases.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split('\t') as [string, string]);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('parseTxtar parses as Go txtar.Parse does', () => {
  it(`on ${rows.length} archives`, () => {
    expect(rows.length).toBeGreaterThan(1000);
    const bad = rows.filter(([input, want]) => {
      const a = parseTxtar(Buffer.from(input, 'hex'));
      const got = [hex(a.comment), ...a.files.map((f) => `${quote(f.name)}=${hex(f.data)}`)].join(' ');
      return got !== want;
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('numbers the first line of each file', () => {
    const a = parseTxtar('note\n\n-- expect --\nSUCCESS\n-- trace --\nTrace Go1.22\nFrequency freq=1\n');
    expect(a.files.map((f) => [f.name, f.line])).toEqual([
      ['expect', 4],
      ['trace', 6],
    ]);
  });
});

describe('parseGoTest reads golden tests as Go testtrace does', () => {
  it('reads the expectation', () => {
    const t = parseGoTest('-- expect --\nFAILURE ".*expected a proc \\"x\\".*"\n-- trace --\nTrace Go1.22\n');
    expect(t.expect).toEqual({ failure: true, pattern: '.*expected a proc "x".*' });
    expect(parseExpectation(Buffer.from('SUCCESS\n'))).toEqual({ failure: false });
    expect(parseExpectation(Buffer.from(''))).toEqual({ failure: false });
  });

  it('rejects malformed tests with Go words', () => {
    expect(() => parseGoTest('-- trace --\n')).toThrow('malformed test: wrong number of files');
    expect(() => parseGoTest('-- a --\n-- trace --\n')).toThrow('malformed test: bad filename a');
    expect(() => parseExpectation(Buffer.from('FAILURE\n'))).toThrow('bad header line for FAILURE: "FAILURE"');
    expect(() => parseExpectation(Buffer.from('FAILURE x\n'))).toThrow('malformed pattern: not correctly quoted: x');
    expect(() => parseExpectation(Buffer.from('\n'))).toThrow('bad header line: ""');
  });
});
