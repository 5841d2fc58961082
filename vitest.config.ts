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
  },
});
