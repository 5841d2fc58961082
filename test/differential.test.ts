// Properties of the event reader over real traces, and a differential test
// against Go's own reader: streaming cannot change what a trace reads as;
// damaged traces (cut, bytes flipped, garbage spliced in, bytes deleted or
// duplicated) end normally or with a TraceError, never anything else, and
// quickly; and where Go is installed, a fixed-seed sample of damaged traces
// reads exactly as `go tool trace -d=parsed` reads them, verdict included.
// DIFF_SEED=N draws another sample for the comparison with Go (default 2027).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, TraceError } from '../src/errors';
import { Reader, readEventsSync } from '../src/reader';
// read (shared with the golden tests) is our printout as `gotrace events` makes it, one latin1 char per byte.
import { read, type Reading } from './golden';
import { expectSameGenerations, expectWellFormed, firstChange, safeGenerations } from './damage-relation';

const dir = new URL('./fixtures/events/traces/', import.meta.url);
// Real traces of every format (Go 1.22 to 1.27 programs, Go's own reader
// tests, allocation traces); the cut-* and fuzz-* fixtures are damaged
// already, and the largest fixture only slows the runs down.
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .filter((n) => /^(go1\.2\d-|test-go12|allocfree-)/.test(n) && n !== 'test-go122-gc-stress')
  .sort();
const traces = names.map((n) => new Uint8Array(readFileSync(new URL(n + '.trace', dir))));

const GO = '/opt/go-toolchains/go1.27/bin/go';

/** Outcome is a reading as compared here: the events' String()s, one a line, and the error's message. */
interface Outcome {
  text: string;
  error: string | null;
}

/** wholeReading reads `bytes` in one piece, synchronously. */
function wholeReading(bytes: Uint8Array): Outcome {
  let text = '';
  try {
    for (const ev of readEventsSync(bytes)) text += `${ev}\n`;
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return { text, error: e.message };
  }
  return { text, error: null };
}

/** chunks yields `bytes` in pieces whose sizes cycle through `sizes`. */
async function* chunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

/** streamedReading reads `bytes` through a Reader fed an async iterable of chunks. */
async function streamedReading(bytes: Uint8Array, sizes: number[]): Promise<Outcome> {
  let text = '';
  try {
    for await (const ev of new Reader(chunks(bytes, sizes))) text += `${ev}\n`;
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return { text, error: e.message };
  }
  return { text, error: null };
}

/** A damage done to a trace; positions are taken modulo the bytes there are. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 32 }) }),
);
/** A damaged trace: which fixture, and the damages done to it in turn. */
const damaged = fc.record({
  trace: fc.nat({ max: traces.length - 1 }),
  damages: fc.array(damage, { minLength: 1, maxLength: 4 }),
});
type Damaged = typeof damaged extends fc.Arbitrary<infer T> ? T : never;

/**
 * apply returns the bytes of `d`. Damage lands past the 16-byte header (a cut
 * may fall anywhere): a broken header is one check, the rest is the reader.
 */
function apply(d: Damaged, from: Uint8Array[] = traces): Uint8Array {
  let b = from[d.trace]!;
  for (const x of d.damages) {
    if (x.kind === 'cut') {
      b = b.slice(0, x.at % (b.length + 1));
      continue;
    }
    if (b.length <= 16) continue;
    const at = 16 + (x.at % (b.length - 16));
    const out = Array.from(b);
    if (x.kind === 'flip') out[at] = out[at]! ^ (1 << x.bit);
    else if (x.kind === 'splice') out.splice(at, 0, ...x.bytes);
    else if (x.kind === 'delete') out.splice(at, x.count);
    else out.splice(at, 0, ...out.slice(at, at + x.count));
    b = Uint8Array.from(out);
  }
  return b;
}

/** describeCase names a damaged trace so that a failure can be replayed by hand. */
function describeCase(d: Damaged): string {
  return `${names[d.trace]} with ${JSON.stringify(d.damages, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`;
}

