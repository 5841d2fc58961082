// The published shape of the package: what `npm install gotrace` gives a user.
// The manifest is checked always; the built bundles where `npm run build` has
// made them (they are skipped, saying so, on a clone that has not built them).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const built = ['dist/index.js', 'dist/index.cjs', 'dist/browser.js', 'dist/cli.cjs', 'dist/index.d.ts', 'dist/index.d.cts']
  .every((f) => existsSync(root + f));
if (!built) console.warn('package.test.ts: dist/ is not built (npm run build): the bundle checks are skipped');

describe('package.json', () => {
  it('lists browser, import, require and default, each with its types first', () => {
    const e = pkg.exports['.'];
    expect(Object.keys(e)).toEqual(['browser', 'import', 'require', 'default']);
    for (const condition of Object.values(e)) expect(Object.keys(condition as object)).toEqual(['types', 'default']);
  });

  it('points every condition into dist/, CommonJS at declarations of its own, and has no side effects', () => {
    expect(pkg.exports['.']).toEqual({
      browser: { types: './dist/index.d.ts', default: './dist/browser.js' },
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      default: { types: './dist/index.d.ts', default: './dist/index.js' },
    });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20');
  });

  it('installs the gotrace command', () => {
    expect(pkg.bin).toEqual({ gotrace: './dist/cli.cjs' });
  });
});

describe.skipIf(!built)(`the built package${built ? '' : ' [skipped: dist/ is not built, run npm run build]'}`, () => {
  it('packs the bundles, the declarations and the command, and no sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/browser.js', 'dist/cli.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'README.md', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => f.startsWith('assembly/') || f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
    // The declarations are bundled: nothing left for a consumer's resolution to find beside them.
    expect(files.filter((f) => f.endsWith('.d.ts') || f.endsWith('.d.cts')).sort()).toEqual(['dist/index.d.cts', 'dist/index.d.ts']);
  });

  it('loads as an ES module and as CommonJS, with the same API', async () => {
    const esm = await import(pathToFileURL(`${root}dist/index.js`).href);
    const cjs = createRequire(import.meta.url)(`${root}dist/index.cjs`);
    for (const name of ['Reader', 'Cursor', 'Event', 'EventKind', 'TraceError', 'init', 'initSync', 'readAll']) {
      expect(typeof esm[name], name).not.toBe('undefined');
      expect(typeof cjs[name], name).toBe(typeof esm[name]);
    }
  });

  it('reads a trace through the CommonJS bundle as Go does', () => {
    const { readAll } = createRequire(import.meta.url)(`${root}dist/index.cjs`);
    const dir = `${root}test/fixtures/events/traces/`;
    const events = readAll(new Uint8Array(readFileSync(`${dir}go1.22-annotations.trace`)));
    expect(events.map((e: object) => `${e}\n`).join('')).toBe(readFileSync(`${dir}go1.22-annotations.want`, 'utf8'));
  });

  it('gives browsers a bundle that needs no Node module and fetches no .wasm', () => {
    const js = readFileSync(`${root}dist/browser.js`, 'utf8');
    expect(js).not.toMatch(/from\s*['"]node:/);
    expect(js).not.toMatch(/require\(/);
    expect(js).not.toMatch(/['"][^'"]*\.wasm['"]/);
  });

  it('starts the command with a node shebang', () => {
    expect(readFileSync(`${root}dist/cli.cjs`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('makes the command one ASCII CommonJS file that reads the core from build/ (start-up, see rollup.config.mjs)', () => {
    const js = readFileSync(`${root}dist/cli.cjs`, 'utf8');
    expect(js).not.toMatch(/require\(['"]\./);
    expect(js).not.toMatch(/\bimport\s.*\sfrom\s/);
    expect(js).not.toContain('AGFzbQ'); // the start of a base64-embedded WebAssembly module
    expect(js).toContain('../build/gotrace.wasm');
    expect(js).toMatch(/^[\x00-\x7f]*$/);
  });
});
