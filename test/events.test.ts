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
    it(name, () => {
      const file = (ext: string) => readFileSync(new URL(name + ext, dir));
      const { text, error } = readWithGoText(file('.trace'));
      const want = file('.want');
      if (!text.equals(want)) expect.fail(firstDifference(text.toString('latin1'), want.toString('latin1')));
      const status = Number(file('.status').toString().trim());
      if (status === 0) {
        expect(error?.message ?? null).toBeNull();
      } else {
        expect(error, 'Go fails on this trace').not.toBeNull();
        expect(error!.goMessage).toBe(file('.err').toString().trimEnd());
      }
    });
  }
});
