// The package's bundles: the library for Node as ESM and CommonJS, the
// library for browsers as ESM with the core embedded (no fs, no fetch), and
// the command line. Type declarations come from `tsc` (see package.json).
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';

const NODE_PLATFORM = fileURLToPath(new URL('./bindings/platform.ts', import.meta.url));
const BROWSER_PLATFORM = fileURLToPath(new URL('./bindings/platform-browser.ts', import.meta.url));

/** browserPlatform swaps the Node way of finding the core for the embedded copy. */
function browserPlatform() {
  return {
    name: 'browser-platform',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && resolved.id === NODE_PLATFORM ? BROWSER_PLATFORM : resolved;
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

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, noEmit: false, outDir: 'dist' });
const external = (id) => id.startsWith('node:') || id === 'commander';

export default [
  {
    input: { index: 'src/index.ts', cli: 'src/cli.ts' },
    external,
    plugins: [ts(), declarations()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  {
    input: 'src/index.ts',
    external,
    plugins: [ts()],
    output: { file: 'dist/index.cjs', format: 'cjs', exports: 'named' },
  },
  {
    input: 'src/index.ts',
    plugins: [browserPlatform(), ts()],
    output: { file: 'dist/browser.js', format: 'es' },
  },
];
