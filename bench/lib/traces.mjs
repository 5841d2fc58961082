// The traces the bench reads: the shared benchmark traces, gunzipped once into
// /tmp, and traces of any size written by bench/gen, built with Go 1.27 and
// cached in /tmp by size and by the generator's source, never committed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipped } from '../wire.mjs';

/** GO is Go 1.27's go command, the toolchain of the generator and of Go's reader. */
export const GO = '/opt/go-toolchains/go1.27/bin/go';

/** SHARED_BENCH is the folder of the shared benchmark traces. */
export const SHARED_BENCH = '/work/shared/bench';

/** GO_READER_SCRIPT builds and runs Go's own reader on a trace. */
export const GO_READER_SCRIPT = '/work/shared/tools/go-reader-bench.sh';

const GEN_DIR = fileURLToPath(new URL('../gen/', import.meta.url));

/** GO_ENV builds offline with the installed toolchain only. */
const GO_ENV = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' };

/** hasGo reports whether Go 1.27 is installed. */
export function hasGo() {
  return existsSync(GO);
}

/** sharedTraces lists the shared benchmark traces (gzipped), or [] when /work/shared is missing. */
export function sharedTraces() {
  if (!existsSync(SHARED_BENCH)) return [];
  return readdirSync(SHARED_BENCH)
    .filter((f) => f.endsWith('.trace.gz'))
    .sort()
    .map((f) => join(SHARED_BENCH, f));
}

/** traceFile gunzips a shared trace into /tmp once and returns the path to read (bench/wire.mjs's). */
export { unzipped as traceFile };

/** traceName is the name a trace goes by in the table (a generated one by its size alone). */
export function traceName(path) {
  return basename(path)
    .replace(/\.gz$/, '')
    .replace(/^gotrace-bench-/, '')
    .replace(/^gen-[0-9a-f]{12}-/, 'gen-');
}

/**
 * goReaderBinary returns Go's reader as a binary that can be timed alone,
 * building it with the shared script first when needed (the script builds it
 * into $TMPDIR, named after its source's hash, and then runs it).
 */
export function goReaderBinary(anyTrace) {
  const src = readFileSync(join(GO_READER_SCRIPT, '..', 'go-reader-bench', 'main.go'));
  const bin = join(process.env.TMPDIR || '/tmp', `go-reader-bench-${sha12(src)}`);
  if (!existsSync(bin)) execFileSync(GO_READER_SCRIPT, [anyTrace], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(bin)) throw new Error(`${GO_READER_SCRIPT} did not build ${bin}`);
  return bin;
}

/** genBinary builds bench/gen once per version of its source and returns the binary. */
export function genBinary() {
  const hash = createHash('sha256');
  for (const f of readdirSync(GEN_DIR).sort()) hash.update(f).update(readFileSync(join(GEN_DIR, f)));
  const bin = join(tmpdir(), `gotrace-bench-gen-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(bin)) {
    execFileSync(GO, ['build', '-o', `${bin}.part`, '.'], { cwd: GEN_DIR, env: GO_ENV, stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(`${bin}.part`, bin);
  }
  return bin;
}

/**
 * generated returns a trace of at least `size` (gen's syntax: 64M, 1G) written
 * by bench/gen, writing it only when this generator has not written one yet.
 */
export function generated(size) {
  const bin = genBinary();
  const out = join(tmpdir(), `${basename(bin)}-${size}.trace`);
  if (!existsSync(out)) {
    process.stderr.write(`bench: writing a ${size} trace with bench/gen into ${out} (cached for later runs)...\n`);
    execFileSync(bin, ['-o', `${out}.part`, '-size', size], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(`${out}.part`, out);
  }
  return out;
}

/** sizeBytes reads gen's size syntax (64M, 1G: powers of 1024) as bytes. */
export function sizeBytes(size) {
  const m = /^(\d+)([KMG]?)$/.exec(size);
  if (!m) throw new Error(`bad trace size ${JSON.stringify(size)}: want a number of bytes with K, M or G`);
  return Number(m[1]) * { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[m[2]];
}

/** fileMB is a file's size in MB (10^6 bytes). */
export function fileMB(path) {
  return statSync(path).size / 1e6;
}

function sha12(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
