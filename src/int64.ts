// 64-bit quantities of a trace (times, IDs, metric values, program counters)
// as JavaScript values, exact and fast.
//
// The rule, everywhere in the API: a 64-bit value is a `number` when it is a
// safe integer (|v| <= 2^53 - 1), and a `bigint` otherwise. Nothing is ever
// rounded. Typical traces never leave the `number` path, so reading them costs
// no BigInt; the `bigint` values appear for timestamps of hosts that had been
// up for more than 104 days (the trace clock counts from boot), and for the
// huge IDs of corrupt or synthetic traces. Printing with String() or `${}` is
// exact either way; for arithmetic that must hold for any trace, convert with
// BigInt(x), which accepts both.

/** Int64 is a 64-bit quantity: a number when it is a safe integer, else a bigint. */
export type Int64 = number | bigint;

const TWO_32 = 4294967296;

/** normalize is `x` as a number when that is exact, else as a bigint. */
export function normalize(x: bigint): Int64 {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

/**
 * u64 is the unsigned 64-bit value of the little-endian words `lo` and `hi`
 * (both read as unsigned 32-bit).
 */
export function u64(lo: number, hi: number): Int64 {
  const v = hi * TWO_32 + lo;
  // A value past 2^53 - 1 stays past it when rounded, so the test is exact.
  return v <= Number.MAX_SAFE_INTEGER ? v : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * i64 is the signed 64-bit value of the little-endian words `lo` (unsigned)
 * and `hi` (signed 32-bit, e.g. `x | 0`).
 */
export function i64(lo: number, hi: number): Int64 {
  // A high word within 2^21 - 1 of zero puts the value within 2^53 - 1 of
  // zero: tested in integers, this spares the common values (times among
  // them) the floating-point test of Number.isSafeInteger.
  if (hi <= 0x1fffff && hi >= -0x1fffff) return hi * TWO_32 + lo;
  const v = hi * TWO_32 + lo;
  return Number.isSafeInteger(v) ? v : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

/**
 * id64 is i64 for values that are most often 32-bit (IDs, -1 for none): `lo`
 * is the low word read as signed (`x | 0`), `hi` the high word likewise.
 * Where the high word only extends the low word's sign, the value is the
 * low word itself, which V8 keeps as a small integer: no floating point.
 */
export function id64(lo: number, hi: number): Int64 {
  return hi === lo >> 31 ? lo : i64(lo >>> 0, hi);
}

/**
 * sub is a - b, exact, as an Int64: Go's Time.Sub for the times of events
 * (durations in nanoseconds), which may be bigints where `a.time - b.time`
 * is a type error (and mixing a number with a bigint a TypeError). It is a
 * number unless the difference itself is past 2^53 - 1, so that two times of
 * a host up for months, both bigints, give a number duration. Comparing
 * needs no helper: `<` and `>` compare numbers and bigints exactly, mixed.
 */
export function sub(a: Int64, b: Int64): Int64 {
  if (typeof a === 'number' && typeof b === 'number') {
    // Two safe integers differ by less than 2^54: exact where the result is safe.
    const d = a - b;
    if (Number.isSafeInteger(d)) return d;
  }
  return normalize(BigInt(a) - BigInt(b));
}

/** signed reinterprets an unsigned 64-bit value as Go's int64(x). */
export function signed(x: Int64): Int64 {
  return typeof x === 'number' ? x : normalize(BigInt.asIntN(64, x));
}

/** unsigned reinterprets a signed 64-bit value as Go's uint64(x). */
export function unsigned(x: Int64): Int64 {
  if (typeof x === 'number') return x >= 0 ? x : BigInt.asUintN(64, BigInt(x));
  return normalize(BigInt.asUintN(64, x));
}

/** low32 is the low 32 bits of `x`, as Go's uint32(x) (for packed fields). */
export function low32(x: Int64): number {
  return typeof x === 'number' ? x % TWO_32 : Number(BigInt.asUintN(32, x));
}

/** high32 is the high 32 bits of an unsigned `x`, as Go's uint32(x >> 32). */
export function high32(x: Int64): number {
  return typeof x === 'number' ? Math.floor(x / TWO_32) : Number(BigInt.asUintN(32, x >> 32n));
}

/** hex prints an unsigned 64-bit value in lower-case hex, as Go's %x. */
export function hex(x: Int64): string {
  return x.toString(16);
}

/** toJSONValue is `x` for JSON: a number when exact, else a decimal string. */
export function toJSONValue(x: Int64): number | string {
  return typeof x === 'number' ? x : x.toString();
}
