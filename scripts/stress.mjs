// stress.mjs builds large valid Go 1.26 traces (scripts/stress-trace.mjs:
// many goroutines, stacks, strings, generations, Ms), reads each with ours
// (dist/cli.cjs events) and with Go 1.27's reader (go tool trace -d=parsed),
// compares the readings and prints a table of trace size, time and peak RSS
// for both. Ours must never be wrong: its output must be Go's, byte for byte,
// or end in our named error "trace too large for gotrace" (code 7).
//
//   node scripts/stress.mjs [--big] [--keep] [CASE[=N] ...]
//
// With no CASE, the default set (a few minutes); --big adds the sizes of
// issue 14 (12M goroutines, 100,000 and 250,000 stacks of 128 frames: tens of
// minutes and some GB of RAM). Traces go to $TMPDIR and are removed unless
// --keep. Needs `npm run build` and Go 1.27 (GOTC, default /opt/go-toolchains).
// Exits 1 where a reading of ours is wrong.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, TraceWriter } from './stress-trace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const GO = join(process.env.GOTC ?? '/opt/go-toolchains', 'go1.27/bin/go');
const env = { ...process.env, TZ: 'UTC', GOTOOLCHAIN: 'local' };

/** DEFAULT and BIG are the cases run, as [case, size]. */
const DEFAULT = [
  ['goroutines', 1_000_000],
  ['stacks', 20_000],
  ['stacks', 100_000],
  ['strings', 2_000_000],
  ['generations', 1_000],
  ['ms', 20_000],
];
const BIG = [
  ['goroutines', 12_000_000],
  ['stacks', 250_000],
];

/** build writes case `name` of size `n` to `file` and returns its size in bytes. */
function build(name, n, file) {
  const fd = openSync(file, 'w');
  const w = new TraceWriter((b) => writeSync(fd, b));
  CASES[name](n, w);
  closeSync(fd);
  return w.size;
}

/**
 * run runs `cmd args` under /usr/bin/time, its output hashed as it comes, and
 * returns the hash, exit status, the end of its stderr, wall time (s) and
 * peak RSS (KiB).
 */
function run(cmd, args) {
  const timing = join(tmpdir(), `stress-time-${process.pid}`);
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/time', ['-f', '%e %M', '-o', timing, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let err = '';
    p.stdout.on('data', (d) => hash.update(d));
    p.stderr.on('data', (d) => {
      err = (err + d).slice(-2000);
    });
    p.on('error', reject);
    p.on('close', (status) => {
      const [secs, kib] = readFileSync(timing, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      rmSync(timing, { force: true });
      resolve({ hash: hash.digest('hex'), status, err: err.trim().split('\n').pop() ?? '', secs, kib });
    });
  });
}

/** verdict compares our reading with Go's: "same", "too large" (our named error), or WRONG. */
function verdict(ours, go) {
  if (ours.status === 0 && go.status === 0 && ours.hash === go.hash) return 'same';
  if (ours.status !== 0 && /trace too large for gotrace/.test(ours.err)) {
    return `ours: ${ours.err.replace(/^gotrace: trace too large for gotrace: it /, '')}; go: ${go.status === 0 ? 'read' : go.err}`;
  }
  if (ours.status !== 0 && go.status !== 0 && ours.hash === go.hash) return 'same error';
  return `WRONG (ours ${ours.status}: ${ours.err}; go ${go.status}: ${go.err})`;
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);

async function main() {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  let cases = argv
    .filter((a) => !a.startsWith('--'))
    .map((a) => {
      const [name, n] = a.split('=');
      if (!CASES[name]) throw new Error(`unknown case ${name}: one of ${Object.keys(CASES).join(', ')}`);
      return [name, Number(n ?? DEFAULT.find(([c]) => c === name)?.[1] ?? 1000)];
    });
  if (cases.length === 0) cases = [...DEFAULT, ...(argv.includes('--big') ? BIG : [])];
  const goTrace = execFileSync(GO, ['tool', '-n', 'trace'], { env, encoding: 'utf8' }).trim();
  const rows = [['case', 'trace MB', 'ours s', 'ours MB RSS', 'Go s', 'Go MB RSS', 'reading']];
  let wrong = 0;
  for (const [name, n] of cases) {
    const file = join(tmpdir(), `stress-${name}-${n}.trace`);
    const size = build(name, n, file);
    const ours = await run(process.execPath, [join(root, 'dist/cli.cjs'), 'events', file]);
    const go = await run(goTrace, ['-d=parsed', file]);
    const v = verdict(ours, go);
    if (v.startsWith('WRONG')) wrong++;
    rows.push([`${name} ${n.toLocaleString('en-US')}`, mb(size), ours.secs.toFixed(1), mb(ours.kib * 1024), go.secs.toFixed(1), mb(go.kib * 1024), v]);
    console.error(rows.at(-1).join('  '));
    if (!keep) rmSync(file, { force: true });
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(rows[0]));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const r of rows.slice(1)) console.log(line(r));
  process.exitCode = wrong ? 1 : 0;
}

await main();
