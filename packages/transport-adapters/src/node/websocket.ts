import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions as TlsConnectionOptions, TlsOptions } from 'node:tls';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { BaseConnection, type BaseConnectionInit } from '../base-connection.js';
import {
  closeTextString,
  parseWebSocketClose,
  WEBSOCKET_CLOSE_TEXT_BYTES,
  websocketStatusFor,
} from '../close-reason.js';
import type { CloseCode, CloseInfo, Listener, PausableConnection } from '../connection.js';
import { type ConnectionOptions, resolveConnectionOptions, resolveLimits } from '../limits.js';
import { ListenerBase } from '../listener-base.js';
import type { ConnectionManagerOptions } from '../manager.js';
import { normaliseAddress } from './address.js';
import { HANDSHAKE_GRACE_ON_CLOSE_MS, HandshakeGate } from './handshake-gate.js';

/**
 * A connection over a `ws` WebSocket, sending binary frames. `ws` enforces `maxFrameSize` as its
 * `maxPayload`: a larger frame is refused from its header, before its body is buffered.
 */
class NodeWebSocketConnection extends BaseConnection implements PausableConnection {
  /** Why `ws` itself gave up on the connection, if it did (a frame over the limit, bad framing). */
  private failure: CloseInfo | undefined;
  private readonly afterWrite = () => this.checkDrain();
  private corked = false;

