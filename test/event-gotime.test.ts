// Go's RFC 3339 formatting of a clock snapshot's wall time, checked against
// what Go itself printed (test/fixtures/events/gotime/gotime.go → gotime.tsv).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatUnixNano } from '../src/gotime';

const fixture = new URL('./fixtures/events/gotime/gotime.tsv', import.meta.url);
const rows = readFileSync(fixture, 'utf8')
  .trimEnd()
  .split('\n')
  .map((line) => line.split('\t'));

describe('formatUnixNano matches time.Unix(sec, nsec).Format(time.RFC3339Nano)', () => {
  it('has the fixture', () => expect(rows.length).toBeGreaterThan(700));
  for (const [sec, nsec, want] of rows) {
    it(`Unix(${sec}, ${nsec})`, () => {
      expect(formatUnixNano(BigInt(sec), BigInt(nsec))).toBe(want);
    });
  }
});
