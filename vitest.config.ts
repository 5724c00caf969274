import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// One run covers every package. Tests import packages by name; the alias points each
// `@dist-space/<name>` at its TypeScript sources (as the `source` export condition does for tsx),
// so `npm test` needs no build step.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@dist-space\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      // Subpath exports such as `@dist-space/oplog-storage/testing` live in `src/<subpath>/`.
      { find: /^@dist-space\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
