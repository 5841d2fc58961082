// The old-format traces of the shared corpus (Go's own, Go 1.11-1.21): what
// we print, in the tie-insensitive form, must hash to MANIFEST.tsv's column 7
// (canon.py of Go's reading). Needs /work/shared (skipped without it).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canon } from './v1-canon';
import { read } from './golden';

const dir = process.env.GOTRACE_CORPUS ?? '/work/shared/corpus/traces';
const have = existsSync(`${dir}/MANIFEST.tsv`);

describe.skipIf(!have)(`old traces of the corpus (${have ? dir : `skipped: no corpus at ${dir}`})`, () => {
  const manifest = have
    ? new Map(
        readFileSync(`${dir}/MANIFEST.tsv`, 'utf8')
          .split('\n')
          .map((l) => l.split('\t'))
          .map((f) => [f[0]!, f] as const),
      )
    : new Map<string, string[]>();
  const names = have
    ? readdirSync(dir)
        .filter((f) => f.startsWith('v1-') && f.endsWith('.trace'))
        .sort()
    : [];
  it('has old traces', () => expect(names.length).toBeGreaterThanOrEqual(12));
  for (const name of names) {
    it(name, () => {
      const row = manifest.get(name)!;
      const { text, error } = read(readFileSync(`${dir}/${name}`));
      expect(error?.goMessage ?? '').toBe(row[5] ?? '');
      expect(
        createHash('sha256')
          .update(Buffer.from(canon(text), 'latin1'))
          .digest('hex'),
      ).toBe(row[6]);
    });
  }
});
