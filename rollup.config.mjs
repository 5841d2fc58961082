// The package's bundles: the library for Node as ESM and CommonJS, the
// library for browsers as ESM with the core embedded (no fs, no fetch), the
// same for the subpath gotrace/core (the core's loader and layouts), and
// the command line; and the library's type declarations, bundled into one
// file for `import` (index.d.ts) and one for `require` (index.d.cts), so that
// they resolve under every moduleResolution (node10, node16, nodenext,
// bundler) with no relative import left to resolve, and CommonJS consumers
// get declarations that TypeScript takes as CommonJS.
//
// The command line is one CommonJS file of its own, without comments and
// without the embedded core: a run's start-up is part of every measurement a
// user makes, and Node loads one CommonJS file about 10 ms faster than ES
// modules, comments cost parsing and make the source two-byte, and the
// embedded core would be parsed on every run for nothing.
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const NODE_PLATFORM = fileURLToPath(new URL('./bindings/platform.ts', import.meta.url));
const BROWSER_PLATFORM = fileURLToPath(new URL('./bindings/platform-browser.ts', import.meta.url));
const CLI_PLATFORM = fileURLToPath(new URL('./bindings/platform-cli.ts', import.meta.url));

/** platform swaps the library's Node way of finding the core for another
 * (`file`): the browser's embedded copy, or the command line's file only. */
function platform(file) {
  return {
    name: 'platform',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && resolved.id === NODE_PLATFORM ? file : resolved;
    },
  };
}

/**
 * WASM_TYPES declares, for the bundled declarations, the WebAssembly types
 * the core's API names (Core's constructor, its exports' memory) as empty
 * interfaces of the global WebAssembly namespace. Interfaces merge: where the
 * consumer has them (the DOM's lib, newer @types/node) nothing changes; where
 * it does not (a Node project on lib ES2022 with @types/node 20), the
 * declarations still check, under `skipLibCheck: false` too, instead of
 * failing with "Cannot find namespace 'WebAssembly'".
 */
const WASM_TYPES = `declare global {
    namespace WebAssembly {
        interface Module {}
        interface Instance {}
        interface Memory {}
    }
}`;

const ts = (options = {}) => typescript({ tsconfig: './tsconfig.json', declaration: false, noEmit: false, outDir: 'dist', ...options });
const external = (id) => id.startsWith('node:') || id === 'commander' || id === 'cli-progress';

/** library builds entry `input` as the bundles of one package entry
 * (`name`): Node's ES module and CommonJS, the browser's ES module, and the
 * declarations for import and require. */
const library = (input, name, browser) => [
  {
    input,
    external,
    plugins: [ts()],
    output: { file: `dist/${name}.js`, format: 'es' },
  },
  {
    input,
    external,
    plugins: [ts()],
    output: { file: `dist/${name}.cjs`, format: 'cjs', exports: 'named' },
  },
  {
    input,
    plugins: [platform(BROWSER_PLATFORM), ts()],
    output: { file: `dist/${browser}.js`, format: 'es' },
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    output: [`dist/${name}.d.ts`, `dist/${name}.d.cts`].map((file) => ({ file, format: 'es', banner: WASM_TYPES })),
  },
];

export default [
  ...library('src/index.ts', 'index', 'browser'),
  // gotrace/core: the core itself, for those who drive it (src/core.ts).
  ...library('src/core.ts', 'core', 'core-browser'),
  {
    input: 'src/cli.ts',
    external,
    plugins: [platform(CLI_PLATFORM), ts({ removeComments: true })],
    output: { file: 'dist/cli.cjs', format: 'cjs', banner: '#!/usr/bin/env node' },
  },
];
