import { defineConfig } from 'vitest/config';

// One run covers every package. Tests import packages by name; the `source` export condition
// points them at the TypeScript sources, so `npm test` needs no build step.
export default defineConfig({
  resolve: {
    conditions: ['source'],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
