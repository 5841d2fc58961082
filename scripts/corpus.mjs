// What the conformance scripts (conformance.mjs, damage.mjs) know of the
// corpus and of our output alike, written once: where the traces and Go's
// readings are, how old-format readings are made tie-insensitive, and how our
// error line compares with Go's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** FOLDERS are the corpus's folders of traces, each with a MANIFEST.tsv of Go's readings. */
export const FOLDERS = ['traces', 'go-tests', 'fuzz'];

/** manifestRows are the rows of `folder`'s MANIFEST.tsv that name a trace, as their tab-separated fields (the name first). */
export function manifestRows(corpus, folder) {
  return readFileSync(join(corpus, folder, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name]) => name?.endsWith('.trace'));
}

/**
 * canon runs the corpus's tools/canon.py on a printout of an old-format trace
 * (Go orders ties differently from run to run): `{ out }`, the tie-insensitive
 * form, or `{ error }`, what canon.py said when it failed.
 */
export function canon(corpus, text) {
  const r = spawnSync('python3', [join(corpus, '../tools/canon.py')], { input: text, maxBuffer: 1 << 30 });
  return r.status === 0 ? { out: r.stdout } : { error: String(r.stderr) };
}

/** errorWords is our error line as Go words it: without `gotrace: ` and without the byte offset and generation we add. */
export function errorWords(stderr) {
  return stderr
    .trim()
    .replace(/^gotrace: /, '')
    .replace(/ \(at byte \d+(, generation \d+)?\)$/, '');
}
