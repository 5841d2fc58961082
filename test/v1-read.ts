// Reading an old trace for the v1 tests: what we print for it, as
// `gotrace events` prints it (bytes as latin1 text), and the error it ends with.
import { TraceError } from '../src/errors';
import { format } from '../src/eventstring';
import { readEventsSync } from '../src/reader';
import { encodeRaw } from '../src/tables';

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
