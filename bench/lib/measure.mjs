// Whole-process measurements: wall-clock seconds from spawn to exit, and the
// process's peak resident set size as GNU time reports it (the kernel's
// maximum RSS of the child). Node's start-up and WebAssembly compilation are
// inside the measurement, as they are inside any user's run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU_TIME is the GNU time binary that reports a child's peak RSS. */
export const GNU_TIME = '/usr/bin/time';

/**
 * RUN_TIMEOUT_S bounds one measured run, so that a hung reader ends the bench:
 * coreutils' timeout kills the reader itself (killing GNU time would leave the
 * reader running), and GNU time still reports the reader's peak RSS.
 */
const RUN_TIMEOUT_S = 3600;

/**
 * measure runs `argv` to its end once and returns `{ secs, rssMB, status,
 * stdout, stderr }`. secs is taken around the spawn, so it includes the
 * process's start-up; rssMB is null when GNU time is missing. Standard output
 * is kept (the readers print a few lines) to check the event count.
 */
export function measure(argv) {
  const dir = mkdtempSync(join(tmpdir(), 'gotrace-bench-rss-'));
  try {
    return measureInto(argv, join(dir, 'rss'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureInto(argv, rssFile) {
  const timed = existsSync(GNU_TIME);
  const bounded = ['timeout', '-s', 'KILL', String(RUN_TIMEOUT_S), ...argv];
  const [cmd, ...args] = timed ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...bounded] : bounded;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20, timeout: (RUN_TIMEOUT_S + 60) * 1000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMB = null;
  if (timed && existsSync(rssFile)) {
    // GNU time may put a "Command exited with non-zero status" line first.
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb) && kb > 0) rssMB = kb / 1024;
  }
  const status = r.error ? `${r.error.code ?? r.error.message}` : r.status === 137 && secs >= RUN_TIMEOUT_S ? 'timed out' : r.status;
  return { secs, rssMB, status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** median is the middle value of `xs` (the mean of the middle two for an even count), or null for none. */
export function median(xs) {
  const v = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** goEventCount reads the event count from go-reader-bench's line (`events=N ...`), or null. */
export function goEventCount(stdout) {
  const m = /^events=(\d+)/m.exec(stdout);
  return m ? Number(m[1]) : null;
}

/** ourEventCount reads the event count from `gotrace stats` (an `events  N` line), or null. */
export function ourEventCount(stdout) {
  const m = /^events\s+(\d+)\s*$/m.exec(stdout);
  return m ? Number(m[1]) : null;
}
