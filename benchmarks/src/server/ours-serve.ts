import type { OpLogStore } from '@dist-space/oplog-storage';
import { createAuthenticator } from '@dist-space/permissions';
import { createLogger, DistSpaceServer, LogRing, storeStorage } from '@dist-space/server';
import { listenWebSocket } from '@dist-space/transport-adapters/node';
import { serveFromChild } from './server-process.js';

// The Dist-Space reference server as the benchmark runs it, in a child process, on WebSocket on
// loopback: the configuration both server entries (ours-server.ts on LMDB, ours-memory-server.ts
// on the memory store) share, so that the store is the only difference between them.

/** A store for one server's life, and how to dispose of it once the server has closed. */
export interface BenchStore {
  readonly store: OpLogStore;
  dispose(): Promise<void>;
}

/** Runs the reference server in this child process on the store `open` gives. */
export function serveOurs(open: () => Promise<BenchStore>): void {
  serveFromChild(async () => {
    const { store, dispose } = await open();
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
        await dispose();
      },
    };
  });
}
