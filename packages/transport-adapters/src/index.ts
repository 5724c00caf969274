/**
 * `@dist-space/transport-adapters`: one small {@link Connection} interface carrying opaque binary
 * frames, the connection management every server-side adapter shares, an in-memory network for
 * tests and simulations, and the WebSocket adapter for browsers. This entry uses no Node
 * built-ins; the TCP and `ws` adapters are in `@dist-space/transport-adapters/node`, the
 * conformance suite in `@dist-space/transport-adapters/testing`.
 *
 * @packageDocumentation
 */

import './errors.js';

export { BaseConnection, type BaseConnectionInit } from './base-connection.js';
export type {
  CloseCode,
  CloseInfo,
  Connection,
  ConnectionEvent,
  ConnectionState,
  Listener,
  PausableConnection,
  ServerConnection,
  Unsubscribe,
} from './connection.js';
export { HeartbeatMonitor, type HeartbeatOptions } from './heartbeat.js';
export {
  type ConnectionLimits,
  type ConnectionOptions,
  DEFAULT_CONNECTION_LIMITS,
  resolveLimits,
} from './limits.js';
export { ListenerBase } from './listener-base.js';
export {
  ConnectionManager,
  type ConnectionManagerOptions,
  type HandshakeSlot,
  type Refusal,
} from './manager.js';
export {
  type MemoryConnectOptions,
  MemoryNetwork,
  type MemoryNetworkFaults,
  type MemoryNetworkOptions,
} from './memory.js';
export { seededRandom } from './random.js';
export { ManualScheduler, realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
export { TokenBucket, type TokenDecision } from './token-bucket.js';
export {
  connectWebSocket,
  type WebSocketConnectOptions,
  type WebSocketConstructorLike,
  type WebSocketEventHandler,
  type WebSocketLike,
} from './websocket-browser.js';
