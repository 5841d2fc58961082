// Errors whose Go message quotes bytes of the trace that are not UTF-8: the
// command line writes Go's bytes; the API keeps a string message (U+FFFD for
// those bytes) and the bytes in goMessageBytes.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { Reader, TraceError, messageBytes } from '../src/index';
import { formatCoreErrorBytes } from '../src/errors';
import { ERRORS } from '../format/errors.mjs';
import { textToTrace } from '../src/text';

const dir = new URL('./fixtures/errors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));

/** where is our location suffix for the fixture's error: the second string's batch. */
const where = ' (at byte 59, generation 1)';

/** captured runs the command line on `args` and returns its exit status and the bytes it wrote. */
async function captured(args: string[]): Promise<{ status: number; out: Buffer; err: Buffer }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const keep =
    (into: Buffer[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(Buffer.from(chunk));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep(out) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep(err) as typeof process.stderr.write);
  const status = await main(['node', 'gotrace', ...args]);
  vi.restoreAllMocks();
  return { status, out: Buffer.concat(out), err: Buffer.concat(err) };
}

afterEach(() => vi.restoreAllMocks());

describe('error messages with bytes that are not UTF-8', () => {
  it("the fixture's binary is its raw text's", () => {
    expect(Buffer.from(textToTrace(read('string-duplicate.txt'))).equals(read('string-duplicate.trace'))).toBe(true);
  });

  it("gotrace events writes Go's bytes (Go 1.27's stderr)", async () => {
    const { status, out, err } = await captured(['events', new URL('string-duplicate.trace', dir).pathname]);
    expect(status).toBe(1);
    expect(out.equals(read('string-duplicate.go-stdout'))).toBe(true);
    const goLine = read('string-duplicate.go-stderr'); // Go's message, then a newline
    const want = Buffer.concat([Buffer.from('gotrace: '), goLine.subarray(0, goLine.length - 1), Buffer.from(where + '\n')]);
    expect(err.toString('latin1')).toBe(want.toString('latin1'));
  });

  it('the API keeps a string message and has the bytes in goMessageBytes', async () => {
    const reader = new Reader(new Uint8Array(read('string-duplicate.trace')));
    const e = await (async () => {
      for (;;) if ((await reader.next()) === null) return null;
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TraceError);
    const te = e as TraceError;
    expect(te.goMessage).toBe('multiple strings with the same ID: id=1, new=\ufffd(, existing=a\ufffdb');
    expect(te.message).toBe(te.goMessage + where);
    const goLine = read('string-duplicate.go-stderr');
    expect(Buffer.from(te.goMessageBytes).equals(goLine.subarray(0, goLine.length - 1))).toBe(true);
    expect(Buffer.from(messageBytes(te)).toString('latin1')).toBe(
      Buffer.concat([goLine.subarray(0, goLine.length - 1), Buffer.from(where)]).toString('latin1'),
    );
  });

  it("a region's name prints as its bytes, as Go's %v of a userRegion does", () => {
    // regionMisuse's regions: u64 task, u32 offset of the name in the names
    // arena (u32 length, then bytes): names "\xfe" (task 7) and "ok" (task 0).
    const memory = new Uint8Array(512);
    const view = new DataView(memory.buffer);
    view.setBigUint64(80, 7n, true);
    view.setUint32(88, 1, true);
    view.setBigUint64(96, 0n, true);
    view.setUint32(104, 10, true);
    memory.set([1, 0, 0, 0, 0xfe], 401);
    memory.set([2, 0, 0, 0, 0x6f, 0x6b], 410);
    const code = Number(Object.keys(ERRORS).find((k) => ERRORS[Number(k)]!.name === 'regionMisuse'));
    const info = { code, args: [4n, 80n, 96n, 0n], offset: 0n, generation: 0n };
    const got = formatCoreErrorBytes(info, { memory, names: 400 });
    const want = Buffer.concat([
      Buffer.from('misuse of region in goroutine 4: region end {7 '),
      Buffer.from([0xfe]),
      Buffer.from('} when the inner-most active region start event is {0 ok}'),
    ]);
    expect(Buffer.from(got).toString('latin1')).toBe(want.toString('latin1'));
  });
});
