/**
 * `gotrace stats TRACE`: a summary of a trace, read through the public API
 * as any user would read it: how many events of each kind, how many
 * generations, the time the trace spans, its size, and how fast it was read.
 */
import type { Command } from 'commander';
import type { Int64 } from '../int64';
import { EventKind } from '../kinds';
import { openTrace, traceSize, writeStdout } from '../io';
import { keepFreedMemory, YoungGeneration } from '../memory';
import { type Progress, progressFor } from '../progress';
import { Reader, type Source } from '../reader';
import type { Event } from '../event';
import { Cursor } from '../cursor';

/** register adds the `stats` subcommand to the program. */
export function register(program: Command): void {
  program
    .command('stats')
    .description('count the events of a trace by kind, and time the reading')
    .argument('<trace>', "the trace file ('-' for stdin)")
    .option('--cursor', 'read through a Cursor (no object per event) instead of a Reader')
    .option('--quiet', 'show no progress on a terminal')
    .action(async (path: string, opts: { cursor?: boolean; quiet?: boolean }) => {
      const input = openTrace(path);
      // A Reader copies records for its events; a Cursor does not (see keepFreedMemory).
      if (!opts.cursor) keepFreedMemory();
      const young = new YoungGeneration();
      const progress = progressFor(traceSize(input), opts.quiet === true, false);
      await writeStdout(formatStats(await (opts.cursor ? statsCursor(input, young, progress) : stats(input, young, progress))));
    });
}

/** Stats summarises a trace. */
export interface Stats {
  /** version is the trace's format version (22, 23, 25, 26). */
  version: number;
  /** bytes is the trace's size. */
  bytes: number;
  /** events counts every event. */
  events: number;
  /** byKind counts the events of each kind, by Go's kind name. */
  byKind: Map<string, number>;
  /**
   * generations counts the generations (the Sync events that start one); 0
   * for formats before Go 1.22 (see oldFormat), which have none.
   */
  generations: number;
  /**
   * first and last are the times of the first and last events (null for
   * none). In an old format, they are those of the trace's own events: Go's
   * reader adds a Sync before the first, one nanosecond before it in the
   * format's time (which Go prints as Time=-1 where that is 0), and one after
   * the last, which stand for no time of the program's.
   */
  first: Int64 | null;
  last: Int64 | null;
  /** context counts the events that ran on a goroutine, a proc and a thread (Go's -1 is none). */
  context: [goroutine: number, proc: number, thread: number];
  /** seconds is how long reading took. */
  seconds: number;
}

/** Counted is what stats reads of each event: an Event, or a Cursor standing on one. */
interface Counted {
  readonly kind: EventKind;
  readonly time: Int64;
  readonly goroutine: Int64;
  readonly proc: Int64;
  readonly thread: Int64;
  readonly tables: unknown;
}

/** OLD_FORMATS_BEFORE is the first format version with generations (Go 1.22's); older ones are converted by Go's reader. */
const OLD_FORMATS_BEFORE = 22;

/** oldFormat reports whether `version` is a format before generations (Go 1.11 to 1.21), which Go's reader converts. */
export function oldFormat(version: number): boolean {
  return version > 0 && version < OLD_FORMATS_BEFORE;
}

/** CHECK_EVERY is how many events are read between checks of V8's young generation (see YoungGeneration). */
const CHECK_EVERY = 1 << 20;

/**
 * Tally adds up events: every event's kind, time and resource IDs are read, as
 * a user's loop would. The loop over a step's events is a function of its
 * own, apart from the async reading around it: V8 then optimises it as a
 * whole, inlining the getters, instead of spending its inlining budget on the
 * reading's rarely run code. The last time is kept in a local while the loop
 * runs: a field holding number | bigint would box every store.
 */
class Tally {
  readonly counts = new Array<number>(EventKind.Experimental + 1).fill(0);
  readonly context: Stats['context'] = [0, 0, 0];
  events = 0;
  generations = 0;
  first: Int64 | null = null;
  last: Int64 | null = null;
  /** second and beforeLast are the times of the second event and of the one before the last (see Stats.first). */
  second: Int64 | null = null;
  beforeLast: Int64 | null = null;
  // process.hrtime rather than performance.now(): the latter loads perf_hooks
  // (eleven of Node's modules) at start-up.
  readonly start = process.hrtime.bigint();
  private nextCheck = CHECK_EVERY;

  /** The constructor takes the young generation to check and the progress to tell as the reading goes (see poll), if any. */
  constructor(
    private readonly young?: YoungGeneration,
    private readonly progress: Progress | null = null,
  ) {}

  /** poll, after each batch, tells the progress of `bytesRead`, and checks the young generation once every CHECK_EVERY events. */
  poll(bytesRead: number): void {
    this.progress?.step(bytesRead, this.events);
    if (this.events < this.nextCheck) return;
    this.nextCheck = this.events + CHECK_EVERY;
    this.young?.check();
  }

  /** addBatch counts a batch of events. */
  addBatch(batch: readonly Event[]): void {
    this.addEach(batch, null);
  }

  /** addCursor counts the events waiting at `c`, moving it past them. */
  addCursor(c: Cursor): void {
    this.addEach(null, c);
  }

