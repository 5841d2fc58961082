/**
 * Input and output of the command-line tool, shared by its subcommands: a
 * trace read in chunks from a file or stdin (never whole), and text written in
 * large pieces with backpressure (one write per line is far too slow for
 * listings of millions of events).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CompressionError, compressionOf, decompressing, MAGIC_LENGTH } from './compression';
import { TraceError } from './errors';
import { PULL, type PullSource } from './reader';

/** CHUNK is the size of the pieces a trace is read in. */
export const CHUNK = 1 << 20;

/** CliError is an error the command line reports as one line, `gotrace: <message>`, and exit status 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** openTrace opens the trace at `path` ('-' for stdin) for reading in chunks.
 * It fails as Go's `go tool trace` does when the file cannot be opened. A
 * regular file (stdin too, when it is one) is read synchronously, as the
 * reader asks (see FileSource); anything else (a pipe, a terminal) streams.
 * A compressed trace (gzip) streams too, decompressed as it is read (see
 * compression.ts). */
export function openTrace(path: string): AsyncIterable<Uint8Array> {
  if (path === '-') return isFile(0) ? fileTrace(0, false) : decompressing(process.stdin);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CliError(`failed to read trace file: open ${path}: ${errnoText(e)}`);
  }
  if (isDirectory(fd)) {
    // Go 1.27 opens a directory, fails its first read and says "bad file
    // format: not a Go execution trace?"; naming the directory says more.
    closeSync(fd);
    throw new CliError(`failed to read trace file: read ${path}: is a directory`);
  }
  return isFile(fd) ? fileTrace(fd, true) : decompressing(createReadStream('', { fd, highWaterMark: CHUNK }));
}

/** fileTrace reads the regular file `fd` as a FileSource, or decompressed
 * where its first bytes say it is compressed. */
function fileTrace(fd: number, owned: boolean): AsyncIterable<Uint8Array> {
  const head = new Uint8Array(MAGIC_LENGTH);
  let n: number;
  try {
    n = readSync(fd, head, 0, MAGIC_LENGTH, null);
  } catch (e) {
    // A failed first read (EIO, say) is the source's error, met here rather than at the reading: let go of the file.
    if (owned) closeSync(fd);
    throw e;
  }
  const first = head.subarray(0, n);
  const file = new FileSource(fd, owned, first);
  return compressionOf(first) === null ? file : decompressing(file);
}

/** isDirectory reports whether `fd` is a directory (which opens, but cannot be read). */
function isDirectory(fd: number): boolean {
  try {
    return fstatSync(fd).isDirectory();
  } catch {
    return false;
  }
}

/** traceSize is the size of the trace `input` from openTrace, where it is a file (null for a pipe or a terminal). */
export function traceSize(input: AsyncIterable<Uint8Array>): number | null {
  if (!(input instanceof FileSource)) return null;
  try {
    return fstatSync(input.fd).size;
  } catch {
    return null;
  }
}

/** isFile reports whether `fd` is a regular file (which reads never block on). */
function isFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * FileSource reads a regular file from its current position: in place, into
 * the reader's own memory, when a Reader asks (PullSource: no chunk made, no
 * await), or as chunks for the readers that take them. The file is read
 * once, front to back, whichever way; `owned` closes it at its end.
 */
class FileSource implements AsyncIterable<Uint8Array>, PullSource {
  private done = false;

  /** The constructor takes the file and `head`, its first bytes already read (given first). */
  constructor(
    readonly fd: number,
    private readonly owned: boolean,
    private head = new Uint8Array(0),
  ) {}

  [PULL](into: Uint8Array): number {
    // The head and what follows it in one piece: Node's gunzip, given a few
    // bytes alone first, drops more of what it decompressed before a cut.
    const given = Math.min(this.head.length, into.length);
    into.set(this.head.subarray(0, given));
    this.head = this.head.subarray(given);
    if (this.done || given === into.length) return given;
    let n = 0;
    try {
      n = readSync(this.fd, into, given, into.length - given, null);
    } finally {
      // The end, or a failed read (which ends the reading): let go of the file.
      if (n === 0) {
        this.done = true;
        if (this.owned) closeSync(this.fd);
      }
    }
    return given + n;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = new Uint8Array(CHUNK);
      const n = this[PULL](chunk);
      if (n === 0) return;
      yield chunk.subarray(0, n);
    }
  }
}

