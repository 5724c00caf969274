import { defineConfig } from 'vitest/config';

// One run covers every package. Tests import packages by name (and subpath, such as
// `@dist-space/transport-adapters/node`); the `@dist-space/source` export condition each package
// declares points them at their TypeScript sources, as it does for tsx, so `npm test` needs no
// build step.
const conditions = ['@dist-space/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
