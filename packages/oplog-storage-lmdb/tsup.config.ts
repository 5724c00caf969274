import { packageBuild } from '../../tsup.base.js';

export default packageBuild({
  platform: 'node',
  // walkLmdbStore finds lmdb through import.meta.url, which the CommonJS build must be given.
  shims: true,
});
