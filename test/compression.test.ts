// Compressed traces, read as they are stored (issue 15, item 2): a gzipped
// trace through every kind of source gives Go's events for the trace, as the
// trace itself does; byte offsets in errors count bytes of the trace, not of
// the gzip; a damaged gzip fails as a CompressionError (an error of the
// source), never as a TraceError; zstd, which no platform decodes, says what
// to do. The expected events are Go's (the fixtures' .want files).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { events as eventsCommand } from '../src/commands/events';
import { CompressionError, compressionOf, decompressing } from '../src/compression';
import { Cursor } from '../src/cursor';
import { TraceError } from '../src/errors';
import { openTrace } from '../src/io';
import { readAll, Reader, readEventsSync, type Source } from '../src/reader';
import { readWire } from '../src/wire';

const fixture = (name: string) => new URL(`./fixtures/events/traces/${name}`, import.meta.url);
const bytes = (name: string) => new Uint8Array(readFileSync(fixture(name + '.trace')));
const want = (name: string) => readFileSync(fixture(name + '.want'), 'utf8');
const gzip = (b: Uint8Array) => new Uint8Array(gzipSync(b));

// A trace of Go 1.22's format and one of Go 1.27's, both read to the end by Go.
const GOOD = ['go1.22-annotations', 'go1.27-stacks'];

/** pieces splits bytes into chunks of `size`. */
function pieces(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.slice(i, i + size));
  return out;
}

/** webStream is a web ReadableStream of `b` in chunks of `size`. */
function webStream(b: Uint8Array, size: number): ReadableStream<Uint8Array> {
  const parts = pieces(b, size);
  return new ReadableStream({ pull: (c) => (parts.length > 0 ? c.enqueue(parts.shift()!) : c.close()) });
}

/** SOURCES are the kinds of source a Reader takes, each made from the same bytes. */
const SOURCES: Record<string, (b: Uint8Array) => Source> = {
  'a Uint8Array': (b) => b,
  'an ArrayBuffer': (b) => b.slice().buffer,
  'a Blob': (b) => new Blob([b]),
  'a web ReadableStream in 1000-byte chunks': (b) => webStream(b, 1000),
  'a Node stream in 1-byte chunks at first, then 777': (b) => Readable.from([...pieces(b.subarray(0, 5), 1), ...pieces(b.subarray(5), 777)]),
};

/** text is the events of a Reader on `source`, printed as Go prints them. */
async function text(source: Source): Promise<string> {
  let out = '';
  for await (const ev of new Reader(source)) out += `${ev}\n`;
  return out;
}

/** failure is what reading `source` to its end with a Reader throws (undefined where nothing). */
async function failure(source: Source): Promise<unknown> {
  try {
    await text(source);
  } catch (e) {
    return e;
  }
  return undefined;
}

const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
if (!existsSync(CLI)) console.warn('compression.test.ts: dist/cli.cjs is not built (npm run build): the stdin pipe test is skipped');

const dir = mkdtempSync(join(tmpdir(), 'gotrace-compression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compressionOf', () => {
  it('tells gzip and zstd by their magic bytes, and a trace from both', () => {
    expect(compressionOf(new Uint8Array([0x1f, 0x8b, 8, 0]))?.name).toBe('gzip');
    expect(compressionOf(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0]))?.name).toBe('zstd');
    expect(compressionOf(new TextEncoder().encode('go 1.22 trace\0\0\0'))).toBeNull();
    expect(compressionOf(new Uint8Array([0x1f]))).toBeNull();
    expect(compressionOf(new Uint8Array([0x28, 0xb5, 0x2f]))).toBeNull();
  });
});