describe('streaming cannot change the result', () => {
  it('has real traces of every format', () => {
    for (const v of ['go1.22', 'go1.23', 'go1.24', 'go1.26', 'go1.27']) {
      expect(names.filter((n) => n.startsWith(v + '-')).length, v).toBeGreaterThanOrEqual(3);
    }
  });

  it('whole or in random chunks, down to single bytes', async () => {
    const whole = new Map<number, Outcome>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: traces.length - 1 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4096 })), { minLength: 1, maxLength: 20 }),
        async (t, sizes) => {
          if (!whole.has(t)) whole.set(t, wholeReading(traces[t]!));
          const want = whole.get(t)!;
          const got = await streamedReading(traces[t]!, sizes);
          expect(got.error, names[t]).toBe(want.error);
          expect(got.text === want.text, `${names[t]} in chunks of ${sizes}`).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

/** GO_INTERNAL is Go's verdict on an EndOfGeneration where a batch should be, which Go words as an internal error. */
const GO_INTERNAL = 'internal error: unexpectedly processing EndOfGeneration; broken trace?';

describe('damaged input never crashes, hangs or traps', () => {
  it("takes Go's own 'internal error' verdict for what it is: a TraceError with Go's words", () => {
    // Found by the property below (Go 1.27 reads this copy to the same events and the same words).
    const bytes = apply({
      trace: names.indexOf('test-go122-create-syscall-with-p'),
      damages: [
        { kind: 'splice', at: 749592875, bytes: Uint8Array.from([0, 0, 1, 52, 0]) },
        { kind: 'duplicate', at: 108075724, count: 27 },
      ],
    });
    const { error } = read(bytes);
    expect(error).toBeInstanceOf(TraceError);
    expect(error!.code).not.toBe(INTERNAL_ERROR);
    expect(error!.goMessage).toBe(GO_INTERNAL);
    expect(error!.offset).toBe(89);
  });

  // A sync reading cannot be interrupted: a true endless loop stalls the run
  // rather than failing it; a slow one fails here.
  const BOUND_MS = 2000;

  it('ends with the events or a TraceError, in time, the generations before the damage read as before', () => {
    let failures = 0;
    const undamaged = new Map<number, Reading>();
    fc.assert(
      fc.property(damaged, (d) => {
        const bytes = apply(d);
        const start = performance.now();
        const reading = read(bytes); // read rethrows any error that is not a TraceError
        const ms = performance.now() - start;
        expect(ms, `${describeCase(d)} took ${ms.toFixed(0)} ms`).toBeLessThan(BOUND_MS);
        const { text, error } = reading;
        expectWellFormed(text, describeCase(d));
        const original = traces[d.trace]!;
        if (!undamaged.has(d.trace)) undamaged.set(d.trace, read(original));
        const safe = safeGenerations(original, firstChange(original, bytes));
        expectSameGenerations(reading, undamaged.get(d.trace)!, safe, describeCase(d));
        if (error === null) return;
        failures++;
        expect(error.code, `${describeCase(d)}: ${error.message}`).not.toBe(INTERNAL_ERROR);
        // Go's reader words one of its own verdicts so; it is not ours.
        if (error.goMessage !== GO_INTERNAL) expect(error.goMessage, describeCase(d)).not.toMatch(/internal error/);
      }),
      { numRuns: 200 },
    );
    // Damage that every reading shrugged off would test nothing, and so
    // would damage that always struck the first generation.
    expect(failures).toBeGreaterThan(20);
  });

  // Traces of five generations (Go 1.23: a generation ends where the next
  // begins; Go 1.27: at its EndOfGeneration), so that damage often leaves
  // whole generations before it.
  const gensDir = new URL('./fixtures/generations/', import.meta.url);
  const gens = ['gens-go1.23', 'gens-go1.27'].map((n) => new Uint8Array(readFileSync(new URL(n + '.trace', gensDir))));
  const damagedGens = fc.record({ trace: fc.nat({ max: gens.length - 1 }), damages: fc.array(damage, { minLength: 1, maxLength: 4 }) });

  it('reads the generations before the damage as before', () => {
    let kept = 0;
    const undamaged = gens.map((t) => read(t));
    fc.assert(
      fc.property(damagedGens, (d) => {
        const bytes = apply(d, gens);
        const reading = read(bytes);
        const what = `gens ${d.trace} with ${JSON.stringify(d.damages, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`;
        expectWellFormed(reading.text, what);
        const safe = safeGenerations(gens[d.trace]!, firstChange(gens[d.trace]!, bytes));
        expectSameGenerations(reading, undamaged[d.trace]!, safe, what);
        if (safe > 0) kept++;
      }),
      { numRuns: 150 },
    );
    // Damage that always struck the first generation would compare nothing.
    expect(kept).toBeGreaterThan(40); // about 80 of 150 expected
  });
});

/** goRead runs Go's reader on `file`: its stdout (latin1), its stderr, and its exit status. */
function goRead(file: string): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) => {
    execFile(
      GO,
      ['tool', 'trace', '-d=parsed', file],
      {
        env: { ...process.env, TZ: 'UTC', GOTOOLCHAIN: 'local' },
        encoding: 'latin1',
        maxBuffer: 1 << 28,
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const status = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ stdout, stderr: stderr.trimEnd(), status });
      },
    );
  });
}

