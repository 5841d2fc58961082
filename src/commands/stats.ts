/**
 * `gotrace stats TRACE`: a summary of a trace, read through the public API
 * as any user would read it: how many events of each kind, how many
 * generations, the time the trace spans, its size, and how fast it was read.
 */
import type { Command } from 'commander';
import { type Int64 } from '../int64';
import { EventKind } from '../kinds';
import { openTrace, Output } from '../io';
import { Reader, type Source } from '../reader';
import { Cursor } from '../cursor';

/** register adds the `stats` subcommand to the program. */
export function register(program: Command): void {
  program
    .command('stats')
    .description('count the events of a trace by kind, and time the reading')
    .argument('<trace>', "the trace file ('-' for stdin)")
    .option('--cursor', 'read through a Cursor (no object per event) instead of a Reader')
    .action(async (path: string, opts: { cursor?: boolean }) => {
      const out = new Output();
      const input = openTrace(path);
      await out.write(formatStats(await (opts.cursor ? statsCursor(input) : stats(input))));
      await out.flush();
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
  /** generations counts the generations (the Sync events that start one). */
  generations: number;
  /** first and last are the times of the first and last events (null for no events). */
  first: Int64 | null;
  last: Int64 | null;
  /** context counts the events that ran on a goroutine, a proc and a thread (Go's -1 is none). */
  context: [goroutine: number, proc: number, thread: number];
  /** seconds is how long reading took. */
  seconds: number;
}

/** stats reads the trace from `input` and summarises it. */
export async function stats(input: Source): Promise<Stats> {
  const start = performance.now();
  const reader = new Reader(input);
  const counts = new Array<number>(EventKind.Experimental + 1).fill(0);
  let events = 0;
  let generations = 0;
  let first: Int64 | null = null;
  let last: Int64 | null = null;
  const context: Stats['context'] = [0, 0, 0];
  // Every event's kind, time and resource IDs are read, as a user's loop would.
  for (let batch; (batch = await reader.nextBatch()) !== null;) {
    for (const ev of batch) {
      counts[ev.kind]!++;
      if (ev.kind === EventKind.Sync && ev.tables !== null) generations++;
      last = ev.time;
      if (ev.goroutine !== -1) context[0]++;
      if (ev.proc !== -1) context[1]++;
      if (ev.thread !== -1) context[2]++;
    }
    first ??= batch[0]!.time;
    events += batch.length;
  }
  return summary(reader, counts, events, generations, first, last, context, start);
}

/** statsCursor is stats() read through a Cursor: the same summary, no object per event. */
export async function statsCursor(input: Source): Promise<Stats> {
  const start = performance.now();
  const c = new Cursor(input);
  const counts = new Array<number>(EventKind.Experimental + 1).fill(0);
  let events = 0;
  let generations = 0;
  let first: Int64 | null = null;
  let last: Int64 | null = null;
  const context: Stats['context'] = [0, 0, 0];
  while (await c.fill()) {
    while (c.nextSync()) {
      const kind = c.kind;
      counts[kind]!++;
      if (kind === EventKind.Sync && c.tables !== null) generations++;
      events++;
      last = c.time;
      first ??= last;
      if (c.goroutine !== -1) context[0]++;
      if (c.proc !== -1) context[1]++;
      if (c.thread !== -1) context[2]++;
    }
  }
  return summary(c, counts, events, generations, first, last, context, start);
}

/** summary makes the Stats of a reading that started at `start` (performance.now()). */
function summary(
  r: { version: number; bytesRead: number }, counts: number[], events: number, generations: number,
  first: Int64 | null, last: Int64 | null, context: Stats['context'], start: number,
): Stats {
  const byKind = new Map<string, number>();
  counts.forEach((c, k) => c > 0 && byKind.set(EventKind[k]!, c));
  return { version: r.version, bytes: r.bytesRead, events, byKind, generations, first, last, context, seconds: (performance.now() - start) / 1000 };
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
    ['generations', String(s.generations)],
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
