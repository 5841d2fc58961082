/**
 * `gotrace events TRACE`: the trace's events as `go tool trace -d=parsed`
 * prints them (Go's Event.String() of each, then a newline), byte for byte,
 * streaming, and failing where Go fails. `--json` prints JSON Lines instead.
 */
import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { type Sink, writeEvent } from '../eventstring';
import type { Int64 } from '../int64';
import { isEPIPE, openTrace, stdout, traceSize } from '../io';
import { keepFreedMemory } from '../memory';
import { type Progress, progressFor } from '../progress';
import { Reader, type Source } from '../reader';
import { encodeInto, type Tables } from '../tables';

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
    .option('--quiet', 'show no progress on a terminal')
    .addHelpText('after', JSON_HELP)
    .action(async (path: string, opts: { json?: boolean; quiet?: boolean }) => {
      keepFreedMemory();
      const input = openTrace(path);
      await events(input, stdout(), opts.json ? 'json' : 'text', progressFor(traceSize(input), opts.quiet === true, true));
    });
}

/** The bytes of the headings of stack sections ("\nStack=\n"), made once. */
const HEADINGS: Record<string, Buffer> = {};

/** The size of the pieces output is written in. */
const PIECE = 1 << 20;

/**
 * ByteSink collects output as UTF-8 bytes in large pieces: text encoded
 * straight into the piece, and each stack copied from the bytes its
 * generation's tables keep of it. Building one long string instead, then
 * encoding it, costs several times more (most of the text is stacks).
 */
class ByteSink implements Sink {
  private buf = Buffer.allocUnsafe(PIECE);
  private pos = 0;
  private readonly full: Buffer[] = [];

  constructor(private readonly stream: Writable) {}

  /** tables are the tables of the event being written: whether its text may hold raw bytes. */
  tables: Tables | null = null;

  text(s: string): void {
    if (this.pos + 3 * s.length > this.buf.length) this.next(3 * s.length);
    // Node's encoder is the faster; ours keeps the bytes of strings that are not UTF-8.
    if (this.tables?.hasRawStrings) this.pos = encodeInto(s, this.buf, this.pos);
    else this.pos += this.buf.write(s, this.pos);
  }

  stack(heading: string, tables: Tables | null, id: Int64): void {
    this.bytes((HEADINGS[heading] ??= Buffer.from(`\n${heading}=\n`)));
    if (tables !== null) this.bytes(tables.stackBytes(id));
  }

  /** bytes adds `b` as it is. */
  private bytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) this.next(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** newline ends an event. */
  newline(): void {
    if (this.pos === this.buf.length) this.next(1);
    this.buf[this.pos++] = 10;
  }

  /** next sets the current piece aside and starts one with room for `n` bytes. */
  private next(n: number): void {
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(PIECE, n));
    this.pos = 0;
  }

  /** drain writes the pieces set aside (all of them with `all`), waiting for the stream. */
  async drain(all = false): Promise<void> {
    if (all && this.pos > 0) this.next(0);
    for (const piece of this.full.splice(0)) {
      if (!this.stream.write(piece)) await once(this.stream, 'drain');
    }
  }
}

/**
 * events prints the events of the trace read from `input` to `stream`: Go's
 * text, or JSON Lines. Events before a failure are printed; then the
 * TraceError is thrown. `progress`, where given, is told of each batch.
 */
export async function events(input: Source, stream: Writable = stdout(), mode: 'text' | 'json' = 'text', progress: Progress | null = null): Promise<void> {
  const reader = new Reader(input);
  let count = 0;
  const out = new ByteSink(stream);
  // Write errors arrive as events too; a reader of the output that goes away
  // (`gotrace events T | head`) ends the listing quietly.
  let writeError: unknown = null;
  const onError = (e: unknown) => (writeError ??= e);
  stream.on('error', onError);
  let failure: unknown = null;
  try {
    for (let batch; !writeError && (batch = await reader.nextBatch()) !== null; await out.drain()) {
      progress?.step(reader.bytesRead, (count += batch.length));
      if (mode === 'json') {
        for (const ev of batch) out.text(JSON.stringify(ev) + '\n');
        continue;
      }
      for (const ev of batch) {
        out.tables = ev.tables;
        writeEvent(ev, out, true);
        out.newline();
      }
      out.tables = null;
    }
  } catch (e) {
    failure = e;
  }
  progress?.end();
  try {
    if (!writeError) await out.drain(true); // the events before a failure too
  } catch (e) {
    writeError ??= e;
  }
  stream.off('error', onError);
  await reader.close();
  for (const e of [writeError, failure]) if (e && !isEPIPE(e)) throw e;
}
