// Property test of the ordering on broken traces: the hand-written traces of
// test/fixtures/order/cases/, with some event arguments replaced by other
// values, some events swapped, dropped or repeated (the batch sizes fixed up),
// must read to the end or stop with a TraceError of the input: never a trap,
// an internal error or a hang; what they read must be a reading (times that
// increase, Syncs in order) that starts with the unchanged trace's
// generations before the first changed byte (damage-relation.ts). Go's
// reading of such traces was compared offline (gen.sh's converter and
// `go tool trace`): they read alike.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, TraceError } from '../src/errors';
import { readEventsSync } from '../src/reader';
import { textToTrace } from '../src/text';
import { expectSameGenerations, expectWellFormed, firstChange, safeGenerations } from './damage-relation';
import { read } from './golden';

const dir = new URL('./fixtures/order/cases/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));

/** isEvent reports whether a line of raw text is an event the ordering sees. */
const isEvent = (line: string) => /^[A-Z]\w* /.test(line) && !/^(Trace|EventBatch|Frequency|String|Stack) /.test(line);

/** A change to one event line: a new value for one of its arguments, or a move. */
type Change = { line: number; kind: 'arg' | 'swap' | 'drop' | 'repeat'; which: number; value: bigint };

const value = fc.oneof(fc.bigInt({ min: 0n, max: 6n }), fc.constantFrom(0x7fn, 0x80n, (1n << 63n) - 1n, (1n << 64n) - 1n));
const change: fc.Arbitrary<Change> = fc.record({
  line: fc.nat(),
  kind: fc.constantFrom('arg', 'arg', 'arg', 'swap', 'drop', 'repeat'),
  which: fc.nat(),
  value,
});

/** mutate applies the changes to the event lines of a trace's text. */
function mutate(text: string, changes: Change[]): string {
  const lines = text.split('\n');
  const events = lines.flatMap((l, i) => (isEvent(l) ? [i] : []));
  const repeats: number[] = [];
  for (const c of changes) {
    const i = events[c.line % events.length]!;
    if (c.kind === 'arg') {
      const toks = lines[i]!.split(' ');
      const args = toks.flatMap((t, k) => (t.includes('=') && !t.startsWith('dt=') ? [k] : []));
      if (args.length === 0) continue;
      const k = args[c.which % args.length]!;
      toks[k] = `${toks[k]!.split('=')[0]}=${c.value}`;
      lines[i] = toks.join(' ');
    } else if (c.kind === 'swap') {
      const j = events[c.which % events.length]!;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    } else if (c.kind === 'drop') {
      lines[i] = '# ' + lines[i];
    } else {
      repeats.push(i);
    }
  }
  for (const i of repeats) lines[i] = lines[i] + '\n' + lines[i];
  return fixSizes(lines.join('\n'));
}

/** fixSizes gives every batch the size of the events that follow it. */
function fixSizes(text: string): string {
  const [header, ...rest] = text.split('\n');
  const batches = rest.join('\n').split(/(?=^EventBatch )/m);
  return [
    header,
    ...batches.map((b) => {
      const nl = b.indexOf('\n');
      if (!b.startsWith('EventBatch ') || nl < 0) return b;
      const size = textToTrace(header + '\n' + b.slice(nl + 1)).length - 16;
      return b.slice(0, nl).replace(/size=\d+/, `size=${size}`) + b.slice(nl);
    }),
  ].join('\n');
}

describe('the ordering on broken traces', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(50));
  it('reads them or fails with an error of the input', () => {
    // Six cases have two generations: only changes to the second keep the
    // first (reader-mutations.test.ts and differential.test.ts damage traces
    // of five); the rest check the reading's form.
    fc.assert(
      fc.property(fc.nat(), fc.array(change, { minLength: 1, maxLength: 4 }), (pick, changes) => {
        const text = cases[pick % cases.length]!;
        const trace = textToTrace(mutate(text, changes));
        let n = 0;
        try {
          for (const _ of readEventsSync(trace)) if (++n > 100_000) throw new Error('too many events');
        } catch (e) {
          expect(e).toBeInstanceOf(TraceError);
          expect((e as TraceError).code).not.toBe(INTERNAL_ERROR);
        }
        const reading = read(trace),
          what = `case ${pick % cases.length} with ${JSON.stringify(changes, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`;
        expectWellFormed(reading.text, what);
        const original = textToTrace(fixSizes(text));
        const safe = safeGenerations(original, firstChange(original, trace));
        if (safe > 0) expectSameGenerations(reading, read(original), safe, what);
      }),
      { numRuns: 400 },
    );
  });
});
