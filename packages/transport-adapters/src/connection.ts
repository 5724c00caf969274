import type { ErrorCode, Result } from '@dist-space/ot-core';
// The transports' codes join ErrorCode wherever a CloseCode is used (a type-only import brings
// the declaration merging into any program that uses this file, at no runtime cost).
import type {} from './errors.js';

/**
 * Why a connection closed. `NORMAL` is an orderly close that asked for nothing more; every other
 * code is a `DistSpaceError` code (see docs/errors.md), so a layer above may close with its own
 * codes (an authentication failure, a protocol version the server does not speak).
 */
export type CloseCode = 'NORMAL' | ErrorCode;

/** What both ends learn when a connection closes. */
export interface CloseInfo {
  /** The stable code, for programs. */
  readonly code: CloseCode;
  /** A sentence for a person. Adapters may shorten it (a WebSocket close reason holds 123 bytes). */
  readonly reason: string;
  /** Who closed: this end (`local`) or the peer (`remote`). */
  readonly initiator: 'local' | 'remote';
}

/** Where a connection is in its life: it only ever moves forward. */
export type ConnectionState = 'open' | 'closing' | 'closed';

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/**
 * One bidirectional, ordered, reliable stream of opaque binary frames. Frames arrive whole and
 * in the order they were sent; the transport knows nothing about what is in them.
 *
 * Frames that arrive before the first {@link Connection.onMessage} listener is attached are kept
 * and handed to it, so a listener attached in the same turn as `connect()` resolves (or as a
 * listener's `onConnection` fires) misses nothing.
 */
export interface Connection {
  /** An identifier unique in this process, for logs (`tcp-3`, `ws-7`, `memory-12`). */
  readonly id: string;
  /** The peer's address as the transport sees it: an IP address, a URL host, a memory name. */
  readonly remoteAddress: string;
  /** The largest frame, in bytes, this end sends or accepts. */
  readonly maxFrameSize: number;
  /** Where the connection is in its life. */
  readonly state: ConnectionState;
  /** Bytes accepted by {@link Connection.send} that have not yet left this process. */
  readonly bufferedAmount: number;
  /** Resolves once, when the connection has closed, with why. Never rejects. */
  readonly closed: Promise<CloseInfo>;

  /**
   * Queues a frame for sending. `ok(true)`: queued, send more. `ok(false)`: queued, but the send
   * buffer has reached the high-water mark; wait for {@link Connection.onDrain} before sending
   * more. `err(LIMIT_EXCEEDED)`: the frame is larger than `maxFrameSize` and was not sent (the
   * connection stays open). `err(CONNECTION_CLOSED)`: the connection is not open; nothing was
   * sent. A server connection may also answer `err(SLOW_CONSUMER)`, see {@link ServerConnection}.
   * As with a Node socket, the transport may keep a reference to `frame` until it is written:
   * do not change its bytes after sending it.
   */
  send(frame: Uint8Array): Result<boolean>;
  /**
   * Closes the connection in order: frames already sent are delivered first, then the peer learns
   * `code` and `reason`. Does nothing if the connection is already closing or closed.
   */
  close(code?: CloseCode, reason?: string): void;
  /**
   * Closes at once, dropping whatever is still buffered: for a peer that does not read. The peer
   * may only learn `CONNECTION_CLOSED`. Does nothing if the connection is already closed.
   */
  terminate(code: CloseCode, reason: string): void;
  /** Calls `listener` with every frame received, in order. */
  onMessage(listener: (frame: Uint8Array) => void): Unsubscribe;
  /** Calls `listener` once when the connection has closed (at once, if it already has). */
  onClose(listener: (info: CloseInfo) => void): Unsubscribe;
  /** Calls `listener` each time the send buffer falls back under half the high-water mark after `send` answered `false`. */
  onDrain(listener: () => void): Unsubscribe;
}

/**
 * A connection whose reading can be paused (the TCP, `ws` and in-memory adapters; the standard
 * browser WebSocket API has no way to do it). While paused, frames wait in the kernel or the
 * network and the peer's send buffer grows until its backpressure or slow-consumer bound applies.
 */
export interface PausableConnection extends Connection {
  /** Stops reading: for flow control (the layer above is overwhelmed), and for tests. */
  pauseReading(): void;
  /** Reads again, starting with what waited. */
  resumeReading(): void;
}

/**
 * A connection a listener accepted, watched by the {@link ConnectionManager}: until
 * {@link ServerConnection.markReady} is called it must complete its handshake before the deadline;
 * afterwards it is kept alive by heartbeats. `send` answers `err(SLOW_CONSUMER)` and terminates
 * the connection when the peer has left more than `maxBufferedBytes` unread.
 */
export interface ServerConnection extends Connection {
  /** True once the layer above has accepted the peer's handshake. */
  readonly ready: boolean;
  /**
   * Tells the manager the handshake is complete (the layer above accepted the peer's Hello): the
   * handshake deadline is cancelled and heartbeats start. Calling it again does nothing.
   */
  markReady(): void;
}

/** Something a {@link ConnectionManager} (and so every listener) reports about its connections. */
export type ConnectionEvent =
  | { readonly type: 'accepted'; readonly connection: ServerConnection }
  | {
      readonly type: 'refused';
      readonly remoteAddress: string;
      readonly code: 'TOO_MANY_CONNECTIONS' | 'SHUTTING_DOWN';
      readonly reason: string;
    }
  | {
      /**
       * A socket was destroyed as it connected, before its handshake (TLS, an HTTP upgrade)
       * began, because admitted connections plus sockets in a handshake were at a limit. No
       * protocol was spoken yet, so the peer learned no reason; `remoteAddress` is the socket's
       * own peer address.
       */
      readonly type: 'refusedInHandshake';
      readonly remoteAddress: string;
      readonly code: 'TOO_MANY_CONNECTIONS' | 'SHUTTING_DOWN';
      readonly reason: string;
    }
  | { readonly type: 'closed'; readonly connection: ServerConnection; readonly info: CloseInfo }
  | {
      /** The listening socket failed (say, out of file descriptors while accepting). */
      readonly type: 'listenerError';
      readonly message: string;
    }
  | {
      readonly type: 'rateLimited';
      readonly connection: ServerConnection;
      /** The size of the frame that was dropped. */
      readonly frameSize: number;
    };

/**
 * The server side of a transport: accepts connections, hands each to `onConnection` after the
 * connection limits admitted it, and reports everything it decides through `onEvent`.
 */
export interface Listener {
  /** Where the listener can be reached: `127.0.0.1:43210`, `ws://127.0.0.1:43210/`, a memory name. */
  readonly address: string;
  /** Connections currently admitted and not yet closed. */
  readonly connectionCount: number;
  /**
   * Sockets counted against the connection limits while still in a handshake that comes before
   * admission (TLS, a WebSocket upgrade on the listener's own server); 0 for transports without one.
   */
  readonly handshakeCount: number;
  /** Calls `listener` with every admitted connection. Attach it before anyone can connect. */
  onConnection(listener: (connection: ServerConnection) => void): Unsubscribe;
  /** Calls `listener` with every {@link ConnectionEvent}. */
  onEvent(listener: (event: ConnectionEvent) => void): Unsubscribe;
  /**
   * Stops accepting, closes every connection with `SHUTTING_DOWN` and resolves when all have
   * closed (each within its close timeout).
   */
  close(reason?: string): Promise<void>;
}
