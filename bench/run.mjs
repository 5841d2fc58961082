// npm run bench: gotrace against Go's own reader, whole process against whole
// process (Node's start-up and the WebAssembly compilation count), on the
// shared benchmark traces and on traces of 64 MiB and 1 GiB written by
// bench/gen. Runs alternate between the readers, in a rotating order, so that
// the machine's drift hits all of them; the table shows medians and ratios.
//
//   npm run bench -- [--runs N] [--traces gc,web,PATH] [--quick] [--no-big]
//                    [--big 64M,1G] [--big-runs N]
//
// Needs `npm run build` (dist/cli.cjs). Go's reader needs /work/shared and Go
// 1.27; the generated traces need Go 1.27. Whatever is missing is skipped with
// a message, and its cells read "n/a".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotCli } from './lib/cli.mjs';
import { measure, median, goEventCount, ourEventCount, GNU_TIME } from './lib/measure.mjs';
import { formatTable, fixed, ratio } from './lib/table.mjs';
import { GO, GO_READER_SCRIPT, fileMB, generated, goReaderBinary, hasGo, sharedTraces, sizeBytes, traceFile, traceName } from './lib/traces.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.cjs');
/** CORE_ONLY steps the core alone over a trace: the bound on every speed-up (see the script). */
const CORE_ONLY = join(ROOT, 'bench', 'core-only.mjs');

/** TARGETS are issue 4's: speed-ups over Go's reader and the flat-memory ratio. */
const TARGETS = { typed: 2, cursor: 4, flat: 1.25 };

const USAGE = 'usage: npm run bench -- [--runs N] [--traces gc,web,PATH] [--quick] [--no-big] [--big 64M,1G] [--big-runs N]';

/** options reads the command line; --quick is one run each, no warm-up and no generated traces. */
function options(argv) {
  const o = { runs: 5, traces: null, quick: false, big: ['64M', '1G'], bigRuns: 1, warm: true };
  let runs = null,
    big = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i],
      value = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--runs') runs = count(value(), a);
    else if (a === '--traces') o.traces = value().split(',').filter(Boolean);
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-big') big = [];
    else if (a === '--big') big = value().split(',');
    else if (a === '--big-runs') o.bigRuns = count(value(), a);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  if (o.quick) Object.assign(o, { runs: 1, big: [], warm: false });
  if (runs !== null) o.runs = runs;
  if (big !== null) o.big = big;
  if (o.big.length !== 0 && o.big.length !== 2) fail('--big wants two sizes: the small and the large trace, e.g. 64M,1G');
  o.big.forEach(sizeBytes);
  return o;
}

function count(s, flag) {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : fail(`${flag} wants a positive whole number, not ${JSON.stringify(s)}`);
}

function fail(msg) {
  console.error(`bench: ${msg}\n${USAGE}`);
  process.exit(2);
}

/** note writes a progress or skip message on stderr, keeping stdout for the report. */
function note(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}

/** readers lists the contenders that can run here, ours from `cli`; Go's reader is null when it cannot run. */
function readers(cli, anyTrace) {
  let go = null;
  if (!existsSync(GO_READER_SCRIPT) || !hasGo()) note(`Go's reader is skipped: needs ${GO_READER_SCRIPT} and ${GO}`);
  else if (anyTrace) go = goReaderBinary(anyTrace);
  const help = execFileSync(process.execPath, [cli, 'stats', '--help'], { encoding: 'utf8' });
  const cursor = help.includes('--cursor');
  if (!cursor) note('the cursor rows read n/a: gotrace stats has no --cursor option yet');
  return {
    go: go && { argv: (t) => [go, t], events: goEventCount },
    typed: { argv: (t) => [process.execPath, cli, 'stats', t], events: ourEventCount },
    cursor: cursor ? { argv: (t) => [process.execPath, cli, 'stats', '--cursor', t], events: ourEventCount } : null,
    core: { argv: (t) => [process.execPath, CORE_ONLY, join(dirname(cli), '..', 'build', 'gotrace.wasm'), t], events: ourEventCount },
  };
}

/**
 * benchTrace reads one trace `runs` times with each reader, rotating which
 * reader goes first each round, and returns every reader's times, peak RSS,
 * event count and failure if any.
 */