  constructor(
    private readonly socket: WebSocket,
    remoteAddress: string,
    init: Omit<BaseConnectionInit, 'kind' | 'remoteAddress'>,
  ) {
    super({ ...init, kind: 'ws', remoteAddress });
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.receiveFrame(toBytes(data));
      else
        this.close('MALFORMED_FRAME', 'Expected binary WebSocket frames, received a text frame.');
    });
    socket.on('error', (error: Error & { code?: string }) => {
      this.failure ??= failureFrom(error);
    });
    socket.on('close', (status, reason) => {
      if (this.failure === undefined) {
        const parsed = parseWebSocketClose(status, new Uint8Array(reason));
        this.receiveClose(parsed.code, parsed.reason);
      }
      this.transportClosed(this.failure);
    });
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  protected writeFrame(frame: Uint8Array): void {
    this.holdWritesUntilNextTick();
    this.socket.send(frame, { binary: true }, this.afterWrite);
  }

  /**
   * Corks the TCP socket under the WebSocket until the next tick, so that the frames sent in one
   * tick (a server fanning out a group of commits, say) leave in one `writev` instead of one
   * system call each. `ws` keeps that socket as `_socket` and corks it around each frame itself;
   * corks nest, so its frames wait for ours.
   */
  private holdWritesUntilNextTick(): void {
    if (this.corked) return;
    const raw = (this.socket as unknown as { _socket?: Duplex })._socket;
    if (raw === undefined || raw.destroyed) return;
    this.corked = true;
    raw.cork();
    process.nextTick(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  protected beginClose(code: CloseCode, reason: string): void {
    this.socket.close(
      websocketStatusFor(code),
      closeTextString(code, reason, WEBSOCKET_CLOSE_TEXT_BYTES),
    );
  }

  protected destroyTransport(): void {
    this.socket.terminate();
  }
}

/** Where a WebSocket listener listens, and the limits it applies. */
export interface WebSocketListenOptions extends ConnectionManagerOptions {
  /** The interface to listen on when the listener starts its own HTTP server. Default `127.0.0.1`. */
  readonly host?: string;
  /** The port when the listener starts its own HTTP server; 0 (the default) picks a free one. */
  readonly port?: number;
  /** The kernel's queue of connections not yet accepted, for its own HTTP server. Default 511. */
  readonly backlog?: number;
  /** Accept upgrades only on this path (say `/dist-space`). Default: any path. */
  readonly path?: string;
  /**
   * An HTTP or HTTPS server to take upgrades from, instead of starting one. The caller owns it:
   * closing the listener leaves it running. Its sockets also carry the caller's own requests, so
   * the listener does not count them before their upgrade: only upgraded connections count
   * against the connection limits, and bounding sockets in a TLS handshake or yet to send their
   * upgrade request is the caller's part (`server.maxConnections`, `headersTimeout`).
   */
  readonly server?: HttpServer;
  /**
   * Serve `wss://` from its own HTTPS server, with these options of `node:tls` (`cert` and `key`
   * at least). The TLS handshake and the upgrade request must both come within the handshake
   * deadline (`limits.handshakeTimeoutMs`), as the upgrade alone must over plain HTTP.
   *
   * On its own server (with or without `tls`), a socket counts against `maxConnections` and
   * `maxConnectionsPerAddress` from the moment it connects, before its TLS handshake and its
   * upgrade request, by the socket's own peer address (not `remoteAddressOf`); one that arrives
   * at a limit is destroyed at once and reported as a `refusedInHandshake` event. Once upgraded,
   * it is counted as an admitted connection instead, under `remoteAddressOf(request)`.
   */
  readonly tls?: TlsOptions;
  /**
   * The address a connection is counted under for per-address limits. Default: the socket's peer
   * address. Behind a reverse proxy, read the header the proxy sets, and only that proxy's.
   * Sockets still before their upgrade are counted by their own address, the proxy's: the proxy
   * may have at most `maxConnectionsPerAddress` upgrades under way at once, so size that limit for
   * the proxy's bursts (say, every client reconnecting after a restart).
   */
  readonly remoteAddressOf?: (request: IncomingMessage) => string;
}

/** A WebSocket server (on `ws`) whose connections are admitted and watched by a `ConnectionManager`. */
export interface WebSocketListener extends Listener {
  /** The port of the HTTP server the upgrades come through. */
  readonly port: number;
}

class WsServerListener extends ListenerBase implements WebSocketListener {
  readonly address: string;
  private readonly gate: HandshakeGate | undefined;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly ownServer: HttpServer | undefined,
    readonly port: number,
    host: string,
    options: WebSocketListenOptions,
  ) {
    super(options);
    this.address = `${options.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}${options.path ?? '/'}`;
    const addressOf =
      options.remoteAddressOf ??
      ((request: IncomingMessage) => normaliseAddress(request.socket.remoteAddress));
    // On its own server the listener counts raw sockets from the moment they connect, through
    // the TLS handshake and the upgrade; a caller's server's sockets are not ours to count.
    const gate = ownServer === undefined ? undefined : new HandshakeGate(ownServer, this.manager);
    this.gate = gate;
    wss.on('connection', (socket, request) => {
      this.manager.admit(
        new NodeWebSocketConnection(socket, addressOf(request), this.connectionOptions),
        gate?.take(request.socket),
      );
    });
    wss.on('error', (error) => this.reportListenerError(error));
    ownServer?.on('error', (error) => this.reportListenerError(error));
  }

  protected stopAccepting(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const server = this.ownServer;
    if (server === undefined) return closing;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Plain HTTP connections that never upgraded hold no Dist-Space connection: drop them, and
    // sockets still in their TLS handshake or yet to send their upgrade request.
    server.closeIdleConnections();
    this.gate?.destroyWaiting(HANDSHAKE_GRACE_ON_CLOSE_MS);
    return Promise.all([closing, serverClosed]).then(() => undefined);
  }
}

/**
 * Starts a WebSocket listener, on its own HTTP server or on `options.server`. Its own server
 * answers plain HTTP requests with 426 and gives a client `handshakeTimeoutMs` to send its
 * upgrade request. Rejects if it cannot listen.
 */
