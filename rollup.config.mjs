// The package's bundles: the library for Node as ESM and CommonJS, the
// library for browsers as ESM with the core embedded (no fs, no fetch), and
// the command line. Type declarations come from `tsc` (see package.json).
//
// The command line is one CommonJS file of its own, without comments and
// without the embedded core: a run's start-up is part of every measurement a
// user makes, and Node loads one CommonJS file about 10 ms faster than ES
// modules, comments cost parsing and make the source two-byte, and the
// embedded core would be parsed on every run for nothing.
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';

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

/** declarations adds dist/index.d.ts, which points at the declarations that
 * `npm run build:types` writes under dist/types. */
function declarations() {
  return {
    name: 'declarations',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'index.d.ts', source: "export * from './types/src/index.js';\n" });
    },
  };
}

const ts = (options = {}) => typescript({ tsconfig: './tsconfig.json', declaration: false, noEmit: false, outDir: 'dist', ...options });
const external = (id) => id.startsWith('node:') || id === 'commander' || id === 'cli-progress';

export default [
  {
    input: 'src/index.ts',
    external,
    plugins: [ts(), declarations()],
    output: { file: 'dist/index.js', format: 'es' },
  },
  {
    input: 'src/index.ts',
    external,
    plugins: [ts()],
    output: { file: 'dist/index.cjs', format: 'cjs', exports: 'named' },
  },
  {
    input: 'src/index.ts',
    plugins: [platform(BROWSER_PLATFORM), ts()],
    output: { file: 'dist/browser.js', format: 'es' },
  },
  {
    input: 'src/cli.ts',
    external,
    plugins: [platform(CLI_PLATFORM), ts({ removeComments: true })],
    output: { file: 'dist/cli.cjs', format: 'cjs', banner: '#!/usr/bin/env node' },
  },
];
