/**
 * `@dist-space/client/node`: what a Node program adds to the client. `nodeConnector` opens
 * `ws://`, `wss://`, `tcp://host:port` and `tls://host:port` URLs (Node 20 has no global WebSocket), and
 * `FilePendingStore` keeps pending changes in files across restarts.
 *
 * @packageDocumentation
 */

import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { DistSpaceError, err, type Result } from '@dist-space/ot-core';
import type { Connection } from '@dist-space/transport-adapters';
import { connectNodeWebSocket, connectTcp } from '@dist-space/transport-adapters/node';
import type { Connector } from './client-options.js';

export { FilePendingStore } from './file-store.js';

/** Options of {@link nodeConnector}. */
export interface NodeConnectorOptions {
  /**
   * For `wss://` and `tls://`: options of `node:tls`, such as `ca` (a PEM string or buffer) for a
   * server whose certificate no public authority signed. The server's certificate is verified.
   */
  readonly tls?: TlsConnectionOptions;
}

/**
 * A connector for a `ws://`, `wss://`, `tcp://host:port` or `tls://host:port` URL, for
 * {@link ClientOptions.connect}.
 *
 * ```ts
 * const client = await Client.connect({ connect: nodeConnector('tcp://127.0.0.1:4456'), token });
 * const secure = nodeConnector('tls://example.org:4456', { tls: { ca: readFileSync('ca.pem') } });
 * ```
 */
export function nodeConnector(url: string, options: NodeConnectorOptions = {}): Connector {
  const { tls } = options;
  return (): Promise<Result<Connection>> => {
    if (url.startsWith('ws://') || url.startsWith('wss://')) {
      return connectNodeWebSocket(url, tls ? { tls } : {});
    }
    if (url.startsWith('tcp://') || url.startsWith('tls://')) {
      const parsed = new URL(url.replace(/^(tcp|tls):/, 'http:'));
      return connectTcp({
        host: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: Number(parsed.port),
        ...(url.startsWith('tls://') ? { tls: tls ?? {} } : {}),
      });
    }
    return Promise.resolve(
      err(
        new DistSpaceError(
          'CONNECT_FAILED',
          `Unsupported URL ${url}: use ws://, wss://, tcp://host:port or tls://host:port.`,
        ),
      ),
    );
  };
}