export async function listenWebSocket(
  options: WebSocketListenOptions = {},
): Promise<WebSocketListener> {
  const host = options.host ?? '127.0.0.1';
  const limits = resolveLimits(options.limits);
  let ownServer: HttpServer | undefined;
  let port = 0;
  if (options.server === undefined) {
    ownServer = createUpgradeOnlyServer(limits.handshakeTimeoutMs, options.tls);
    const server = ownServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port ?? 0, host, backlog: options.backlog }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
  const address = (ownServer ?? options.server)?.address();
  if (typeof address === 'object' && address !== null) port = address.port;
  const wss = new WebSocketServer({
    server: ownServer ?? options.server,
    path: options.path,
    maxPayload: limits.maxFrameSize,
    // Compression costs CPU per frame and opens the door to decompression bombs.
    perMessageDeflate: false,
    clientTracking: false,
  });
  return new WsServerListener(wss, ownServer, port, host, options);
}

function createUpgradeOnlyServer(timeout: number, tls: TlsOptions | undefined): HttpServer {
  const deadlines =
    timeout > 0
      ? {
          headersTimeout: timeout,
          requestTimeout: timeout,
          connectionsCheckingInterval: Math.max(100, Math.min(1_000, timeout / 2)),
        }
      : {};
  const answer426 = (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
    response.end('This endpoint speaks WebSocket only.\n');
  };
  if (tls === undefined) return createServer(deadlines, answer426);
  // Node's own TLS handshake deadline is 120 s; 0 switches it off, as it does the others.
  return createHttpsServer({ handshakeTimeout: timeout, ...tls, ...deadlines }, answer426);
}

/** Options for {@link connectNodeWebSocket}. */
export interface NodeWebSocketConnectOptions extends ConnectionOptions {
  /** Subprotocols to offer. */
  readonly protocols?: string | string[];
  /** Extra HTTP headers for the upgrade request (an `Authorization` header, say). */
  readonly headers?: Record<string, string>;
  /** Milliseconds to wait for the connection to open. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * For `wss://`: options of `node:tls`, such as `ca` for a server whose certificate no public
   * authority signed. The certificate is verified unless `rejectUnauthorized: false`.
   */
  readonly tls?: TlsConnectionOptions;
}

/**
 * Opens a WebSocket connection from Node with `ws`: binary frames, `maxFrameSize` enforced before
 * a frame is buffered, and a real drain event. Resolves to `CONNECT_FAILED` if it cannot open.
 */
export function connectNodeWebSocket(
  url: string,
  options: NodeWebSocketConnectOptions = {},
): Promise<Result<PausableConnection>> {
  const { protocols, headers, connectTimeoutMs = 10_000, tls, ...connectionOptions } = options;
  return new Promise((resolve) => {
    const socket = new WebSocket(url, protocols, {
      ...tls,
      maxPayload: resolveConnectionOptions(connectionOptions).maxFrameSize,
      perMessageDeflate: false,
      handshakeTimeout: connectTimeoutMs,
      headers,
    });
    const fail = (why: string) =>
      resolve(
        err(new DistSpaceError('CONNECT_FAILED', `Could not connect to ${url}: ${why}`, { url })),
      );
    socket.once('error', (error) => {
      socket.terminate();
      fail(error.message);
    });
    socket.once('open', () => {
      socket.removeAllListeners('error');
      resolve(ok(new NodeWebSocketConnection(socket, new URL(url).host, connectionOptions)));
    });
  });
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) data = Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function failureFrom(error: Error & { code?: string }): CloseInfo {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    return {
      code: 'LIMIT_EXCEEDED',
      reason: `A frame was too large: ${error.message}`,
      initiator: 'local',
    };
  }
  if (error.code?.startsWith('WS_ERR_') === true) {
    return {
      code: 'MALFORMED_FRAME',
      reason: `The peer broke WebSocket framing: ${error.message}`,
      initiator: 'local',
    };
  }
  return {
    code: 'CONNECTION_CLOSED',
    reason: `The connection failed: ${error.message}`,
    initiator: 'remote',
  };
}
