#!/usr/bin/env node
// conformance: the project's main acceptance measure. For every trace of the
// generation-based formats in the corpus (traces/, go-tests/, fuzz/), run
// `gotrace events TRACE` and compare with what Go 1.27's `go tool trace
// -d=parsed` did (each folder's MANIFEST.tsv): the sha256 of everything printed
// to stdout, and the verdict (read to the end, or failed). Prints
// "N of M identical" (the generation-based formats), then each trace that
// differs and how.
//
//   node scripts/conformance.mjs [--corpus DIR] [--cli dist/cli.cjs] [-j N] [--filter TEXT] [--timeout S]
//
// Old-format traces (Go 1.11-1.21) are checked too, on a line of their own:
// Go's reading of them orders ties differently from run to run, so both
// readings go through the corpus's tools/canon.py first (MANIFEST column 7).
// A second line says how many we print byte for byte as Go does: as one of
// the readings Go printed in many runs (scripts/v1-go-readings.tsv), where it
// never varied, and as the manifest's one run.
//
// Needs the built command line (`npm run build`). Traces run one at a time by
// default (-j for more); each has a time limit, since a hang is a failure too.
// Exits 1 when some trace differs, 2 when the corpus or the CLI is missing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canon, errorWords, FOLDERS, manifestRows } from './corpus.mjs';
import { goReadings, isOld, oldByteTally } from './v1-readings.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const opts = { corpus: process.env.GOTRACE_CORPUS ?? '/work/shared/corpus', cli: join(ROOT, 'dist/cli.cjs'), jobs: 1, filter: '', timeout: 120 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--corpus') opts.corpus = value();
    else if (a === '--cli') opts.cli = resolve(value());
    else if (a === '-j') opts.jobs = Math.max(1, Number(value()));
    else if (a === '--filter') opts.filter = value();
    else if (a === '--timeout') opts.timeout = Number(value());
    else usage(`unknown argument ${a}`);
  }
  return opts;
}

function usage(msg) {
  console.error(`conformance: ${msg}\nusage: node scripts/conformance.mjs [--corpus DIR] [--cli dist/cli.cjs] [-j N] [--filter TEXT] [--timeout S]`);
  process.exit(2);
}

/** cases lists the traces to check, with Go's reading from the manifests. */
function cases(opts) {
  const list = [];
  for (const folder of FOLDERS) {
    const manifest = join(opts.corpus, folder, 'MANIFEST.tsv');
    if (!existsSync(manifest)) usage(`no ${manifest}`);
    for (const [name, verdict, , events, sha, error = '', canonSha = ''] of manifestRows(opts.corpus, folder)) {
      const path = join(opts.corpus, folder, name);
      if (opts.filter && !`${folder}/${name}`.includes(opts.filter)) continue;
      const old = isOld(path);
      // Old traces with a tie-insensitive reading are compared on that.
      const canon = old && canonSha.trim() !== '';
      list.push({
        id: `${folder}/${name}`,
        path,
        verdict,
        events: Number(events),
        sha: canon ? canonSha.trim() : sha,
        rawSha: sha,
        error: error.trim(),
        old,
        canon,
      });
    }
  }
  return list;
}

/** run runs `gotrace events` on one trace: the sha256 of its stdout (canonical where asked), its verdict and its error line. */
function run(opts, c) {
  return new Promise((done) => {
    const hash = createHash('sha256');
    const kept = [];
    const child = spawn(process.execPath, [opts.cli, 'events', c.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let lines = 0;
    child.stdout.on('data', (b) => {
      if (c.canon) kept.push(b);
      hash.update(b);
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const message = errorWords(stderr);
      const rawSha = hash.digest('hex');
      const sha = c.canon ? canonical(opts, Buffer.concat(kept)) : rawSha;
      done({ sha, rawSha, verdict: code === 0 ? 'ok' : 'error', code, signal, message, lines });
    });
  });
}

/** canonical is the sha256 of the tie-insensitive form of a reading (tools/canon.py). */
function canonical(opts, text) {
  const r = canon(opts.corpus, text);
  if (r.error !== undefined) return `canon.py failed: ${r.error}`;
  return createHash('sha256').update(r.out).digest('hex');
}

/** compare says how our reading of `c` differs from Go's ('' where it does not). */
function compare(c, r) {
  if (r.signal) return `killed by ${r.signal}${r.signal === 'SIGKILL' ? ' (time limit)' : ''}`;
  if (r.code !== 0 && r.code !== 1) return `exit status ${r.code}: ${r.message.split('\n')[0]}`;
  const diffs = [];
  if (r.sha !== c.sha) diffs.push(`output differs (${r.lines} lines)`);
  if (r.verdict !== c.verdict) diffs.push(c.verdict === 'ok' ? `failed: ${r.message}` : `did not fail (Go: ${c.error})`);
  return diffs.join('; ');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) usage(`no ${opts.cli}: run \`npm run build\` first`);
  const list = cases(opts);
  const results = new Array(list.length);
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await run(opts, list[i]);
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  const tally = { new: [0, 0], old: [0, 0] };
  const differing = [];
  const wording = [];
  list.forEach((c, i) => {
    const why = compare(c, results[i]);
    const t = c.old ? tally.old : tally.new;
    t[1]++;
    if (why) differing.push(`  ${c.id}: ${why}`);
    else t[0]++;
    if (!why && c.verdict === 'error' && results[i].message !== c.error) {
      wording.push(`  ${c.id}:\n    ours: ${results[i].message}\n    Go's: ${c.error}`);
    }
  });
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`${tally.new[0]} of ${tally.new[1]} identical (${secs} s)`);
  if (tally.old[1]) {
    console.log(`old formats: ${tally.old[0]} of ${tally.old[1]} identical (ties canonicalised where Go's reading varies)`);
    console.log(`old formats byte for byte: ${oldByteTally(list, results, goReadings(ROOT))}`);
  }
  if (differing.length) console.log(`differing:\n${differing.join('\n')}`);
  if (wording.length) console.log(`identical, but with other words for the error:\n${wording.join('\n')}`);
  process.exitCode = differing.length ? 1 : 0;
}

await main();
