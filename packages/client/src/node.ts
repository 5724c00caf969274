/**
 * `@dist-space/client/node`: what a Node program adds to the client. `nodeConnector` opens
 * `ws://`, `wss://` and `tcp://host:port` URLs (Node 20 has no global WebSocket), and
 * `FilePendingStore` keeps pending changes in files across restarts.
 *
 * @packageDocumentation
 */

import { DistSpaceError, err, type Result } from '@dist-space/ot-core';
import type { Connection } from '@dist-space/transport-adapters';
import { connectNodeWebSocket, connectTcp } from '@dist-space/transport-adapters/node';
import type { Connector } from './client.js';

export { FilePendingStore } from './file-store.js';

/**
 * A connector for a `ws://`, `wss://` or `tcp://host:port` URL, for {@link ClientOptions.connect}.
 *
 * ```ts
 * const client = await Client.connect({ connect: nodeConnector('tcp://127.0.0.1:4456'), token });
 * ```
 */
export function nodeConnector(url: string): Connector {
  return (): Promise<Result<Connection>> => {
    if (url.startsWith('ws://') || url.startsWith('wss://')) return connectNodeWebSocket(url);
    if (url.startsWith('tcp://')) {
      const parsed = new URL(url.replace(/^tcp:/, 'http:'));
      return connectTcp({
        host: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: Number(parsed.port),
      });
    }
    return Promise.resolve(
      err(
        new DistSpaceError(
          'CONNECT_FAILED',
          `Unsupported URL ${url}: use ws://, wss:// or tcp://host:port.`,
        ),
      ),
    );
  };
}
