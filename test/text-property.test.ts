import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_FIELDS, specFor, VERSIONS } from '../format/events.mjs';
import { loadSync } from '../bindings/index';
import { quote } from '../src/quote';
import { textToTrace, traceToText } from '../src/text';

// Random valid raw events, written in the text format by hand here, must come
// back from text → binary → text unchanged, and binary → text → binary must
// be the identity. (Go's golden tests pin the format itself: text.test.ts.)

const u64 = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(0x7f, 0x80, 0x3fff, 0x4000, 2 ** 53 - 1, 2n ** 53n, 2n ** 63n, (1n << 64n) - 1n),
);

/** An event of the given format version: its text lines, in Go's TextWriter form. */
function eventText(version: number): fc.Arbitrary<string> {
  const types = [];
  for (let t = 0; t < 256; t++) if (specFor(version, t)) types.push(t);
  return fc.constantFrom(...types).chain((t) => {
    const spec = specFor(version, t)!;
    const nframes = spec.stack ? fc.integer({ min: 0, max: 4 }) : fc.constant(0);
    return fc
      .tuple(fc.array(u64, { minLength: spec.args.length, maxLength: spec.args.length }), nframes)
      .chain(([args, n]) =>
        fc.record({
          args: fc.constant(spec.stack ? [args[0]!, n, ...args.slice(2)] : args),
          frames: fc.array(u64, { minLength: 4 * n, maxLength: 4 * n }),
          // Go prints no data line for empty data, and cannot read that back.
          data: spec.data ? fc.uint8Array({ minLength: 1, maxLength: 40 }) : fc.constant(null),
        }),
      )
      .map(({ args, frames, data }) => {
        let s = spec.name + spec.args.map((a, i) => ` ${a}=${args[i]}`).join('');
        frames.forEach((v, i) => (s += (i % 4 === 0 ? '\n\t' : ' ') + `${FRAME_FIELDS[i % 4]}=${v}`));
        if (data) s += '\n\tdata=' + quote(data);
        return s + '\n';
      });
  });
}

const trace = fc.constantFrom(...VERSIONS).chain((v) => fc.array(eventText(v), { maxLength: 30 }).map((events) => `Trace Go1.${v}\n` + events.join('')));

describe('raw text round trips', () => {
  const core = loadSync();
  it('text → binary → text is stable, and binary → text → binary the identity', () => {
    fc.assert(
      fc.property(trace, (text) => {
        const bin = textToTrace(text);
        expect(traceToText(bin, core)).toBe(text);
        expect(Buffer.from(textToTrace(traceToText(bin, core))).equals(Buffer.from(bin))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