describe('a gzipped trace', () => {
  for (const name of GOOD) {
    for (const [kind, make] of Object.entries(SOURCES)) {
      it(`gives Go's events for ${name} from ${kind}`, async () => {
        expect(await text(make(gzip(bytes(name))))).toBe(want(name));
      });
    }
  }

  it('gives a Cursor the same events', async () => {
    const name = GOOD[1]!;
    const cursor = await Cursor.open(webStream(gzip(bytes(name)), 4096));
    let n = 0;
    while (await cursor.next()) n++;
    expect(n).toBe(readAll(bytes(name)).length);
  });

  it('counts bytesRead in bytes of the trace, not of the gzip', async () => {
    const raw = bytes(GOOD[0]!);
    const reader = new Reader(gzip(raw));
    for await (const _ of reader);
    expect(reader.bytesRead).toBe(raw.length);
  });

  it('gives the wire listing of the trace', async () => {
    const name = GOOD[0]!;
    const list = async (src: Uint8Array | AsyncIterable<Uint8Array>) => {
      const out: string[] = [];
      for await (const ev of readWire(src)) out.push(JSON.stringify(ev, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
      return out;
    };
    const raw = await list(bytes(name));
    expect(raw.length).toBeGreaterThan(100);
    expect(await list(gzip(bytes(name)))).toEqual(raw);
    expect(await list(Readable.from(pieces(gzip(bytes(name)), 333)))).toEqual(raw);
  });

  it('gives the events before a fault of the trace, then the TraceError at the offset in the trace', async () => {
    // A sound header (16 bytes), then a byte that is no event type: the fault is at byte 16 of the trace,
    // wherever it falls in the gzip.
    const trace = new Uint8Array([...new TextEncoder().encode('go 1.23 trace\0\0\0'), 0xff, 0, 0, 0]);
    const e = await failure(gzip(trace));
    expect(e).toBeInstanceOf(TraceError);
    expect((e as TraceError).offset).toBe(16);
    const name = 'cut-go1.23-annotations-1000';
    const err = await failure(Readable.from(pieces(gzip(bytes(name)), 100)));
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).goMessage).toBe(readFileSync(fixture(name + '.err'), 'utf8').trim());
  });
});

describe('a damaged gzip', () => {
  const raw = bytes(GOOD[1]!);
  const gz = gzip(raw);

  it('cut short fails as a CompressionError that says so, after the events of what came through', async () => {
    for (const [kind, make] of Object.entries(SOURCES)) {
      const e = await failure(make(gz.subarray(0, gz.length >> 1)));
      expect(e, kind).toBeInstanceOf(CompressionError);
      expect(e, kind).not.toBeInstanceOf(TraceError);
      expect((e as Error).message, kind).toMatch(
        /^gzip-compressed trace: the compressed stream is damaged: .*unexpected end of file.* \(after \d+ bytes of the trace\)$/,
      );
      expect((e as CompressionError).offset).toBeGreaterThan(0);
      expect((e as CompressionError).offset).toBeLessThan(raw.length);
    }
  });

  it('with a wrong checksum fails as a CompressionError', async () => {
    const bad = gz.slice();
    bad[bad.length - 8] ^= 0xff; // the CRC-32 of the trailer (RFC 1952, 2.2)
    const e = await failure(bad);
    expect(e).toBeInstanceOf(CompressionError);
    expect((e as Error).message).toMatch(/damaged/);
  });

  it('keeps failing with the same error', async () => {
    const reader = new Reader(gz.subarray(0, 100));
    const first = await reader
      .next()
      .then(() => reader.next())
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CompressionError);
    expect(await reader.next().catch((e: unknown) => e)).toBe(first);
  });

  // Node's gunzip drops more of a cut stream's output where its first chunk
  // is a few bytes alone (as the command line's sniffing of a file's first
  // bytes once gave it): the file's head goes on in one chunk with the rest.
  // The bytes there are to give: what zlib, fed the cut stream whole, gives.
  it('read by the command line from a cut file, gives all zlib gives of it', async () => {
    const cut = gz.subarray(0, 2000);
    const decompressible = gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).length;
    expect(decompressible).toBeGreaterThan(0);
    const path = join(dir, 'cut.trace.gz');
    writeFileSync(path, cut);
    const e = (await failure(openTrace(path))) as CompressionError;
    expect(e).toBeInstanceOf(CompressionError);
    expect(e.offset).toBe(decompressible);
  });

  it('passes a failure of the source on as itself', async () => {
    const failed = new Error('the disk is gone');
    async function* broken() {
      yield gz.subarray(0, 1000);
      throw failed;
    }
    expect(await failure(broken())).toBe(failed);
  });
});

