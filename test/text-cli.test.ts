import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../src/commands/text';
import { CliError } from '../src/io';

// `gotrace text encode|decode` on a Go golden test and its binary trace, both
// written by Go (fixtures/go-tests).
const dir = new URL('./fixtures/go-tests/', import.meta.url);
const name = 'go123-sync';
const archive = readFileSync(new URL(`${name}.test`, dir));
const binary = readFileSync(new URL(`${name}.trace`, dir));
const traceText = archive.toString('utf8').split('-- trace --\n')[1]!;

/** run decodes `chunks` and returns what was written, and the error if any. */
async function run(chunks: Uint8Array[]): Promise<[string, unknown]> {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (d: Buffer) => (out += d.toString('utf8')));
  let err: unknown;
  try {
    await decode(
      (async function* () {
        yield* chunks;
      })(),
      sink,
    );
  } catch (e) {
    err = e;
  }
  return [out, err];
}

describe('gotrace text', () => {
  it('encodes a txtar golden test and its bare trace text to Go binary trace', () => {
    expect(Buffer.from(encode(archive, 'x.test')).equals(binary)).toBe(true);
    expect(Buffer.from(encode(Buffer.from(traceText), 'x.txt')).equals(binary)).toBe(true);
  });

  it('names the file and the archive line of a fault', () => {
    const broken = Buffer.from(archive.toString('utf8').replace('Stacks\n', 'Stacks x\n'));
    const line = archive.toString('utf8').split('\n').indexOf('Stacks') + 1;
    expect(() => encode(broken, 'x.test')).toThrow(
      new CliError(`x.test:${line}: reading args for Stacks: encountered unexpected non-space at the end of an event: " x"`),
    );
    expect(() => encode(Buffer.from('-- expect --\nSUCCESS\n'), 'y')).toThrow('y: txtar archive without a "trace" file');
  });

  it('decodes a binary trace to the text Go wrote, in chunks of any size', async () => {
    expect(await run([binary])).toEqual([traceText, undefined]);
    const bytes = [...binary].map((b) => Uint8Array.of(b));
    expect(await run(bytes)).toEqual([traceText, undefined]);
  });

  it('writes the header and every event before the damage, then fails', async () => {
    // Cut inside a varint: Go stops with "unexpected EOF" there (a cut between
    // events or arguments is a clean end to Go's raw reader).
    const cut = binary.subarray(0, binary.lastIndexOf(0xff) + 1);
    const [out, err] = await run([cut]);
    expect(traceText.startsWith(out)).toBe(true);
    expect(out.startsWith('Trace Go1.23\n')).toBe(true);
    expect((err as Error).message).toContain('unexpected EOF');
    const [none, bad] = await run([Buffer.from('not a trace at all')]);
    expect(none).toBe('');
    expect((bad as Error).message).toContain('bad file format');
  });
});
