import { defineConfig } from 'tsup';

// Three entries so that a browser bundle importing the package root never reaches node:net or ws:
// `index` is platform-neutral, `node` holds the TCP and ws adapters, `testing` the conformance suite.
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['ws', 'vitest', /^node:/],
});
