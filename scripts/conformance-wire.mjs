// Sweeps the conformance corpus comparing `gotrace wire T` with Go's
// `go tool trace -d=wire T`: the same bytes on stdout, the same exit status,
// and on failure Go's error line after "gotrace: " (ours may add where the
// fault lies, " (at byte N)"). Go's output is cached under /tmp, keyed by the
// trace's sha256. Prints "N of M identical" and the names that differ.
//
//   node scripts/conformance-wire.mjs [--old] [--verbose] [DIR...]
//
// By default it reads every new-format trace (Go 1.22 and later) of
// /work/shared/corpus/{traces,go-tests,fuzz}; --old adds the old-format ones.
// Needs `npm run build` (it runs dist/cli.cjs) and Go 1.27.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GO = process.env.GO ?? '/opt/go-toolchains/go1.27/bin/go';
const CORPUS = '/work/shared/corpus';
const CACHE = '/tmp/gotrace-wire-cache';
const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));

/** run runs a command and returns its stdout, stderr and exit status. */
function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { out: r.stdout, err: r.stderr.toString(), status: r.status };
}

/** goWire is Go's reading of `file`, from the cache when it is there. */
function goWire(file) {
  const key = join(CACHE, createHash('sha256').update(readFileSync(file)).digest('hex'));
  if (existsSync(key + '.json')) {
    const meta = JSON.parse(readFileSync(key + '.json', 'utf8'));
    return { ...meta, out: readFileSync(key + '.out') };
  }
  const r = run(GO, ['tool', 'trace', '-d=wire', file], { TZ: 'UTC', GOTOOLCHAIN: 'local' });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(key + '.out', r.out);
  writeFileSync(key + '.json', JSON.stringify({ err: r.err, status: r.status }));
  return r;
}

/** differs says how our reading of `file` differs from Go's, or '' where it does not. */
function differs(file) {
  const want = goWire(file);
  const got = run(process.execPath, [CLI, 'wire', file]);
  if (got.status !== want.status) return `exit status ${got.status}, Go's ${want.status}: ${got.err.trim()}`;
  if (Buffer.compare(got.out, want.out) !== 0) return `stdout differs (${got.out.length} bytes, Go's ${want.out.length})`;
  if (want.status !== 0) {
    const line = want.err.trim();
    const ours = got.err.trim();
    if (!ours.startsWith(`gotrace: ${line}`) || !/^( \(at byte \d+(, generation \d+)?\))?$/.test(ours.slice(9 + line.length))) {
      return `error "${ours}", Go's "${line}"`;
    }
  }
  return '';
}

/** isOld reports whether `file` has an old-format (Go 1.11 to 1.21) header. */
function isOld(file) {
  return /^go 1\.(11|19|21) trace/.test(readFileSync(file).subarray(0, 16).toString('latin1'));
}

function main() {
  const argv = process.argv.slice(2);
  const old = argv.includes('--old');
  const verbose = argv.includes('--verbose');
  const dirs = argv.filter((a) => !a.startsWith('--'));
  if (dirs.length === 0) dirs.push(...['traces', 'go-tests', 'fuzz'].map((d) => join(CORPUS, d)));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const files = dirs
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.trace'))
        .sort()
        .map((f) => join(d, f)),
    )
    .filter((f) => old || !isOld(f));
  const bad = [];
  for (const f of files) {
    const why = differs(f);
    if (why) bad.push(`${f}: ${why}`);
    else if (verbose) console.log(`ok ${f}`);
  }
  console.log(`${files.length - bad.length} of ${files.length} identical`);
  for (const b of bad) console.log(`  ${b}`);
  process.exitCode = bad.length ? 1 : 0;
}

main();
