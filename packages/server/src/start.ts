import { readFile } from 'node:fs/promises';
import { MemoryOpLogStore, type OpLogStore } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import type { Listener } from '@dist-space/transport-adapters';
import { listenTcp, listenWebSocket } from '@dist-space/transport-adapters/node';
import type { Logger } from 'pino';
import { setUpAuthentication } from './auth-setup.js';
import type { ServerConfig } from './config.js';
import { createLogger, LogRing } from './log.js';
import { storeStorage } from './persistent-log.js';
import { DistSpaceServer } from './server.js';

/** A server started from a configuration, with where it listens. */
export interface RunningServer {
  readonly server: DistSpaceServer;
  /** `ws://host:port/` or `wss://...`. */
  readonly url: string;
  /** `tcp://host:port`, when a TCP port was configured. */
  readonly tcpUrl?: string;
  /** The admin token made for development, when `auth.devToken` made one. */
  readonly devToken?: string;
  readonly logger: Logger;
  /** Shuts the server down gracefully and closes the store. */
  stop(reason?: string): Promise<void>;
}

async function openStore(config: ServerConfig): Promise<OpLogStore> {
  if (config.store === 'memory') return new MemoryOpLogStore();
  return openLmdbOpLogStore({ path: config.dataDir, create: true });
}

/** The certificate and key the configuration names, read once for every TLS listener. */
async function readTls(config: ServerConfig): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!config.tls) return undefined;
  const read = async (path: string, what: string) => {
    try {
      return await readFile(path);
    } catch (e) {
      throw new DistSpaceError(
        'INVALID_CONFIG',
        `The TLS ${what} '${path}' cannot be read: ${(e as Error).message}`,
      );
    }
  };
  return {
    cert: await read(config.tls.certFile, 'certificate'),
    key: await read(config.tls.keyFile, 'key'),
  };
}

/**
 * Starts the reference server a configuration describes: the store (LMDB in `dataDir`, or
 * memory), authentication, a WebSocket listener and, if asked, a TCP listener; both speak TLS
 * (`wss://`, `tls://`) when a certificate is given. `stop` shuts it down gracefully.
 *
 * @returns the running server, or `INVALID_CONFIG` / a store error saying why it cannot start
 */
export async function startServer(
  config: ServerConfig,
  options: { readonly logDestination?: null } = {},
): Promise<Result<RunningServer>> {
  const ring = new LogRing();
  const logger = createLogger({
    level: config.logLevel,
    ring,
    ...(options.logDestination === null ? { destination: null } : {}),
  });
  const listeners: Listener[] = [];
  let store: OpLogStore | undefined;
  try {
    const auth = await setUpAuthentication(config.auth, config.dataDir);
    if (!auth.ok) return auth;
    store = await openStore(config);
    const server = new DistSpaceServer({
      authenticator: auth.value.authenticator,
      storage: storeStorage(store, {
        snapshotEveryRevisions: config.persistence.snapshotEveryRevisions,
        retainRevisions: config.persistence.retainRevisions,
        recentWindow: config.limits.recentWindow,
        onBackgroundError: (e) =>
          logger.error({ code: e.code, err: e.message }, 'background snapshot failed'),
      }),
      limits: config.limits,
      connection: config.connection,
      logger,
      logRing: ring,
    });
    const tls = await readTls(config);
    const ws = await listenWebSocket({
      ...server.listenerOptions(),
      host: config.host,
      port: config.port,
      ...(tls ? { tls } : {}),
    });
    listeners.push(ws);
    server.attach(ws);
    const url = `${tls ? 'wss' : 'ws'}://${config.host}:${ws.port}/`;
    let tcpUrl: string | undefined;
    if (config.tcpPort !== null) {
      const tcp = await listenTcp({
        ...server.listenerOptions(),
        host: config.host,
        port: config.tcpPort,
        ...(tls ? { tls } : {}),
      });
      listeners.push(tcp);
      server.attach(tcp);
      tcpUrl = `${tls ? 'tls' : 'tcp'}://${config.host}:${tcp.port}`;
    }
    const openedStore = store;
    return ok({
      server,
      url,
      ...(tcpUrl ? { tcpUrl } : {}),
      ...(auth.value.devToken ? { devToken: auth.value.devToken } : {}),
      logger,
      async stop(reason) {
        await server.close(reason);
        await openedStore.close();
      },
    });
  } catch (e) {
    await Promise.allSettled(listeners.map((l) => l.close()));
    await store?.close().catch(() => undefined);
    if (e instanceof DistSpaceError) return err(e);
    const error = e as NodeJS.ErrnoException;
    return err(
      new DistSpaceError('INVALID_CONFIG', `The server could not start: ${error.message}`, {
        ...(error.code ? { cause: error.code } : {}),
      }),
    );
  }
}
