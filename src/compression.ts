/**
 * Compressed traces, read as they are stored and shipped: a trace in gzip is
 * recognized by its magic bytes and decompressed as it is read, chunk by
 * chunk, through the platform's `DecompressionStream` (browsers, Node 18 and
 * later), never whole in memory. Everything after this step sees the trace's
 * own bytes: byte offsets in errors and a Reader's `bytesRead` count bytes of
 * the decompressed trace, as Go's offsets do (they are offsets in the trace,
 * which Go reads decompressed too).
 *
 * zstd is recognized but not decompressed: the platforms have no zstd
 * decoder of their own (Node 20's zlib has none), and the small one in
 * JavaScript (fzstd) does not check a frame's checksum, so a damaged stream
 * would reach the reader as the trace's bytes (tried: a byte flipped at 5000
 * of an 11 MB zstd trace decoded without complaint). Such a trace fails with
 * a clear error that says what to do, not as a bad trace.
 */

/** Compression is a compressed container a trace may arrive in. */
export interface Compression {
  /** name is the container's name, as its command-line tool calls it. */
  readonly name: string;
  /** magic are the bytes every input in this container starts with. */
  readonly magic: readonly number[];
  /** format is DecompressionStream's name for it, or null where no decoder is at hand. */
  readonly format: 'gzip' | null;
  /** hint says what to do with input this reader cannot decompress. */
  readonly hint: string;
}

/** COMPRESSIONS are the containers recognized, by magic bytes (RFC 1952; RFC 8878). */
export const COMPRESSIONS: readonly Compression[] = [
  { name: 'gzip', magic: [0x1f, 0x8b], format: 'gzip', hint: '' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], format: null, hint: 'decompress it first (zstd -d)' },
];

/** MAGIC_LENGTH is how many bytes from the start of input tell its container. */
export const MAGIC_LENGTH = Math.max(...COMPRESSIONS.map((c) => c.magic.length));

/**
 * CompressionError is a failure of compressed input: a damaged or cut
 * compressed stream, or a container that cannot be decompressed here. It is
 * an error of the source, not a TraceError: the trace inside may be sound.
 */
export class CompressionError extends Error {
  /** compression is the container's name ('gzip', 'zstd'). */
  readonly compression: string;
  /** offset is the number of bytes of the trace decompressed before the failure (-1 where none was attempted). */
  readonly offset: number;

  constructor(compression: string, message: string, offset = -1, cause?: unknown) {
    super(`${compression}-compressed trace: ${message}`);
    this.name = 'CompressionError';
    this.compression = compression;
    this.offset = offset;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** compressionOf is the container whose magic `head` starts with, or null for anything else (a trace, or too few bytes). */
export function compressionOf(head: Uint8Array): Compression | null {
  return COMPRESSIONS.find((c) => head.length >= c.magic.length && c.magic.every((b, i) => head[i] === b)) ?? null;
}

/**
 * refuseCompressed throws where `bytes` are compressed: the synchronous
 * readers take the trace's own bytes only, as decompressing is asynchronous
 * in browsers.
 */
export function refuseCompressed(bytes: Uint8Array): void {
  const c = compressionOf(bytes);
  if (c === null) return;
  throw new CompressionError(
    c.name,
    c.format === null ? c.hint : 'readAll and readEventsSync read uncompressed bytes: read it with a Reader, which decompresses as it reads',
  );
}

/**
 * decompress is `input` decompressed where it starts with a compression's
 * magic, else `input` itself. It tells which on the first call of its
 * `next()`, reading as many chunks as that takes and giving them again, so
 * that a failure of the source is met where its chunks are asked for.
 */
export function decompress(input: AsyncIterator<Uint8Array>): AsyncIterator<Uint8Array> {
  let sniffing: Promise<AsyncIterator<Uint8Array>> | null = null;
  let inner: AsyncIterator<Uint8Array> | null = null;
  return {
    next: async () => (inner ??= await (sniffing ??= sniff(input))).next(),
    // Until the first bytes are told, letting go is letting go of the input
    // itself: it ends the read the sniffing may wait on, where waiting for
    // the sniffing first would wait for input that may never come.
    return: async () => (await (inner ?? input).return?.()) ?? { done: true, value: undefined },
  };
}

/**
 * sniff reads the first chunks of `input`, enough for MAGIC_LENGTH bytes,
 * and is the whole input decompressed (see inflate) or as it was. A chunk
 * that is not bytes ends the look: the reader rejects it, as it would have.
 */
async function sniff(input: AsyncIterator<Uint8Array>): Promise<AsyncIterator<Uint8Array>> {
  const head: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < MAGIC_LENGTH) {
    const r = await input.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    if (!(r.value instanceof Uint8Array)) break;
    length += r.value.length;
  }
  const replay = again(head, done ? null : input);
  const first = head.every((c) => c instanceof Uint8Array) ? concat(head, MAGIC_LENGTH) : new Uint8Array(0);
  const c = compressionOf(first);
  return c === null ? replay : inflate(c, replay);
}

/** decompressing is `source` decompressed where it is compressed (see decompress), as an async iterable. */
export async function* decompressing(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const input = decompress(Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]()));
  // Only a consumer that stops early lets go of the input: one that ended or failed has let go of it.
  let over = false;
  try {
    for (;;) {
      over = true;
      const r = await input.next();
      if (r.done) return;
      over = false;
      yield r.value;
    }
  } finally {
    if (!over) await input.return?.();
  }
}

