// Go's time formatting, for the one place a trace's reading prints a date: the
// wall clock of a Sync event's clock snapshot, which Go prints as
// time.Unix(sec, nsec).Format(time.RFC3339Nano) in UTC.
//
// The numbers come straight from the trace, so any int64 pair is possible.
// Go's arithmetic is 64-bit with wrap-around, and its calendar works on an
// unsigned count of seconds since an "absolute zero" in the distant past; to
// print what Go prints for every input (years before 0 or after 9999, and the
// wrapped results of overflow) the calculation is done here in BigInt with the
// same wrap-arounds. Snapshots come once per generation, so speed is no issue.

const SECONDS_PER_DAY = 86400n;
const NANOS_PER_SECOND = 1_000_000_000n;

/** Years between the absolute zero (a March 1st) and year 0 of Go's calendar. */
const ABSOLUTE_YEARS = 292277022400n;
/** Days from March 1st to December 31st, inclusive. */
const MARCH_THRU_DECEMBER = 306n;
/** Seconds from January 1st of year 1 to the Unix epoch. */
const UNIX_TO_INTERNAL = 719162n * SECONDS_PER_DAY;
/** Seconds from the absolute zero to January 1st of year 1. */
const INTERNAL_TO_ABSOLUTE = ((ABSOLUTE_YEARS / 400n) * 146097n + MARCH_THRU_DECEMBER) * SECONDS_PER_DAY;

const i64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);

/** pad prints `x` in decimal with at least `width` digits, as Go's appendInt. */
function pad(x: bigint, width: number): string {
  const digits = (x < 0n ? -x : x).toString().padStart(width, '0');
  return x < 0n ? '-' + digits : digits;
}

/**
 * civilDate splits a count of days since the absolute zero into Go's year,
 * month and day, with Go's fixed-width integer arithmetic (the year wraps
 * where Go's does).
 */
function civilDate(days: bigint): [bigint, bigint, bigint] {
  const d = u64(4n * days + 3n);
  const century = d / 146097n;
  const centuryDay = u32(d % 146097n) | 3n;
  const product = 2939745n * centuryDay;
  const yearOfCentury = product >> 32n;
  const dayOfYear = u32(product) / 2939745n / 4n; // counted from March 1st
  const m = u32(2141n * dayOfYear + 197913n);
  const janFeb = dayOfYear >= MARCH_THRU_DECEMBER ? 1n : 0n;
  const year = i64(i64(u64(century * 100n - ABSOLUTE_YEARS)) + yearOfCentury + janFeb);
  const month = (m >> 16n) - janFeb * 12n;
  const day = 1n + (m & 0xffffn) / 2141n;
  return [year, month, day];
}

/**
 * normalizeUnix carries nanoseconds outside [0, 1e9) into the seconds, as Go's
 * time.Unix does (with its int64 wrap-around).
 */
export function normalizeUnix(sec: bigint, nsec: bigint): [bigint, bigint] {
  sec = i64(sec);
  nsec = i64(nsec);
  if (nsec < 0n || nsec >= NANOS_PER_SECOND) {
    const carry = nsec / NANOS_PER_SECOND; // truncates toward zero, as Go's division
    sec = i64(sec + carry);
    nsec -= carry * NANOS_PER_SECOND;
    if (nsec < 0n) {
      nsec += NANOS_PER_SECOND;
      sec = i64(sec - 1n);
    }
  }
  return [sec, nsec];
}

/**
 * formatUnixNano returns what Go prints for
 * `time.Unix(sec, nsec).Format(time.RFC3339Nano)` with the local zone UTC:
 * nanoseconds outside [0, 1e9) carried into the seconds, the fraction printed
 * without trailing zeros (and without the dot when zero), years padded to four
 * digits and signed when negative.
 */
export function formatUnixNano(sec: bigint, nsec: bigint): string {
  [sec, nsec] = normalizeUnix(sec, nsec);
  const abs = u64(sec + UNIX_TO_INTERNAL + INTERNAL_TO_ABSOLUTE);
  const [year, month, day] = civilDate(abs / SECONDS_PER_DAY);
  const secOfDay = abs % SECONDS_PER_DAY;
  const hour = secOfDay / 3600n;
  const minute = (secOfDay % 3600n) / 60n;
  const second = secOfDay % 60n;
  let out = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  if (nsec !== 0n) out += '.' + nsec.toString().padStart(9, '0').replace(/0+$/, '');
  return out + 'Z';
}
