// Imports the packages by their published names only: scripts/check-packages.ts runs this very
// file against the packed packages, so it must not reach into src/ or the repository's support.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpLogStore } from '@dist-space/oplog-storage';
import { runOpLogStoreConformance } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';

runOpLogStoreConformance('LmdbOpLogStore', async () => {
  const path = await mkdtemp(join(tmpdir(), 'dist-space-lmdb-'));
  let store: OpLogStore = await openLmdbOpLogStore({ path });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openLmdbOpLogStore({ path });
      return store;
    },
    dispose: async () => {
      await store.close();
      await rm(path, { recursive: true, force: true });
    },
  };
});