function benchTrace(path, contenders, runs, warm) {
  const name = traceName(path);
  const keys = Object.keys(contenders).filter((k) => contenders[k]);
  const res = Object.fromEntries(keys.map((k) => [k, { secs: [], rss: [], events: null, failed: null }]));
  const once = (k, timed) => {
    if (res[k].failed) return;
    const m = measure(contenders[k].argv(path));
    if (m.status !== 0) {
      res[k].failed = `exit ${m.status}: ${m.stderr.trim().split('\n')[0] ?? ''}`;
      note(`${name}: ${k} failed (${res[k].failed})`);
      return;
    }
    res[k].events = contenders[k].events(m.stdout);
    if (timed) res[k].secs.push(m.secs), res[k].rss.push(m.rssMB);
    return m;
  };
  if (warm) for (const k of keys) once(k, false);
  for (let i = 0; i < runs; i++) {
    const order = keys.map((_, j) => keys[(i + j) % keys.length]);
    const took = order.map((k) => [k, once(k, true)]).filter(([, m]) => m);
    note(`${name} run ${i + 1}/${runs}: ${took.map(([k, m]) => `${k} ${m.secs.toFixed(2)} s ${fixed(m.rssMB, 0)} MB`).join(', ')}`);
  }
  return { name, mb: fileMB(path), runs, res };
}

/** summary turns one reader's runs into medians. */
function summary(r) {
  if (!r || r.failed || r.secs.length === 0) return { secs: null, rss: null, failed: r?.failed ?? null };
  return { secs: median(r.secs), rss: median(r.rss), failed: null };
}

/**
 * MODES are the table's rows for each trace: typed events and the cursor,
 * against their targets, and the core alone, a bound rather than a product
 * (no reading through the API can be faster), whose target cell says so.
 */
const MODES = ['typed', 'cursor', 'core'];

/** rows lays out a trace's results: a row for each of MODES. */
function rows(b, problems) {
  const go = summary(b.res.go);
  if (go.failed) problems.push(`${b.name} go: ${go.failed}`);
  const events = b.res.go?.events ?? b.res.typed?.events;
  return MODES.map((mode) => {
    const ours = summary(b.res[mode]);
    if (b.res[mode] === undefined)
      return [b.name, fixed(b.mb, 1), String(events ?? 'n/a'), mode, 'n/a', fixed(go.secs, 2), 'n/a', 'n/a', '', fixed(go.rss, 0), 'n/a', ''];
    const theirs = b.res.go?.events,
      mine = b.res[mode].events;
    if (ours.failed) problems.push(`${b.name} ${mode}: ${ours.failed}`);
    else if (theirs != null && mine !== theirs) problems.push(`${b.name} ${mode}: ${mine} events, Go read ${theirs}`);
    const speed = go.secs !== null && ours.secs !== null ? go.secs / ours.secs : null;
    const target = TARGETS[mode];
    const fast = speed === null ? '' : speed >= target ? 'ok' : 'MISS';
    const lean = go.rss === null || ours.rss === null || target === undefined ? '' : ours.rss <= go.rss ? 'ok' : 'MISS';
    return [
      b.name,
      fixed(b.mb, 1),
      String(events ?? 'n/a'),
      mode,
      String(b.runs),
      fixed(go.secs, 2),
      fixed(ours.secs, 2),
      ratio(go.secs, ours.secs),
      target === undefined ? 'bound' : `${fast} (≥${target}x)`,
      fixed(go.rss, 0),
      fixed(ours.rss, 0),
      lean,
    ];
  });
}

/**
 * startup times Node's own start-up and exit (`node -e 0`), the part of every
 * whole-process time of ours that no change of gotrace's can take away.
 */
function startup(runs) {
  const ms = Array.from({ length: runs }, () => measure([process.execPath, '-e', '0']));
  return (
    `Node's own start-up and exit (node -e 0): ${fixed(median(ms.map((m) => m.secs)), 3)} s, ` +
    `peak RSS ${fixed(median(ms.map((m) => m.rssMB)), 0)} MB (medians of ${runs}): inside every time and RSS of ours above`
  );
}

