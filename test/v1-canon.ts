// The tie-insensitive form of a reading of an old trace (a port of
// shared/tools/canon.py), for comparing ours with Go's. Go's conversion of
// old traces orders events with equal times differently from run to run and
// then moves each tie 1 ns later; here every run of events whose times go
// t, t+1, t+2, ... gets its first time, and is sorted.
//
// Text is handled as latin1 (one char per byte), so that any bytes survive;
// sorting then follows byte order, which is canon.py's code-point order for
// UTF-8 text.

const TIME = / Time=(-?\d+)/;

/** canon returns the tie-insensitive form of `text`, a -d=parsed printout (latin1). */
export function canon(text: string): string {
  const events = text.split(/\n(?=M=)/);
  const out: string[] = [];
  let group: string[] = [];
  let start = '';
  let last: bigint | null = null;
  const flush = () => {
    group.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const e of group) out.push(e);
    group = [];
  };
  for (const e of events) {
    const m = TIME.exec(e);
    const t = m ? BigInt(m[1]!) : null;
    if (t !== null && last !== null && (t - last === 0n || t - last === 1n)) {
      group.push(e.replace(TIME, ` Time=${start}`));
    } else {
      flush();
      start = m ? m[1]! : '';
      group.push(e);
    }
    last = t;
  }
  flush();
  return out.join('\n');
}
