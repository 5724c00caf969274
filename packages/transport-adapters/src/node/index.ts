/**
 * `@dist-space/transport-adapters/node`: the Node adapters. TCP with 4-byte length-prefixed
 * frames, and WebSocket on `ws` (server and client). Both listeners admit and watch their
 * connections with the package's `ConnectionManager`.
 *
 * @packageDocumentation
 */

import '../errors.js';

export {
  connectTcp,
  listenTcp,
  type TcpConnectOptions,
  type TcpListener,
  type TcpListenOptions,
} from './tcp.js';
export {
  connectNodeWebSocket,
  listenWebSocket,
  type NodeWebSocketConnectOptions,
  type WebSocketListener,
  type WebSocketListenOptions,
} from './websocket.js';
