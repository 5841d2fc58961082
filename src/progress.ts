/**
 * Progress of a long reading on standard error: bytes read of the trace's
 * size, events, their rate and the time left, drawn by cli-progress. Shown
 * only to a person watching a terminal (see wantsProgress), and only once a
 * reading has taken DELAY_MS: a short run prints nothing more than it did.
 * The reading loops call step() once per batch of events (thousands of
 * them), never per event; it looks at the clock and draws at most every
 * INTERVAL_MS, and cli-progress is loaded only when a bar is first drawn.
 */
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import { stderr } from './io';

/** DELAY_MS is how long a reading runs before its progress is shown. */
export const DELAY_MS = 1000;

/** INTERVAL_MS is the least time between two drawings of the bar. */
const INTERVAL_MS = 250;

/**
 * CI_VARIABLES name the environment variables that CI services set (a log,
 * not a person, reads their terminal, where a terminal there is one).
 */
const CI_VARIABLES = [
  'CI',
  'CONTINUOUS_INTEGRATION',
  'BUILD_NUMBER',
  'RUN_ID',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'BUILDKITE',
  'TF_BUILD',
  'JENKINS_URL',
  'TEAMCITY_VERSION',
];

/** Where says what a command's progress would be drawn among. */
export interface Where {
  /** stderrTTY is whether standard error is a terminal. */
  stderrTTY: boolean;
  /** listing is whether the command writes its output to a terminal as it reads (a listing on screen: its own progress). */
  listing: boolean;
  /** quiet is --quiet. */
  quiet: boolean;
  /** env is the environment (process.env). */
  env: Record<string, string | undefined>;
}

/**
 * wantsProgress decides whether a command shows its progress: on a
 * terminal, not asked to be quiet, not under CI or a dumb terminal, and not
 * over a listing that the command is printing to the screen itself.
 */
export function wantsProgress(w: Where): boolean {
  if (w.quiet || !w.stderrTTY || w.listing) return false;
  if (w.env.TERM === 'dumb') return false;
  return !CI_VARIABLES.some((v) => {
    const value = w.env[v];
    return value !== undefined && value !== '' && value !== 'false' && value !== '0';
  });
}

/** progressFor makes a command's Progress, or null where none is shown (see wantsProgress); `total` is the trace's size where known. */
export function progressFor(total: number | null, quiet: boolean, listing: boolean): Progress | null {
  const shown = wantsProgress({
    stderrTTY: process.stderr.isTTY === true,
    listing: listing && process.stdout.isTTY === true,
    quiet,
    env: process.env,
  });
  return shown ? new Progress(total) : null;
}

/** Progress draws a reading's progress once it has run DELAY_MS, at most every INTERVAL_MS. */
export class Progress {
  private readonly start = Date.now();
  private next = this.start + DELAY_MS;
  private bar: SingleBar | null = null;

  /** The constructor takes the trace's size in bytes, or null where it is not known (a pipe). */
  constructor(private readonly total: number | null) {}

  /** step notes that `bytes` of the trace and `events` events have been read; it draws when it is time to. */
  step(bytes: number, events: number): void {
    const now = Date.now();
    if (now < this.next) return;
    this.next = now + INTERVAL_MS;
    const seconds = (now - this.start) / 1000;
    const payload = { done: megabytes(bytes), events: String(events), rate: `${rate(events, seconds)} events/s`, left: eta(bytes, this.total, seconds) };
    if (this.bar === null) this.bar = this.open(bytes, payload);
    else this.bar.update(Math.min(bytes, this.total ?? bytes), payload);
  }

  /** end takes the bar off the screen, if one was drawn; the command's output or error follows. */
  end(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** open draws the bar for the first time. */
  private open(bytes: number, payload: Record<string, string>): SingleBar {
    const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
    const sized = this.total !== null && this.total > 0;
    const format = sized ? '{bar} {percentage}% | {done} of {size} | {events} events | {rate} | {left}' : '{done} read | {events} events | {rate}';
    const bar = new SingleBar({
      format,
      stream: stderr(),
      clearOnComplete: true,
      hideCursor: false,
      barsize: 24,
      // Drawn when step() says, between batches: the reading does not yield to timers.
      fps: 1000 / INTERVAL_MS,
    });
    bar.start(sized ? this.total! : 0, bytes, { ...payload, size: sized ? megabytes(this.total!) : '' });
    return bar;
  }
}

/**
 * eta estimates the time left from the bytes read so far and how long they
 * took. The core reads a generation whole before its events come out, so the
 * bytes run ahead of the events by up to a generation: once all are read,
 * the last generation's events are still to come, and no time is promised.
 */
export function eta(bytes: number, total: number | null, seconds: number): string {
  if (total === null || bytes <= 0) return '';
  if (bytes >= total) return 'ETA: the last part';
  return `ETA ${Math.ceil((seconds * (total - bytes)) / bytes)}s`;
}

/** megabytes writes a byte count for a person. */
function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** rate writes events per second for a person. */
function rate(events: number, seconds: number): string {
  const r = events / Math.max(seconds, 1e-3);
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : `${Math.round(r / 1e3)}K`;
}
