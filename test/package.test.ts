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
/** BUNDLES are the files the build makes: the main entry's, gotrace/core's and the command's. */
const BUNDLES = [
  'dist/index.js',
  'dist/index.cjs',
  'dist/browser.js',
  'dist/cli.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/core.js',
  'dist/core.cjs',
  'dist/core-browser.js',
  'dist/core.d.ts',
  'dist/core.d.cts',
];
const built = BUNDLES.every((f) => existsSync(root + f));

/** INTERNALS are names of the core's that only gotrace/core exports: its
 * class, loader, statuses and layouts (a sample of each kind). */
const INTERNALS = [
  'Core',
  'CoreTrap',
  'load',
  'loadSync',
  'NEED_INPUT',
  'END',
  'ERROR',
  'RAW_TYPE',
  'RAW_ARGS',
  'RECORD_SIZE',
  'RECORD_TIME',
  'TABLES_FLAGS',
  'ERROR_CODE',
];
if (!built) console.warn('package.test.ts: dist/ is not built (npm run build): the bundle checks are skipped');

describe('package.json', () => {
  it('lists browser, import, require and default, each with its types first, for the main entry and gotrace/core', () => {
    expect(Object.keys(pkg.exports)).toEqual(['.', './core', './package.json']);
    for (const entry of ['.', './core']) {
      const e = pkg.exports[entry];
      expect(Object.keys(e)).toEqual(['browser', 'import', 'require', 'default']);
      for (const condition of Object.values(e)) expect(Object.keys(condition as object)).toEqual(['types', 'default']);
    }
  });

  it('points every condition into dist/, CommonJS at declarations of its own, and has no side effects', () => {
    expect(pkg.exports['.']).toEqual({
      browser: { types: './dist/index.d.ts', default: './dist/browser.js' },
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      default: { types: './dist/index.d.ts', default: './dist/index.js' },
    });
    expect(pkg.exports['./core']).toEqual({
      browser: { types: './dist/core.d.ts', default: './dist/core-browser.js' },
      import: { types: './dist/core.d.ts', default: './dist/core.js' },
      require: { types: './dist/core.d.cts', default: './dist/core.cjs' },
      default: { types: './dist/core.d.ts', default: './dist/core.js' },
    });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20');
  });

  it('points gotrace/core at its files for resolvers that do not read exports (TypeScript node10)', () => {
    expect(pkg.files).toContain('core/package.json');
    const shim = JSON.parse(readFileSync(`${root}core/package.json`, 'utf8'));
    expect(shim).toEqual({ private: true, main: '../dist/core.cjs', module: '../dist/core.js', types: '../dist/core.d.cts' });
  });

  it('installs the gotrace command', () => {
    expect(pkg.bin).toEqual({ gotrace: './dist/cli.cjs' });
  });
});

describe.skipIf(!built)(`the built package${built ? '' : ' [skipped: dist/ is not built, run npm run build]'}`, () => {
  it('packs the bundles, the declarations and the command, and no sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    for (const f of [...BUNDLES, 'README.md', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => f.startsWith('assembly/') || f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
    // The declarations are bundled: nothing left for a consumer's resolution to find beside them.
    expect(files.filter((f) => f.endsWith('.d.ts') || f.endsWith('.d.cts')).sort()).toEqual([
      'dist/core.d.cts',
      'dist/core.d.ts',
      'dist/index.d.cts',
      'dist/index.d.ts',
    ]);
  });

  it('exports no core internals from the main entry, in its bundles or its declarations', async () => {
    const esm = await import(pathToFileURL(`${root}dist/index.js`).href);
    const cjs = createRequire(import.meta.url)(`${root}dist/index.cjs`);
    const browser = readFileSync(`${root}dist/browser.js`, 'utf8');
    const exported = (text: string) =>
      [...text.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) =>
        m[1]!.split(',').map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)
            .pop()!
            .replace(/^type /, ''),
        ),
      );
    for (const name of INTERNALS) {
      expect(esm[name], name).toBeUndefined();
      expect(cjs[name], name).toBeUndefined();
      expect(exported(browser), name).not.toContain(name);
      for (const d of ['dist/index.d.ts', 'dist/index.d.cts']) expect(exported(readFileSync(root + d, 'utf8')), `${d}: ${name}`).not.toContain(name);
    }
  });

  it('exports the core internals from gotrace/core, as an ES module, as CommonJS and in its declarations', async () => {
    const esm = await import(pathToFileURL(`${root}dist/core.js`).href);
    const cjs = createRequire(import.meta.url)(`${root}dist/core.cjs`);
    for (const name of INTERNALS) {
      expect(esm[name], name).toBeDefined();
      expect(typeof cjs[name], name).toBe(typeof esm[name]);
    }
    expect([esm.NEED_INPUT, esm.END, esm.ERROR, esm.RECORD_SIZE]).toEqual([0, -1, -2, 80]);
    const types = readFileSync(`${root}dist/core.d.ts`, 'utf8');
    for (const name of ['Core', 'loadSync', 'NEED_INPUT', 'RECORD_SIZE']) expect(types).toMatch(new RegExp(`\\b${name}\\b`));
    // The loader there gives a working core.
    const core = esm.loadSync();
    expect(typeof core.exports.next).toBe('function');
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

  it('gives browsers bundles (main and gotrace/core) that need no Node module and fetch no .wasm', () => {
    for (const f of ['dist/browser.js', 'dist/core-browser.js']) {
      const js = readFileSync(root + f, 'utf8');
      expect(js, f).not.toMatch(/from\s*['"]node:/);
      expect(js, f).not.toMatch(/require\(/);
      expect(js, f).not.toMatch(/['"][^'"]*\.wasm['"]/);
    }
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
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the bundle must be ASCII, control characters included.
    expect(js).toMatch(/^[\x00-\x7f]*$/);
  });
});