  /**
   * addEach counts the events of `batch`, or those waiting at `cursor`, in
   * one loop for both: a process reads one way, so V8 sees one kind of event
   * in it. Its sums are locals until the loop ends: fields and arrays updated
   * at every event cost 30 to 40 instructions an event more (cachegrind).
   */
  private addEach(batch: readonly Event[] | null, cursor: Cursor | null): void {
    const counts = this.counts;
    let events = 0;
    let generations = 0;
    let goroutine = 0;
    let proc = 0;
    let thread = 0;
    let last: Int64 = 0;
    let beforeLast: Int64 = 0;
    for (;;) {
      let ev: Counted;
      if (batch !== null) {
        if (events === batch.length) break;
        ev = batch[events]!;
      } else {
        if (!cursor!.nextSync()) break;
        ev = cursor!;
      }
      const kind = ev.kind;
      counts[kind]!++;
      if (kind === EventKind.Sync && ev.tables !== null) generations++;
      beforeLast = last;
      last = ev.time;
      if (events++ < 2) this.early(last);
      if (ev.goroutine !== -1) goroutine++;
      if (ev.proc !== -1) proc++;
      if (ev.thread !== -1) thread++;
    }
    if (events === 0) return;
    this.beforeLast = events > 1 ? beforeLast : this.last;
    this.events += events;
    this.generations += generations;
    this.context[0] += goroutine;
    this.context[1] += proc;
    this.context[2] += thread;
    this.last = last;
  }

  /** early notes the time `t` of one of the first two events of a batch, if it is one of the trace's first two. */
  private early(t: Int64): void {
    if (this.first === null) this.first = t;
    else if (this.second === null) this.second = t;
  }

  /** summary makes the Stats of the reading `r`. */
  summary(r: { version: number; bytesRead: number }): Stats {
    const byKind = new Map<string, number>();
    this.counts.forEach((c, k) => c > 0 && byKind.set(EventKind[k]!, c));
    const old = oldFormat(r.version);
    // An old format's first and last events are the Syncs Go's reader adds around the trace's own.
    const [first, last] = !old ? [this.first, this.last] : this.events > 2 ? [this.second, this.beforeLast] : [null, null];
    return {
      version: r.version,
      bytes: r.bytesRead,
      events: this.events,
      byKind,
      generations: old ? 0 : this.generations,
      first,
      last,
      context: this.context,
      seconds: Number(process.hrtime.bigint() - this.start) / 1e9,
    };
  }
}

/**
 * stats reads the trace from `input` through a Reader and summarises it;
 * `young` and `progress`, where given, are checked and told as the reading
 * goes (the command line's).
 */
export async function stats(input: Source, young?: YoungGeneration, progress: Progress | null = null): Promise<Stats> {
  const tally = new Tally(young, progress);
  const reader = new Reader(input);
  try {
    for (let batch; (batch = await reader.nextBatch()) !== null; ) {
      tally.addBatch(batch);
      tally.poll(reader.bytesRead);
    }
  } finally {
    progress?.end();
  }
  return tally.summary(reader);
}

/** statsCursor is stats() read through a Cursor: the same summary, no object per event. */
export async function statsCursor(input: Source, young?: YoungGeneration, progress: Progress | null = null): Promise<Stats> {
  const tally = new Tally(young, progress);
  const c = new Cursor(input);
  try {
    while (await c.fill()) {
      tally.addCursor(c);
      tally.poll(c.bytesRead);
    }
  } finally {
    progress?.end();
  }
  return tally.summary(c);
}

/** span is the time from `first` to `last` in nanoseconds, exactly. */
function span(first: Int64, last: Int64): Int64 {
  if (typeof first === 'number' && typeof last === 'number') return last - first;
  return BigInt(last) - BigInt(first);
}

/** formatStats prints a summary as aligned lines. */
export function formatStats(s: Stats): string {
  const rows: [string, string][] = [
    ['format', s.version ? `Go 1.${s.version}` : 'unknown'],
    ['bytes', String(s.bytes)],
    ['events', String(s.events)],
    ['generations', oldFormat(s.version) ? `none (formats before Go 1.${OLD_FORMATS_BEFORE} have none)` : String(s.generations)],
  ];
  if (s.first !== null && s.last !== null) {
    const ns = span(s.first, s.last);
    rows.push(['time span', `${ns} ns (${(Number(ns) / 1e9).toFixed(6)} s, from ${s.first} to ${s.last})`]);
  }
  rows.push(['on', `${s.context[0]} events on a goroutine, ${s.context[1]} on a proc, ${s.context[2]} on a thread`]);
  const secs = Math.max(s.seconds, 1e-9);
  rows.push(['reading', `${s.seconds.toFixed(3)} s: ${(s.bytes / 1e6 / secs).toFixed(1)} MB/s, ${Math.round(s.events / secs)} events/s`]);
  let text = rows.map(([k, v]) => `${k.padEnd(12)}${v}\n`).join('');
  text += '\nevents by kind:\n';
  for (const [kind, count] of s.byKind) text += `  ${kind.padEnd(16)}${String(count).padStart(10)}\n`;
  return text;
}
