// scripts/stale.mjs: a part of the package is built again only when one of
// its outputs is missing or older than one of its sources (any file under a
// source folder), so that a second `npm run demo` builds nothing.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale, PARTS } from '../scripts/stale.mjs';

const base = mkdtempSync(join(tmpdir(), 'gotrace-stale-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** at writes `file` under base with the modification time `seconds`. */
function at(file: string, seconds: number): void {
  mkdirSync(join(base, file, '..'), { recursive: true });
  writeFileSync(join(base, file), '');
  utimesSync(join(base, file), seconds, seconds);
}

const part = { sources: ['src', 'conf.json'], outputs: ['out/a.js', 'out/b.js'] };

describe('isStale', () => {
  it('is stale where an output is missing', () => {
    at('src/x.ts', 100);
    at('conf.json', 100);
    at('out/a.js', 200);
    expect(isStale(part, base)).toBe(true);
  });

  it('is up to date where every output is newer than every source', () => {
    at('out/b.js', 200);
    expect(isStale(part, base)).toBe(false);
  });

  it('is stale where a file deep in a source folder is newer than an output', () => {
    at('src/deep/y.ts', 300);
    expect(isStale(part, base)).toBe(true);
    at('out/a.js', 400);
    at('out/b.js', 400);
    expect(isStale(part, base)).toBe(false);
    at('conf.json', 401);
    expect(isStale(part, base)).toBe(true);
  });

  it("knows the package: the generated files, the core, and the bundles (from the core's embedded copy too) with the types", () => {
    expect(Object.keys(PARTS)).toEqual(['gen', 'core', 'bundles']);
    expect(PARTS.gen.outputs).toContain('assembly/format.ts');
    expect(PARTS.bundles.sources).toContain('bindings');
    expect(PARTS.core.outputs).toContain('bindings/wasm-inline.ts');
    expect(PARTS.bundles.outputs).toContain('dist/cli.cjs');
    expect(PARTS.bundles.outputs).toEqual(expect.arrayContaining(['dist/index.d.ts', 'dist/index.d.cts']));
  });
});
