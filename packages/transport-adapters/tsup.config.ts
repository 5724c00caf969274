import { packageBuild } from '../../tsup.base.js';

// Three entries so that a browser bundle importing the package root never reaches node:net or ws:
// `index` is platform-neutral, `node` holds the TCP and ws adapters, `testing` the conformance suite.
export default packageBuild({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts', testing: 'src/testing/index.ts' },
  external: ['ws', 'vitest', /^node:/],
});
