// Helpers shared by the golden tests, which compare our printing with Go's:
// what we print for a trace, as `gotrace events` prints it (bytes as latin1
// text), and the error it ends with.
import { TraceError } from '../src/errors';
import { format } from '../src/eventstring';
import { readEventsSync } from '../src/reader';
import { encodeRaw } from '../src/tables';

/** firstDifference names the first line where two texts differ, for a readable failure. */
export function firstDifference(got: string, want: string): string {
  const a = got.split('\n'),
    b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}`;
  }
  return 'no difference';
}

/** Reading is our printout of a trace (latin1, one char per byte) and its error. */
export interface Reading {
  text: string;
  error: TraceError | null;
}

/** read reads `trace` with gotrace; a failure that is not a TraceError is thrown. */
export function read(trace: Uint8Array): Reading {
  const parts: string[] = [];
  let error: TraceError | null = null;
  try {
    for (const ev of readEventsSync(trace)) parts.push(format(ev, true) + '\n');
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    error = e;
  }
  return { text: Buffer.from(encodeRaw(parts.join(''))).toString('latin1'), error };
}
