// `gotrace stats` on old formats (Go 1.11 to 1.21): no generations, said so,
// and the time span of the trace's own events, not of the two Syncs Go's
// reader adds around them (the first at Time=-1 where the trace starts at
// 0). The expected times are from Go's readings of the fixtures (.want.gz:
// `go tool trace -d=parsed`).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatStats, oldFormat, stats, statsCursor } from '../src/commands/stats';
import { openTrace } from '../src/io';

const fixture = (name: string) => new URL(`./fixtures/v1/${name}`, import.meta.url);
const OLD = ['go111-stress_start_stop', 'go119-user_task_region', 'go121-http', 'own-go119-gc', 'own-go121-sched'];

/** goTimes reads Go's reading of an old-format fixture: each event's kind and time. */
function goTimes(name: string): { kind: string; time: bigint }[] {
  const text = gunzipSync(readFileSync(fixture(`${name}.want.gz`))).toString();
  return [...text.matchAll(/^M=\S+ P=\S+ G=\S+ (\w+) Time=(-?\d+)/gm)].map((m) => ({ kind: m[1]!, time: BigInt(m[2]!) }));
}

describe('gotrace stats on old formats', () => {
  for (const name of OLD) {
    it(`${name}: no generations, the span of the trace's events`, async () => {
      const go = goTimes(name);
      // Go's reading: two Syncs, around the trace's events (which the
      // tie-insensitive form of .want may put after the last one, at its time).
      expect(go[0]!.kind).toBe('Sync');
      expect(go.filter((e) => e.kind === 'Sync')).toHaveLength(2);
      const own = go.filter((e) => e.kind !== 'Sync').map((e) => e.time);
      const s = await stats(openTrace(fixture(`${name}.trace`).pathname));
      expect(oldFormat(s.version)).toBe(true);
      expect(s.events).toBe(go.length);
      expect(s.generations).toBe(0);
      expect(BigInt(s.first!)).toBe(own[0]);
      // biome-ignore lint/complexity/useMathMinMax: these are bigints, which Math.max refuses.
      expect(BigInt(s.last!)).toBe(own.reduce((a, b) => (b > a ? b : a)));
      const printed = formatStats(s);
      expect(printed).toMatch(/\ngenerations none \(formats before Go 1\.22 have none\)\n/);
      expect(printed).toContain(`from ${s.first} to ${s.last})`);
      expect(printed).not.toMatch(/from -1 /);
      const { seconds: _a, ...byReader } = s;
      const { seconds: _b, ...byCursor } = await statsCursor(openTrace(fixture(`${name}.trace`).pathname));
      expect(byCursor).toEqual(byReader);
    });
  }
});

describe('oldFormat', () => {
  it('is Go 1.11 to 1.21, not 1.22 on, nor an unread trace', () => {
    expect([11, 19, 21].map(oldFormat)).toEqual([true, true, true]);
    expect([22, 23, 25, 26, 0].map(oldFormat)).toEqual([false, false, false, false, false]);
  });
});
