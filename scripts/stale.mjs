// Builds the parts of the package that are stale, and only those: each part's
// outputs are compared with its sources by modification time, so that a
// second `npm run demo` (or a test run after a TypeScript edit) builds
// nothing. A fresh clone builds everything. Used by scripts/pretest.mjs (the
// generated files and the core) and by `npm run demo` (node scripts/stale.mjs:
// every part).
//
//   node scripts/stale.mjs [gen] [core] [bundles]
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATORS, differs, regenerate, sourcesOf } from './gen.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** newest is the latest modification time of the files under `paths` in `base` (missing ones are ignored). */
export function newest(paths, base = root) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(join(base, p))) continue;
    const s = statSync(join(base, p));
    if (s.isDirectory())
      t = Math.max(
        t,
        newest(
          readdirSync(join(base, p)).map((f) => join(p, f)),
          base,
        ),
      );
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}

/** oldest is the earliest modification time of `files` in `base`, 0 where one is missing. */
export function oldest(files, base = root) {
  if (!files.every((f) => existsSync(join(base, f)))) return 0;
  return Math.min(...files.map((f) => statSync(join(base, f)).mtimeMs));
}

/** npm runs an npm script of the package. */
const npm = (script) => () => execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });

const CORE = ['build/gotrace.wasm', 'build/gotrace.debug.wasm', 'bindings/wasm-inline.ts'];
// The bundles include the type declarations, which rollup bundles too (rollup.config.mjs).
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

/**
 * pendingGenerators lists the generated files (scripts/gen.mjs) under `base`
 * to write again: those older than one of their sources and not what their
 * generator writes. A file edited by hand after its sources is left for
 * test/generated.test.ts to report, not overwritten; one whose text is right
 * is not touched, so that the core does not look stale.
 */
export function pendingGenerators(base = root) {
  return GENERATORS.filter((g) => isStale({ sources: sourcesOf(g), outputs: [g.output] }, base) && differs(g, base));
}

/**
 * PARTS are the parts of the package in build order: what each is made from,
 * what it makes, and how. The generated files are sources of the core, and
 * the bundles take the core (its embedded copy in bindings/), so a stale part
 * makes the next ones stale too. A part with its own test of staleness says
 * so in `stale`.
 */
export const PARTS = {
  gen: {
    sources: [...new Set(GENERATORS.flatMap(sourcesOf))],
    outputs: GENERATORS.map((g) => g.output),
    stale: (base) => pendingGenerators(base).length > 0,
    build: () => {
      for (const g of pendingGenerators()) regenerate(g);
    },
  },
  core: { sources: ['assembly', 'format', 'asconfig.json'], outputs: CORE, build: npm('asbuild') },
  bundles: {
    sources: ['src', 'bindings', 'rollup.config.mjs', 'tsconfig.json', 'package.json'],
    outputs: BUNDLES,
    build: () => {
      execFileSync('npx', ['rollup', '-c'], { cwd: root, stdio: 'inherit' });
      chmodSync(join(root, 'dist/cli.cjs'), 0o755);
    },
  },
};

/** isStale reports whether a part's outputs (in `base`) are missing or older
 * than one of its sources, or what the part's own test says. */
export function isStale(part, base = root) {
  if (part.stale) return part.stale(base);
  return oldest(part.outputs, base) <= newest(part.sources, base);
}

/** buildStale builds the parts named in `names`, in build order, that are stale, saying which and why. */
export function buildStale(names) {
  for (const [name, part] of Object.entries(PARTS)) {
    if (!names.includes(name)) continue;
    if (!isStale(part)) {
      console.error(`${name}: up to date`);
      continue;
    }
    console.error(`${name}: building (${oldest(part.outputs) === 0 ? 'not built' : 'a source is newer'})`);
    part.build();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  buildStale(names.length > 0 ? names : Object.keys(PARTS));
}