/** flatLines compares peak RSS on the small and the large generated trace, per reader. */
function flatLines(small, large) {
  return ['typed', 'cursor', 'go'].map((k) => {
    if (!small.res[k]) return `flat memory, ${k.padEnd(6)}: n/a (not run here)`;
    const a = summary(small.res[k]).rss,
      b = summary(large.res[k]).rss;
    const r = a !== null && b !== null ? b / a : null;
    const verdict = k === 'go' ? '(Go, for reference)' : r === null ? '' : r <= TARGETS.flat ? `ok (≤${TARGETS.flat})` : `MISS (≤${TARGETS.flat})`;
    return (
      `flat memory, ${k.padEnd(6)}: peak RSS ${fixed(a, 0)} MB reading ${small.name} (${fixed(small.mb, 0)} MB), ` +
      `${fixed(b, 0)} MB reading ${large.name} (${fixed(large.mb, 0)} MB): ratio ${fixed(r, 2)} ${verdict}`
    );
  });
}

/** pickTraces resolves --traces (names of shared traces, or paths) to gzipped or plain trace files. */
function pickTraces(wanted) {
  const shared = sharedTraces();
  if (shared.length === 0) note('the shared benchmark traces are skipped: /work/shared/bench is missing');
  if (!wanted) return shared;
  return wanted.map((w) => {
    if (existsSync(w)) return w;
    const hit = shared.filter((p) => traceName(p).startsWith(w));
    if (hit.length !== 1) fail(`--traces ${w}: ${hit.length ? 'names more than one trace' : 'no such shared trace or file'}`);
    return hit[0];
  });
}

/** warnIfStale says when dist/cli.cjs is older than the sources it is built from. */
function warnIfStale() {
  const built = statSync(CLI).mtimeMs;
  const newer = ['src', 'assembly', 'bindings', 'format'].flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true })
      .map((f) => join(d, String(f)))
      .filter((f) => statSync(join(ROOT, f)).isFile() && statSync(join(ROOT, f)).mtimeMs > built),
  );
  if (newer.length) note(`dist/cli.cjs is older than ${newer.length} source file(s) (e.g. ${newer[0]}): run npm run build to measure them`);
}

/** machine describes where and when the bench ran, loads included, for the README. */
function machine() {
  const go = hasGo() ? execFileSync(GO, ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim() : 'no Go';
  return `${new Date().toISOString()}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}; ${go}`;
}

async function main() {
  const o = options(process.argv.slice(2));
  if (!existsSync(CLI)) fail('dist/cli.cjs is missing: run npm run build first');
  if (!existsSync(GNU_TIME)) note(`peak RSS reads n/a: ${GNU_TIME} (GNU time) is missing`);
  warnIfStale();
  const built = statSync(CLI).mtime.toISOString();
  const cli = snapshotCli(ROOT);
  const header = machine(),
    loadBefore = loadavg();
  const files = pickTraces(o.traces).map(traceFile);
  if (o.big.length && !hasGo()) note(`the generated traces and the flat-memory line are skipped: needs ${GO}`), (o.big = []);
  const big = o.big.map(generated);
  const contenders = readers(cli, files[0] ?? big[0]);
  const results = files.map((f) => benchTrace(f, contenders, o.runs, o.warm));
  const [small, large] = big.map((f, i) => benchTrace(f, contenders, i === 0 ? o.runs : o.bigRuns, o.warm && i === 0));
  const problems = [];
  const table = formatTable(
    ['trace', 'MB', 'events', 'mode', 'runs', 'Go s', 'ours s', 'speedup', 'target', 'Go RSS MB', 'ours RSS MB', 'RSS ≤ Go'],
    [...results, small, large].filter(Boolean).flatMap((b) => rows(b, problems)),
    'lrrlrrrrlrrl',
  );
  console.log(`gotrace bench: ${header}; measuring the dist/cli.cjs built ${built}`);
  console.log(
    `load average (1, 5, 15 min): ${loadBefore.map((x) => x.toFixed(2)).join(', ')} before, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')} after`,
  );
  console.log(`seconds and peak RSS are medians of whole processes; speedup is Go's seconds over ours\n`);
  console.log(table);
  if (small && large) console.log(`\n${flatLines(small, large).join('\n')}`);
  console.log(`\n${startup(Math.max(o.runs, 5))}`);
  console.log('core: the core alone (bench/core-only.mjs), every record written, none read: the bound on any reading of ours');
  for (const p of problems) console.log(`! ${p}`);
  if (problems.length) process.exitCode = 1;
}

await main();