/** inPairs runs `job` over `items` with at most two running at once (the machine has two cores). */
async function inPairs<T, R>(items: T[], job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i; (i = next++) < items.length; ) out[i] = await job(items[i]!);
  };
  await Promise.all([worker(), worker()]);
  return out;
}

describe.skipIf(!existsSync(GO))(`damaged traces read as Go reads them (${GO}${existsSync(GO) ? '' : ': skipped, not installed'})`, () => {
  const seed = Number(process.env.DIFF_SEED ?? 2027);
  const cases = fc.sample(damaged, { seed, numRuns: 40 });
  let temp = '';
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'gotrace-differential-'));
  });
  afterAll(() => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it(`40 damaged traces, seed ${seed}`, async () => {
    const files = cases.map((d, i) => {
      const file = join(temp, `case-${i}.trace`);
      writeFileSync(file, apply(d));
      return file;
    });
    const go = await inPairs(files, goRead);
    const disagreements: string[] = [];
    let goFailed = 0;
    cases.forEach((d, i) => {
      const ours = read(apply(d));
      const theirs = go[i]!;
      if (theirs.status !== 0) goFailed++;
      const where = `case ${i} (${describeCase(d)})`;
      if (ours.text !== theirs.stdout) disagreements.push(`${where}: events differ`);
      if (theirs.status === 0 && ours.error) disagreements.push(`${where}: Go reads it, we fail: ${ours.error.goMessage}`);
      if (theirs.status !== 0 && !ours.error) disagreements.push(`${where}: Go fails (${theirs.stderr}), we read it`);
      // Go follows a few messages with a dump of its state (in random map
      // order) that we sum up in one line: there, only Go's first line counts.
      const [first, ...rest] = theirs.stderr.split('\n');
      const same = (m: string) => (rest.length > 0 ? m.startsWith(first!) : m === first);
      if (theirs.status !== 0 && ours.error && !same(ours.error.goMessage)) {
        disagreements.push(`${where}: Go says ${JSON.stringify(theirs.stderr)}, we say ${JSON.stringify(ours.error.goMessage)}`);
      }
    });
    expect(disagreements).toEqual([]);
    // A sample Go reads through every time would compare nothing of the verdicts.
    expect(goFailed).toBeGreaterThan(10);
  });
});
if (!existsSync(GO)) console.warn(`differential.test.ts: ${GO} is not installed; the comparison with Go is skipped`);
