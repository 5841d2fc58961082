import { defineConfig } from 'vitest/config';

// Tests run against the core built by `npm run asbuild` (build/*.wasm).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // GOTRACE_WASM: another build of the core for every test (test/setup.ts).
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every skipped test listed at the end, with the reason in its name.
    reporters: ['default', './test/skipped-reporter.ts'],
    // `npm run coverage`: the share of the API (src/) and the core's loader
    // (bindings/) that the suite runs; the core itself is WebAssembly.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'bindings/**/*.ts'],
      // The embedded core is built (base64 of the .wasm), not written.
      exclude: ['bindings/wasm-inline.ts', '**/*.d.ts'],
      reporter: ['text', 'text-summary'],
    },
  },
});
