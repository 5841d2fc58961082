// Golden tests of the typed events: for each trace in test/fixtures/events/
// traces/ (small corpus traces of every format, Go's reader tests, fuzz
// seeds), what we print must be what Go 1.27's `go tool trace -d=parsed`
// printed (NAME.want), and we must fail where Go fails (NAME.status) with
// Go's words (NAME.err). The expected files come from Go, never from us.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../bindings/index';
import { TraceError } from '../src/errors';
import { format } from '../src/eventstring';
import { readEventsSync } from '../src/reader';
import { encodeRaw } from '../src/tables';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.trace')).map((f) => f.slice(0, -'.trace'.length)).sort();

// Traces we are known to read differently from Go, one per line with the
// reason: their tests are expected to fail, and fail loudly once fixed (then
// delete the line).
const known = new Map(readFileSync(new URL('./fixtures/events/known-differences.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.split(/\s+/)[0]!, l] as const));

beforeAll(() => {
  // GOTRACE_WASM points the tests at another build of the core (default: build/gotrace.wasm).
  if (process.env.GOTRACE_WASM) initSync(readFileSync(process.env.GOTRACE_WASM));
});

/** readWithGoText reads a trace and returns what we print for it, and the error it ends with. */
function readWithGoText(trace: Uint8Array): { text: Buffer; error: TraceError | null } {
  const parts: string[] = [];
  let error: TraceError | null = null;
  try {
    for (const ev of readEventsSync(trace)) parts.push(format(ev, true) + '\n');
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    error = e;
  }
  return { text: Buffer.from(encodeRaw(parts.join(''))), error };
}

/** firstDifference names the first line where two texts differ, for a readable failure. */
function firstDifference(got: string, want: string): string {
  const a = got.split('\n'), b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}`;
  }
  return 'no difference';
}

describe('events are Go\'s -d=parsed output', () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThan(50));
  for (const name of names) {
    (known.has(name) ? it.fails : it)(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir));
      const { text, error } = readWithGoText(file('.trace'));
      const want = file('.want');
      if (!text.equals(want)) expect.fail(firstDifference(text.toString('latin1'), want.toString('latin1')));
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

/**
 * canonical is the tie-insensitive form of a reading of an old-format trace
 * (as the corpus's tools/canon.py makes it): Go converts old traces with
 * events of equal times in an order that varies from run to run, then nudges
 * each tie 1 ns later. Events whose times run t, t+1, t+2, ... get the first
 * time of their group and are sorted within it.
 */
function canonical(text: string): string {
  const events = text.split(/\n(?=M=)/);
  const timeOf = (e: string) => / Time=(-?\d+)/.exec(e)?.[1];
  const out: string[] = [];
  let group: string[] = [];
  let start = '';
  let last: bigint | null = null;
  const flush = () => {
    out.push(...group.map((e) => e.replace(/ Time=(-?\d+)/, ` Time=${start}`)).sort());
    group = [];
  };
  for (const e of events) {
    const t = timeOf(e);
    const time = t === undefined ? null : BigInt(t);
    if (time !== null && last !== null && (time - last === 0n || time - last === 1n)) {
      group.push(e);
    } else {
      flush();
      group.push(e);
      start = t ?? '';
    }
    last = time;
  }
  flush();
  return out.join('\n');
}

const v1dir = new URL('./fixtures/events/v1/', import.meta.url);
const v1names = readdirSync(v1dir).filter((f) => f.endsWith('.trace')).map((f) => f.slice(0, -'.trace'.length)).sort();

describe('old-format traces read as Go converts them (ties canonicalised)', () => {
  it('has fixtures', () => expect(v1names.length).toBeGreaterThan(3));
  for (const name of v1names) {
    it(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, v1dir));
      const { text, error } = readWithGoText(file('.trace'));
      expect(error?.message ?? null).toBeNull();
      const got = canonical(text.toString('latin1')), want = canonical(file('.want').toString('latin1'));
      if (got !== want) expect.fail(firstDifference(got, want));
    });
  }
});
