import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { createAuthenticator } from '@dist-space/permissions';
import { createLogger, DistSpaceServer, LogRing, storeStorage } from '@dist-space/server';
import { listenWebSocket } from '@dist-space/transport-adapters/node';
import { serveFromChild } from './server-process.js';

// The Dist-Space reference server as the benchmark runs it, in a child process: the LMDB store
// in a fresh temporary directory (every Ack after an fsync'ed commit), WebSocket on loopback.

serveFromChild(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dist-space-bench-server-'));
  const store = await openLmdbOpLogStore({ path: dir, create: true });
  // Every client types with the same rights; no token keeps authentication out of the figures
  // (ShareDB has none).
  const authenticator = createAuthenticator({
    verifiers: [],
    anonymous: { scopes: ['read:**', 'write:**', 'create:**', 'delete:**'], workspaces: ['*'] },
  });
  if (!authenticator.ok) throw authenticator.error;
  const ring = new LogRing(100);
  const server = new DistSpaceServer({
    authenticator: authenticator.value,
    storage: storeStorage(store),
    // The per-session rate limits guard a public server against abuse; a client typing as fast
    // as the protocol allows is exactly what they would stop, and ShareDB has none.
    limits: { submitsPerSecond: Number.POSITIVE_INFINITY, submitBurst: Number.POSITIVE_INFINITY },
    connection: {
      messagesPerSecond: Number.POSITIVE_INFINITY,
      messageBurst: Number.POSITIVE_INFINITY,
      maxConnectionsPerAddress: 1_000,
    },
    logger: createLogger({ level: 'warn', ring }),
    logRing: ring,
  });
  const listener = await listenWebSocket({
    ...server.listenerOptions(),
    host: '127.0.0.1',
    port: 0,
  });
  server.attach(listener);
  return {
    url: `ws://127.0.0.1:${listener.port}/`,
    async stop() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
