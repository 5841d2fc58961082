// Go's readings of the old-format corpus traces, byte for byte. Go's reader
// takes some maps of an old trace in an order that varies from run to run, so
// where events have equal times, its reading may vary too; the corpus's
// manifest holds one run's. scripts/v1-go-readings.tsv holds every reading Go
// printed in many runs (written by `node scripts/v1-readings.mjs`, from Go
// only), so that conformance.mjs can say how many traces we print byte for
// byte as Go does, and where Go's reading never varied.
//
//   node scripts/v1-readings.mjs [--corpus DIR] [--runs N]   (needs Go 1.27)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FOLDERS, manifestRows } from './corpus.mjs';

const TABLE = 'scripts/v1-go-readings.tsv';
/** OLD_HEADER matches the header of the old formats (Go 1.11-1.21). */
export const OLD_HEADER = /^go 1\.(11|19|21) trace\0/;

/** isOld reports whether the file at `path` is an old-format trace. */
export function isOld(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(16);
  const n = readSync(fd, buf, 0, 16, 0);
  closeSync(fd);
  return OLD_HEADER.test(buf.subarray(0, n).toString('latin1'));
}

/** goReadings reads the table under `root`: trace id → { runs, readings: Map(sha256 → runs that printed it) }. */
export function goReadings(root) {
  const path = join(root, TABLE);
  const table = new Map();
  if (!existsSync(path)) return table;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [id, runs, ...shas] = line.split('\t');
    table.set(id, { runs: Number(runs), readings: new Map(shas.map((x) => x.split(':')).map(([sha, n]) => [sha, Number(n)])) });
  }
  return table;
}

/**
 * oldByteTally says, for the old-format cases of `list` and our `results`
 * (each with rawSha, the sha256 of what we printed), how many we print as Go
 * does byte for byte: as one of Go's readings in the table, as the one Go
 * always printed where it never varied, and as the manifest's run.
 */
export function oldByteTally(list, results, table) {
  let known = 0,
    any = 0,
    fixed = 0,
    fixedSame = 0,
    manifest = 0,
    old = 0;
  list.forEach((c, i) => {
    if (!c.old) return;
    old++;
    const ours = results[i].rawSha;
    if (ours === c.rawSha) manifest++;
    const go = table.get(c.id);
    if (!go) return;
    known++;
    if (go.readings.has(ours)) any++;
    if (go.readings.size === 1) {
      fixed++;
      if (go.readings.has(ours)) fixedSame++;
    }
  });
  const runs = known ? Math.min(...[...table.values()].map((g) => g.runs)) : 0;
  return (
    `${any} of ${known} print one of the readings Go printed in ${runs} runs, ` +
    `${fixedSame} of ${fixed} where it printed one only; ${manifest} of ${old} the manifest's`
  );
}

/** readingsOf runs Go's reader `runs` times on `path`: sha256 of its stdout → runs. */
function readingsOf(tool, path, runs) {
  const seen = new Map();
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(tool, ['-d=parsed', path], { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 30 });
    const sha = createHash('sha256').update(r.stdout).digest('hex');
    seen.set(sha, (seen.get(sha) ?? 0) + 1);
  }
  return seen;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  const corpus = opt('--corpus', process.env.GOTRACE_CORPUS ?? '/work/shared/corpus');
  const runs = Number(opt('--runs', 32));
  const go = process.env.GO ?? '/opt/go-toolchains/go1.27/bin/go';
  const tool = execFileSync(go, ['tool', '-n', 'trace'], { env: { ...process.env, GOTOOLCHAIN: 'local' } })
    .toString()
    .trim();
  const root = fileURLToPath(new URL('..', import.meta.url));
  const rows = ['# old-format corpus trace\tGo 1.27 runs\tsha256 of each reading it printed (-d=parsed stdout):runs, likeliest first'];
  for (const folder of FOLDERS) {
    for (const [name] of manifestRows(corpus, folder)) {
      const path = join(corpus, folder, name);
      if (!isOld(path)) continue;
      const seen = [...readingsOf(tool, path, runs)].sort((a, b) => b[1] - a[1]);
      rows.push([`${folder}/${name}`, runs, ...seen.map(([sha, n]) => `${sha}:${n}`)].join('\t'));
      console.log(`${folder}/${name}: ${seen.length} reading(s)`);
    }
  }
  writeFileSync(join(root, TABLE), rows.join('\n') + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