describe('a trace compressed otherwise, or read synchronously', () => {
  const zstd = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00]);

  it('zstd fails with a CompressionError that says to decompress it first', async () => {
    for (const [kind, make] of Object.entries(SOURCES)) {
      const e = await failure(make(zstd));
      expect(e, kind).toBeInstanceOf(CompressionError);
      expect((e as Error).message).toBe('zstd-compressed trace: decompress it first (zstd -d)');
    }
  });

  it('readAll and readEventsSync refuse gzip, saying to use a Reader', () => {
    expect(() => readAll(gzip(bytes(GOOD[0]!)))).toThrow(/^gzip-compressed trace: readAll and readEventsSync read uncompressed bytes: read it with a Reader/);
    expect(() => [...readEventsSync(zstd)]).toThrow(CompressionError);
  });

  it('leaves a stream of text for the reader to reject', async () => {
    const e = await failure(Readable.from(['go 1.22 trace']));
    expect(e).toBeInstanceOf(TypeError);
  });

  it('leaves a trace too short for any magic as it is', async () => {
    const e = await failure(new Uint8Array([0x1f]));
    expect(e).toBeInstanceOf(TraceError);
    const chunks: Uint8Array[] = [];
    for await (const c of decompressing([new Uint8Array([0x1f]), new Uint8Array([0x8c])])) chunks.push(c);
    expect(chunks).toEqual([new Uint8Array([0x1f]), new Uint8Array([0x8c])]);
  });
});

describe('the command line', () => {
  /** sink is a Writable that keeps what is written. */
  function sink(): { stream: Writable; text: () => string } {
    const parts: Buffer[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (parts.push(Buffer.from(chunk)), done()) });
    return { stream, text: () => Buffer.concat(parts).toString('utf8') };
  }

  for (const name of GOOD) {
    it(`reads a gzipped file of ${name} as Go reads the trace`, async () => {
      const path = join(dir, `${name}.trace.gz`);
      writeFileSync(path, gzip(bytes(name)));
      const out = sink();
      await eventsCommand(openTrace(path), out.stream);
      expect(out.text()).toBe(want(name));
    });
  }

  it('still reads an uncompressed file, and a file shorter than any magic, in place', async () => {
    const name = GOOD[0]!;
    const out = sink();
    await eventsCommand(openTrace(fileURLToPath(fixture(name + '.trace'))), out.stream);
    expect(out.text()).toBe(want(name));
    const tiny = join(dir, 'tiny.trace');
    writeFileSync(tiny, new Uint8Array([0x1f]));
    expect(await eventsCommand(openTrace(tiny), sink().stream).catch((e: unknown) => e)).toBeInstanceOf(TraceError);
  });

  it('fails on a cut gzipped file with a CompressionError', async () => {
    const gz = gzip(bytes(GOOD[0]!));
    const path = join(dir, 'cut.trace.gz');
    writeFileSync(path, gz.subarray(0, gz.length >> 1));
    expect(await eventsCommand(openTrace(path), sink().stream).catch((e: unknown) => e)).toBeInstanceOf(CompressionError);
  });

  const cliBuilt = existsSync(CLI);
  it.skipIf(!cliBuilt)(
    `reads a gzipped trace piped to stdin, and says in one line that a cut one is damaged (dist/cli.cjs)${cliBuilt ? '' : ' [skipped: dist/ is not built, run npm run build]'}`,
    () => {
      const name = GOOD[0]!;
      const gz = gzip(bytes(name));
      const run = (input: Uint8Array) => spawnSync(process.execPath, [CLI, 'events', '-'], { input, encoding: 'utf8' });
      const ok = run(gz);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toBe(want(name));
      const cut = run(gz.subarray(0, gz.length >> 1));
      expect(cut.status).toBe(1);
      expect(cut.stderr).toMatch(
        /^gotrace: gzip-compressed trace: the compressed stream is damaged: unexpected end of file \(after \d+ bytes of the trace\)\n$/,
      );
    },
  );
});
