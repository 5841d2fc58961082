// Plain-text tables for the bench's report: a header line, a rule, and rows
// whose columns line up, text to the left and numbers to the right.

/**
 * formatTable lays out `rows` (arrays of strings) under `headers`; `align` has
 * one letter per column, "l" or "r".
 */
export function formatTable(headers, rows, align) {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) =>
    r
      .map((cell, i) => (align[i] === 'r' ? (cell ?? '').padStart(widths[i]) : (cell ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** fixed prints a number with `digits` decimals, or "n/a" for none. */
export function fixed(x, digits) {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

/** ratio prints a speed-up or a size ratio as "2.15x", or "n/a" when either side is missing. */
export function ratio(num, den) {
  return num === null || den === null || !(den > 0) ? 'n/a' : `${(num / den).toFixed(2)}x`;
}
