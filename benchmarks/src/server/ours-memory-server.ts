import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { serveOurs } from './ours-serve.js';

// The Dist-Space reference server on the memory store, as ShareDB runs on its MemoryDB: not the
// configuration the goal names (commits there are durable), but the one that tells how much of
// a row is the server and how much the durable commit.

serveOurs(async () => ({ store: new MemoryOpLogStore(), dispose: async () => {} }));
