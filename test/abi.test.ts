// The ABI table (format/abi.mjs) is data that both sides of the WebAssembly
// boundary trust: its generator refuses a layout whose fields overlap, are
// misaligned or pass its end, so that a slip in a row is a failed `npm run
// gen` and not a record read at the wrong bytes.
import { describe, expect, it } from 'vitest';
import { LAYOUTS } from '../format/abi.mjs';
import { check } from '../scripts/gen-abi.mjs';
import { RECORD_SIZE, RECORD_TIME_WORD, RECORD_ARGS_WORD, RECORD_FLAGS_SHIFT, TABLES_SIZE, ERROR_SIZE } from '../bindings/abi';

const layout = (fields: { name: string; offset: number; type: string; tail?: boolean }[], size = 16) => ({
  prefix: 'T',
  doc: 'a test layout',
  size,
  fields: fields.map((f) => ({ doc: 'x', ...f })),
});

describe('the ABI table', () => {
  it('takes every layout of format/abi.mjs', () => {
    for (const l of Object.values(LAYOUTS)) expect(() => check(l)).not.toThrow();
  });

  it('refuses overlapping fields', () => {
    expect(() =>
      check(
        layout([
          { name: 'a', offset: 0, type: 'u64' },
          { name: 'b', offset: 4, type: 'u32' },
        ]),
      ),
    ).toThrow(/T_B: overlaps/);
  });

  it('refuses a misaligned field', () => {
    expect(() => check(layout([{ name: 'a', offset: 2, type: 'u32' }]))).toThrow(/T_A: offset 2 not aligned/);
  });

  it('refuses fields past the size, but not a tail that follows it', () => {
    expect(() => check(layout([{ name: 'a', offset: 16, type: 'u32' }]))).toThrow(/fields end at 20, past its size 16/);
    expect(() => check(layout([{ name: 'a', offset: 16, type: 'u64', tail: true }]))).not.toThrow();
  });

  it('refuses an unknown type', () => {
    expect(() => check(layout([{ name: 'a', offset: 0, type: 'u128' }]))).toThrow(/unknown type u128/);
  });

  it('gives the sizes and word indices assembly/README.md documents', () => {
    // By hand from the README: an 80-byte record (time at byte 8, args at 40,
    // flags in the first word's second byte), a 96-byte blob header, a 56-byte
    // error region (u32 code, u32 pad, u64 offset, u64 generation, 4 × u64).
    expect([RECORD_SIZE, RECORD_TIME_WORD, RECORD_ARGS_WORD, RECORD_FLAGS_SHIFT, TABLES_SIZE, ERROR_SIZE]).toEqual([80, 2, 10, 8, 96, 56]);
  });
});
