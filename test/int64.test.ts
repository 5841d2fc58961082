// The Int64 rule at the edges of its fast paths: i64 and id64 give the same
// values as BigInt arithmetic, numbers exactly where those are safe.
import { describe, expect, it } from 'vitest';
import { i64, id64 } from '../src/int64';

/** expected is the Int64 of the signed 64-bit value `v`: a number when safe, else the bigint. */
function expected(v: bigint): number | bigint {
  return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
}

// High words around the 2^21 bound of i64's integer test and around the
// sign of id64's, with low words at their edges.
const HIGHS = [0, 1, -1, 0x1ffffe, 0x1fffff, 0x200000, 0x200001, -0x1fffff, -0x200000, -0x200001, 0x7fffffff, -0x80000000];
const LOWS = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

describe('i64 and id64 keep the Int64 rule', () => {
  it('at the edges of their fast paths', () => {
    for (const hi of HIGHS) {
      for (const lo of LOWS) {
        const want = expected(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)));
        expect(i64(lo, hi)).toBe(want);
        expect(id64(lo | 0, hi)).toBe(want);
      }
    }
  });

  it('gives -1 and small IDs as numbers', () => {
    expect(id64(-1, -1)).toBe(-1);
    expect(id64(7, 0)).toBe(7);
    expect(id64(-0x80000000, 0)).toBe(0x80000000);
  });
});