/** errnoText is the system's wording of a failed call ("no such file or
 * directory"), which is Go's too, without Node's code and call name. */
function errnoText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^[A-Z0-9]+: (.*), \w+ '.*'$/.exec(msg);
  return m ? m[1] : msg;
}

/** written holds the standard streams the command line has written to (see stdout() and exit()). */
const written = new Set<Writable>();

/** stdout is process.stdout, noted as written to: exit() waits for what is written to it. */
export function stdout(): Writable {
  written.add(process.stdout);
  return process.stdout;
}

/** stderr is process.stderr, noted as written to: exit() waits for what is written to it. */
export function stderr(): Writable {
  written.add(process.stderr);
  return process.stderr;
}

/**
 * exit ends the process with `status` once everything written through
 * stdout() and stderr() has been taken by the system. It leaves through
 * process.exit rather than by letting the event loop empty: there Node 20
 * waits for every background task of V8 with the main thread blocked, and a
 * concurrent compilation that needs a collection from the main thread waits
 * for it in turn, so the process hangs after its last line
 * (nodejs/node#54918). process.exit drops the tasks still queued, which makes
 * that rarer, but it joins the running ones, so the same deadlock can still
 * happen there (measured: 4 hangs in 500 runs on test/fixtures/exit, against
 * 22 in 200 before): only a node started without background compilation is
 * free of it, which is how the command line starts on those versions
 * (launch.ts).
 */
export async function exit(status: number): Promise<never> {
  await Promise.all([...written].map(settled));
  process.exit(status);
}

/** settled resolves once what was written to `stream` has been taken, or the stream has failed. */
function settled(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // A reader gone (EPIPE) fails the write: nothing more can go out.
    stream.once('error', () => resolve());
    // Writes are taken in order: this one's callback comes after all before it.
    stream.write('', () => resolve());
  });
}

/** Output collects text and writes it to a stream in large pieces, waiting
 * for the stream to drain when it asks to. */
export class Output {
  private buffered = '';

  /** The constructor takes the stream to write to (stdout by default). */
  constructor(
    private readonly stream: Writable = stdout(),
    private readonly size = CHUNK,
  ) {}

  /** write adds `text`; it writes out once a piece is large enough. */
  async write(text: string): Promise<void> {
    this.buffered += text;
    if (this.buffered.length >= this.size) await this.flush();
  }

  /** flush writes out everything written so far. */
  async flush(): Promise<void> {
    if (this.buffered === '') return;
    const text = this.buffered;
    this.buffered = '';
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}

/**
 * writeStdout writes a short text (a summary) to stdout at once, straight to
 * its file descriptor: process.stdout is made on first use, and making it
 * loads Node's streams, about 5 ms of a run that prints one summary. Where
 * stdout is a non-blocking pipe that is full (EAGAIN), the rest goes through
 * process.stdout, which waits for it; a failure of that write (EPIPE where
 * the reader has gone) is this call's, not an unhandled 'error' event.
 */
export async function writeStdout(text: string): Promise<void> {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (e) {
    if ((e as { code?: string } | null)?.code !== 'EAGAIN') throw e;
    const out = stdout();
    await new Promise<void>((resolve, reject) => {
      // Kept: the stream may report its failure as an event after the callback.
      out.on('error', reject);
      out.write(bytes.subarray(done), (err) => (err ? reject(err) : resolve()));
    });
  }
}

/**
 * isEPIPE reports a write to a pipe whose reader has gone (`gotrace … | head`):
 * the listing ends quietly there, as a Unix tool's does.
 */
export function isEPIPE(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'EPIPE';
}

/** isReported tells errors that are reported as one line (the trace's, its
 * compression's, the command line's own, or the system's: a read or write
 * that failed, such as EIO, which Node words with its code and call) from
 * bugs, which keep their stack. */
export function isReported(e: unknown): e is Error {
  return e instanceof TraceError || e instanceof CompressionError || e instanceof CliError || isSystemError(e);
}

/** isSystemError reports whether `e` is Node's error of a failed system call (it has an errno code and the call's name). */
function isSystemError(e: unknown): e is Error {
  const { code, syscall } = (e ?? {}) as { code?: unknown; syscall?: unknown };
  return e instanceof Error && typeof code === 'string' && typeof syscall === 'string';
}
