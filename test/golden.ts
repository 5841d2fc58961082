// Helpers shared by the golden tests, which compare our printing with Go's.

/** firstDifference names the first line where two texts differ, for a readable failure. */
export function firstDifference(got: string, want: string): string {
  const a = got.split('\n'), b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}`;
  }
  return 'no difference';
}