/** toAsync makes a synchronous iterator of chunks an asynchronous one. */
function toAsync(it: Iterator<Uint8Array>): AsyncIterator<Uint8Array> {
  return { next: async () => it.next(), return: async () => it.return?.() ?? { done: true, value: undefined } };
}

/** concat is the first `n` bytes of `chunks`, or all of them where fewer. */
function concat(chunks: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(
    Math.min(
      n,
      chunks.reduce((s, c) => s + c.length, 0),
    ),
  );
  let at = 0;
  for (const c of chunks) {
    if (at === out.length) break;
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** again is an iterator that gives `head` and then what is left of `rest` (nothing where null). */
function again(head: Uint8Array[], rest: AsyncIterator<Uint8Array> | null): AsyncIterator<Uint8Array> {
  let i = 0;
  return {
    next: async () => {
      if (i < head.length) return { done: false, value: head[i++]! };
      return rest === null ? { done: true, value: undefined } : rest.next();
    },
    return: async () => {
      i = head.length;
      return (await rest?.return?.()) ?? { done: true, value: undefined };
    },
  };
}

/**
 * inflate decompresses `input`, in container `c`, through a
 * DecompressionStream, pulling compressed chunks only as decompressed ones
 * are asked for. A failure of `input` is passed on as itself; a failure of
 * the decompression is a CompressionError that says how much of the trace
 * came out before it.
 */
function inflate(c: Compression, input: AsyncIterator<Uint8Array>): AsyncIterator<Uint8Array> {
  if (c.format === null) throw new CompressionError(c.name, c.hint);
  if (typeof DecompressionStream === 'undefined') throw new CompressionError(c.name, 'this platform has no DecompressionStream: decompress it first');
  let sourceFailed = false;
  const compressed = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await input.next();
        } catch (e) {
          sourceFailed = true;
          throw e;
        }
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: async () => {
        await input.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  const reader = compressed.pipeThrough(new DecompressionStream(c.format) as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  let out = 0;
  let over = false;
  return {
    next: async () => {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        over = true;
        if (sourceFailed) throw e;
        throw new CompressionError(
          c.name,
          `the compressed stream is damaged: ${e instanceof Error ? e.message : String(e)} (after ${out} bytes of the trace)`,
          out,
          e,
        );
      }
      if (r.done) return { done: (over = true), value: undefined };
      out += r.value.length;
      return { done: false, value: r.value };
    },
    return: async () => {
      // A stream that ended or failed has nothing to cancel (and would fail the cancel with its error).
      if (!over) await reader.cancel();
      over = true;
      return { done: true, value: undefined };
    },
  };
}
