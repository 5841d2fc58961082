// Old traces written here and now: the programs in test/programs/ run under
// Go 1.19 and Go 1.21 (which write the old formats), and `go test -trace` of
// a standard-library package; each trace must read as Go 1.27 reads it (in
// the tie-insensitive form: Go orders events of equal times differently from
// run to run). Needs the Go toolchains (skipped without them).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canon } from './v1-canon';
import { read } from './golden';

const toolchains = process.env.GOTRACE_GO_TOOLCHAINS ?? '/opt/go-toolchains';
const goBin = (v: string) => join(toolchains, `go${v}`, 'bin', 'go');
const missing = ['1.19', '1.21', '1.27'].filter((v) => !existsSync(goBin(v)));
const programs = ['sched', 'gc', 'syscall', 'annotations'];
const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '', TZ: 'UTC' };
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gotrace-v1-programs-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** goReading is Go 1.27's reading of `path`: its printout (latin1) and its error. */
function goReading(path: string): { text: string; error: string } {
  const r = spawnSync(goBin('1.27'), ['tool', 'trace', '-d=parsed', path], { env, maxBuffer: 1 << 30 });
  return { text: r.stdout.toString('latin1'), error: r.stderr.toString().trimEnd() };
}

/** check compares our reading of the trace at `path` with Go's. */
function check(path: string): void {
  const go = goReading(path);
  const ours = read(readFileSync(path));
  expect(ours.error?.goMessage ?? '').toBe(go.error);
  const got = canon(ours.text),
    want = canon(go.text);
  expect(got.length).toBeGreaterThan(1000);
  if (got !== want) {
    const a = got.split('\n'),
      b = want.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    expect.fail(`line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}`);
  }
}

describe.skipIf(missing.length > 0)(
  `traces written by Go 1.19 and 1.21 (${missing.length ? `skipped: no Go ${missing.join(', ')} in ${toolchains}` : toolchains})`,
  () => {
    for (const v of ['1.19', '1.21']) {
      for (const p of programs) {
        it(`go${v} ${p}`, { timeout: 300_000 }, () => {
          const trace = join(tmp, `go${v}-${p}.trace`);
          const dir = fileURLToPath(new URL(`./programs/${p}/`, import.meta.url));
          execFileSync(goBin(v), ['run', 'main.go', trace], { cwd: dir, env, stdio: 'pipe' });
          expect(readFileSync(trace).subarray(0, 16).toString('latin1')).toBe(`go ${v === '1.19' ? '1.19' : '1.21'} trace\0\0\0`);
          check(trace);
        });
      }
      it(`go${v} test -trace of unicode/utf8`, { timeout: 300_000 }, () => {
        const trace = join(tmp, `go${v}-utf8.trace`);
        execFileSync(goBin(v), ['test', '-count=1', '-run=^(TestValid|TestRuneCount)$', `-trace=${trace}`, 'unicode/utf8'], { cwd: tmp, env, stdio: 'pipe' });
        check(trace);
      });
    }
  },
);
