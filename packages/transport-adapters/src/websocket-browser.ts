import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { BaseConnection } from './base-connection.js';
import {
  closeTextString,
  parseWebSocketClose,
  WEBSOCKET_CLOSE_TEXT_BYTES,
  websocketStatusFor,
} from './close-reason.js';
import type { CloseCode, Connection } from './connection.js';
import type { ConnectionOptions } from './limits.js';
import { realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';

/**
 * An event handler property. Declared through a method so that its parameter is compared
 * bivariantly: implementations type their events more precisely (`MessageEvent`, `CloseEvent`)
 * than this adapter needs, and must still fit.
 */
export type WebSocketEventHandler<E> = { handle(event: E): void }['handle'] | null;

/** The part of the standard `WebSocket` this adapter uses (browsers, Deno, Node 22, `ws`). */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  onopen: WebSocketEventHandler<unknown>;
  onmessage: WebSocketEventHandler<{ readonly data: unknown }>;
  onclose: WebSocketEventHandler<{ readonly code: number; readonly reason: string }>;
  onerror: WebSocketEventHandler<unknown>;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` constructor: the global one, or another implementation of the standard API. */
export type WebSocketConstructorLike = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Options for {@link connectWebSocket}. */
export interface WebSocketConnectOptions extends ConnectionOptions {
  /**
   * The `WebSocket` implementation; the global one by default. Node 20 has none: pass the
   * `WebSocket` class of the `ws` package (or use `connectNodeWebSocket` from `./node`).
   */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Subprotocols to offer. */
  readonly protocols?: string | string[];
  /** Milliseconds to wait for the connection to open before giving up. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * The standard API has no drain event: while a drain is owed, `bufferedAmount` is polled every
   * this many milliseconds. Default 20.
   */
  readonly drainPollMs?: number;
  /** The clock; the real one by default. */
  readonly scheduler?: Scheduler;
}

/**
 * Opens a WebSocket connection with the standard `WebSocket` API, as a browser does. Uses no Node
 * built-ins. A frame over `maxFrameSize` closes the connection with `LIMIT_EXCEEDED`, but only
 * once it has arrived: the standard API gives no way to refuse it earlier. Resolves to
 * `CONNECT_FAILED` if the connection does not open.
 */
export function connectWebSocket(
  url: string,
  options: WebSocketConnectOptions = {},
): Promise<Result<Connection>> {
  const Implementation =
    options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket ??
    undefined;
  if (Implementation === undefined) {
    return Promise.resolve(
      err(
        new DistSpaceError(
          'CONNECT_FAILED',
          'This runtime has no global WebSocket; pass one as options.WebSocket (the ws package has one).',
        ),
      ),
    );
  }
  const scheduler = options.scheduler ?? realScheduler;
  return new Promise((resolve) => {
    let socket: WebSocketLike;
    const fail = (why: string) =>
      resolve(
        err(new DistSpaceError('CONNECT_FAILED', `Could not connect to ${url}: ${why}`, { url })),
      );
    try {
      socket = new Implementation(url, options.protocols);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      return;
    }
    socket.binaryType = 'arraybuffer';
    const timer = scheduler.setTimer(options.connectTimeoutMs ?? 10_000, () => {
      socket.onclose = null;
      socket.close();
      fail('the connection did not open in time.');
    });
    socket.onopen = () => {
      timer.cancel();
      resolve(ok(new BrowserWebSocketConnection(socket, url, options, scheduler)));
    };
    socket.onclose = (event) => {
      timer.cancel();
      fail(`the connection closed before it opened (status ${event.code}).`);
    };
    // A failed opening fires error, then close, which decides. A handler must be attached even
    // so: `ws`'s implementation of the standard API throws an error event nobody listens to.
    socket.onerror = () => undefined;
  });
}

/** A connection over an open standard `WebSocket`. */
class BrowserWebSocketConnection extends BaseConnection {
  private drainTimer: TimerHandle | undefined;
  private readonly drainPollMs: number;

  constructor(
    private readonly socket: WebSocketLike,
    url: string,
    options: WebSocketConnectOptions,
    scheduler: Scheduler,
  ) {
    super({ ...options, kind: 'ws', remoteAddress: hostOf(url), scheduler });
    this.drainPollMs = options.drainPollMs ?? 20;
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) {
        this.receiveFrame(new Uint8Array(event.data));
      } else {
        this.close('MALFORMED_FRAME', 'Expected binary WebSocket frames, received a text frame.');
      }
    };
    socket.onclose = (event) => {
      const { code, reason } = parseWebSocketClose(event.code, event.reason);
      this.receiveClose(code, reason);
      this.transportClosed();
    };
    socket.onerror = () => {
      // The standard API reports no details here; the close event that follows carries the status.
    };
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  protected writeFrame(frame: Uint8Array): void {
    this.socket.send(frame);
  }

  protected beginClose(code: CloseCode, reason: string): void {
    this.socket.close(
      websocketStatusFor(code),
      closeTextString(code, reason, WEBSOCKET_CLOSE_TEXT_BYTES),
    );
  }

  protected destroyTransport(): void {
    // The standard API cannot drop a connection without its closing handshake: stop listening
    // and let the implementation finish on its own.
    this.socket.onmessage = null;
    this.socket.onclose = null;
    this.drainTimer?.cancel();
    this.socket.close(websocketStatusFor('CONNECTION_CLOSED'));
  }

  protected override drainWanted(): void {
    if (this.drainTimer !== undefined) return;
    const poll = () => {
      this.drainTimer = undefined;
      if (this.state !== 'open') return;
      this.checkDrain();
      if (this.drainPending) this.drainTimer = this.scheduler.setTimer(this.drainPollMs, poll);
    };
    this.drainTimer = this.scheduler.setTimer(this.drainPollMs, poll);
  }

  protected override transportClosed(
    fallback?: Parameters<BaseConnection['transportClosed']>[0],
  ): void {
    this.drainTimer?.cancel();
    super.transportClosed(fallback);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
