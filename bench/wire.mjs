// Speed of the raw level: every event of the two benchmark traces decoded by
// the core (`rawNext()`), its record touched (type and argument count read),
// nothing printed. The trace is in memory and fed in 1 MiB chunks, so the
// figure is decoding alone: MB/s of trace bytes, median of RUNS runs.
//
//   node bench/wire.mjs [RUNS] [TRACE...]   (needs npm run build)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/core.js', import.meta.url); // gotrace/core: the loader and the layouts
const BENCH = ['/work/shared/bench/gc-go1.27.trace.gz', '/work/shared/bench/web-go1.27.trace.gz'];
const CHUNK = 1 << 20;

/** unzipped gunzips `gz` to /tmp once and returns the trace's path. */
export function unzipped(gz) {
  if (!gz.endsWith('.gz')) return gz;
  const out = `/tmp/gotrace-bench-${basename(gz, '.gz')}`;
  if (!existsSync(out)) execFileSync('sh', ['-c', `gunzip -c '${gz}' > '${out}.part' && mv '${out}.part' '${out}'`]);
  return out;
}

/** decode lists every raw event of `bytes` with `core` and returns the event count. */
function decode(core, bytes, { RAW_NARGS, RAW_ARGS }) {
  core.reset();
  for (let at = 0; at < bytes.length; at += CHUNK) core.feed(bytes.subarray(at, at + CHUNK));
  core.close();
  let events = 0,
    touched = 0;
  for (let n; (n = core.rawNext()) > 0; ) {
    const { u8, dv } = core.views;
    for (let i = 0, r = core.exports.rawRecord(); i < n; i++) {
      const nargs = dv.getUint32(r + RAW_NARGS, true);
      touched += u8[r] + nargs;
      r += RAW_ARGS + 8 * nargs;
    }
    events += n;
  }
  if (touched < 0) throw new Error('unreachable');
  const info = core.errorInfo();
  if (info.code !== 0) throw new Error(`the trace failed to decode: error code ${info.code}`);
  return events;
}

async function main() {
  if (!existsSync(DIST)) throw new Error('dist/core.js is missing: run npm run build first');
  const { loadSync, ...abi } = await import(DIST.href);
  const args = process.argv.slice(2);
  const runs = Number(args[0] ?? 5);
  const traces = (args.length > 1 ? args.slice(1) : BENCH).map(unzipped);
  const core = loadSync();
  for (const path of traces) {
    const bytes = new Uint8Array(readFileSync(path));
    decode(core, bytes, abi); // warm-up
    const times = [];
    let events = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      events = decode(core, bytes, abi);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    const mb = bytes.length / 1e6;
    console.log(
      `${basename(path)}: ${mb.toFixed(1)} MB, ${events} events, median ${ms.toFixed(1)} ms: ` +
        `${(mb / (ms / 1000)).toFixed(0)} MB/s, ${(events / (ms / 1000) / 1e6).toFixed(1)} M events/s`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
