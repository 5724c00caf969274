import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { serveOurs } from './ours-serve.js';

// The Dist-Space reference server as the goal has it: the LMDB store in a fresh
// temporary directory, every Ack after an fsync'ed commit.

serveOurs(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dist-space-bench-server-'));
  return {
    store: await openLmdbOpLogStore({ path: dir, create: true }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
