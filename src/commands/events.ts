/**
 * `gotrace events TRACE`: the trace's events as `go tool trace -d=parsed`
 * prints them (Go's Event.String() of each, then a newline), byte for byte,
 * streaming, and failing where Go fails. `--json` prints JSON Lines instead.
 */
import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { type Event } from '../event';
import { format } from '../eventstring';
import { openTrace, Output } from '../io';
import { Reader, type Source } from '../reader';
import { encodeRaw } from '../tables';

/** JSON_HELP documents the --json schema, for `gotrace events --help`. */
const JSON_HELP = `
JSON Lines (--json): one object per event, with
  kind        Go's event kind: Sync, Metric, Label, StackSample, RangeBegin,
              RangeActive, RangeEnd, TaskBegin, TaskEnd, RegionBegin,
              RegionEnd, Log, StateTransition, Experimental
  time        nanoseconds of the trace clock
  thread, proc, goroutine   the event's context (-1: none)
  stack       [{func, file, line, pc}] innermost first, where the event has one
and, by kind:
  sync        {n, clockSnapshot: {trace, mono, wall, wallSeconds, wallNanoseconds} | null}
  metric      {name, value}
  label       {label, resource: {kind, id}}
  range       {name, scope: {kind, id}} (and attributes: [{name, value}] on RangeEnd)
  task        {id, parent, type}
  region      {task, type}
  log         {task, category, message}
  transition  {resource: {kind, id}, from, to, reason, stack?}
  experimental {name, experiment, args: {NAME: value}}
64-bit numbers are JSON numbers where exact (up to 2^53), else decimal strings.`;

/** register adds the `events` subcommand to the program. */
export function register(program: Command): void {
  program
    .command('events')
    .description('print the events of a trace, as `go tool trace -d=parsed` does')
    .argument('<trace>', "the trace file ('-' for stdin)")
    .option('--json', 'print JSON Lines, one object per event (schema below)')
    .addHelpText('after', JSON_HELP)
    .action(async (path: string, opts: { json?: boolean }) => {
      await events(openTrace(path), process.stdout, opts.json ? 'json' : 'text');
    });
}

/** hasRawBytes reports whether some event of `batch` may print bytes that are not UTF-8. */
function hasRawBytes(batch: Event[]): boolean {
  for (const ev of batch) if (ev.tables?.hasRawStrings) return true;
  return false;
}

/**
 * events prints the events of the trace read from `input` to `stream`: Go's
 * text, or JSON Lines. Events before a failure are printed; then the
 * TraceError is thrown.
 */
export async function events(input: Source, stream: Writable = process.stdout, mode: 'text' | 'json' = 'text'): Promise<void> {
  const reader = new Reader(input);
  const out = new Output(stream);
  try {
    for (let batch; (batch = await reader.nextBatch()) !== null;) {
      let text = '';
      if (mode === 'json') {
        for (const ev of batch) text += JSON.stringify(ev) + '\n';
      } else {
        for (const ev of batch) text += format(ev, true) + '\n';
      }
      if (mode === 'text' && hasRawBytes(batch)) {
        // Strings that are not UTF-8 print as their bytes, as Go prints them.
        await out.flush();
        if (!stream.write(encodeRaw(text))) await once(stream, 'drain');
      } else {
        await out.write(text);
      }
    }
  } finally {
    await out.flush();
    await reader.close();
  }
}
