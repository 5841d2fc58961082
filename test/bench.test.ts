// The bench harness's own parts: its whole-process measurement (time and peak
// RSS), its reading of both readers' outputs, its arithmetic and table, and
// bench/gen's traces as Go 1.27 reads them (skipped without Go).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotCli } from '../bench/lib/cli.mjs';
import { GNU_TIME, goEventCount, measure, median, ourEventCount } from '../bench/lib/measure.mjs';
import { fixed, formatTable, ratio } from '../bench/lib/table.mjs';
import { GO, genBinary, sizeBytes } from '../bench/lib/traces.mjs';

describe('measure', () => {
  it.skipIf(!existsSync(GNU_TIME))(
    `takes the peak RSS and wall time of the whole child process${existsSync(GNU_TIME) ? '' : ` [skipped: no GNU time at ${GNU_TIME}]`}`,
    () => {
      // 300 MB touched, then freed: the peak must still show it.
      const script = 'let b = Buffer.alloc(300e6, 1); b = null; setTimeout(() => {}, 300)';
      const m = measure([process.execPath, '-e', script]);
      expect(m.status).toBe(0);
      expect(m.rssMB).toBeGreaterThan(300e6 / 2 ** 20);
      expect(m.secs).toBeGreaterThan(0.3);
    },
  );

  it('reports a failing child by its status and keeps its stderr', () => {
    const m = measure([process.execPath, '-e', 'console.error("broken trace"); process.exit(3)']);
    expect(m.status).toBe(3);
    expect(m.stderr).toContain('broken trace');
  });
});

describe('the build measured', () => {
  const root = join(import.meta.dirname, '..');
  const built = existsSync(join(root, 'dist', 'cli.cjs'));
  it.skipIf(!built)(
    `is a copy of dist that runs on its own, with the project's packages${built ? '' : ' [skipped: dist/ is not built, run npm run build]'}`,
    () => {
      const cli = snapshotCli(root);
      try {
        expect(cli.startsWith(join(root, 'dist'))).toBe(false);
        const help = execFileSync(process.execPath, [cli, 'stats', '--help'], { encoding: 'utf8' });
        expect(help).toContain('Usage: gotrace stats');
      } finally {
        // The copy goes when the process exits, but test workers may not exit.
        rmSync(dirname(dirname(cli)), { recursive: true, force: true });
      }
    },
  );
});

describe("the readers' outputs", () => {
  it("reads Go's reader's event count", () => {
    const line = 'events=4031945 frames=0 bytes=21076312 secs=2.148 MBps=9.8 Mevps=1.88 heapsys=47MB\n';
    expect(goEventCount(line)).toBe(4031945);
    expect(goEventCount('error: bad trace\n')).toBeNull();
  });

  it("reads gotrace stats' event count, not the per-kind lines", () => {
    const out = 'format      Go 1.26\nbytes       21076312\nevents      4031945\ngenerations 3\n\nevents by kind:\n  Sync    4\n';
    expect(ourEventCount(out)).toBe(4031945);
    expect(ourEventCount('events by kind:\n  Sync  4\n')).toBeNull();
  });
});

describe('the core alone (bench/core-only.mjs)', () => {
  const root = join(import.meta.dirname, '..');
  const wasm = join(root, 'build', 'gotrace.wasm');
  const fixture = (name: string) => join(root, 'test', 'fixtures', 'events', 'traces', name);
  const run = (trace: string) => measure([process.execPath, join(root, 'bench', 'core-only.mjs'), wasm, trace]);

  // Its time bounds the readers' only if it does all of their core's work:
  // every event of Go's reading (an event's line in Go's -d=parsed starts
  // with M=), across generations and formats.
  it.each(['go1.27-annotations-stress', 'go1.22-stress-start-stop', 'test-go122-gc-stress'])(
    "steps the core through every event of Go's reading of %s",
    (name) => {
      const m = run(fixture(`${name}.trace`));
      expect(m.status).toBe(0);
      const goEvents = readFileSync(fixture(`${name}.want`), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('M=')).length;
      expect(goEvents).toBeGreaterThan(100);
      expect(ourEventCount(m.stdout)).toBe(goEvents);
    },
  );

  it('fails where the core fails, naming its error code', () => {
    const m = run(fixture('cut-go1.22-annotations-1000.trace'));
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/the core failed with error code \d+/);
    expect(ourEventCount(m.stdout)).toBeNull();
  });
});

describe('arithmetic and layout', () => {
  it('takes medians of odd and even counts, ignoring missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5])).toBe(5);
    expect(median([])).toBeNull();
  });

  it('prints ratios and numbers, n/a when a side is missing', () => {
    expect(ratio(4.3, 2)).toBe('2.15x');
    expect(ratio(null, 2)).toBe('n/a');
    expect(ratio(1, 0)).toBe('n/a');
    expect(fixed(null, 1)).toBe('n/a');
    expect(fixed(2.345, 1)).toBe('2.3');
  });

  it('lines up columns, text left and numbers right', () => {
    const t = formatTable(
      ['trace', 'MB'],
      [
        ['gc', '21.1'],
        ['web-long', '5.0'],
      ],
      'lr',
    );
    expect(t.split('\n')).toEqual(['trace       MB', '--------  ----', 'gc        21.1', 'web-long   5.0']);
  });

  it("reads gen's sizes in powers of 1024 and refuses others", () => {
    expect(sizeBytes('64M')).toBe(64 * 2 ** 20);
    expect(sizeBytes('1G')).toBe(2 ** 30);
    expect(sizeBytes('1000')).toBe(1000);
    expect(() => sizeBytes('1.5G')).toThrow(/bad trace size/);
  });
});

describe.skipIf(!existsSync(GO))(`bench/gen${existsSync(GO) ? '' : ` [skipped: no Go at ${GO}]`}`, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gotrace-gen-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a trace of at least the size asked that Go 1.27 reads to the end, with every part of the load in it', () => {
    const out = join(dir, 'small.trace');
    execFileSync(genBinary(), ['-o', out, '-size', '1M'], { stdio: 'ignore' });
    expect(statSync(out).size).toBeGreaterThanOrEqual(2 ** 20);
    const parsed = execFileSync(GO, ['tool', 'trace', '-d=parsed', out], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, TZ: 'UTC', GOTOOLCHAIN: 'local' },
    });
    for (const part of ['Type="session"', 'Type="serve"', 'Type="request"', 'Category="response"', 'net/http.(*conn).serve', 'GC concurrent mark phase']) {
      expect(parsed, part).toContain(part);
    }
  }, 180_000);

  it('refuses a size it cannot read', () => {
    expect(() => execFileSync(genBinary(), ['-o', join(dir, 'x.trace'), '-size', '12Q'], { stdio: 'pipe' })).toThrow(/bad size/);
  });
});
