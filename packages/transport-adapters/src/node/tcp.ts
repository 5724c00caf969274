import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  connect as connectTls,
  createServer as createTlsServer,
  type ConnectionOptions as TlsConnectionOptions,
  type TlsOptions,
} from 'node:tls';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { BaseConnection, type BaseConnectionInit } from '../base-connection.js';
import { encodeCloseText, parseCloseText, TCP_CLOSE_TEXT_BYTES } from '../close-reason.js';
import type { CloseCode, Listener, PausableConnection } from '../connection.js';
import { type ConnectionOptions, resolveLimits } from '../limits.js';
import { ListenerBase } from '../listener-base.js';
import type { ConnectionManagerOptions } from '../manager.js';
import { normaliseAddress } from './address.js';
import { HANDSHAKE_GRACE_ON_CLOSE_MS, HandshakeGate } from './handshake-gate.js';
import {
  CONTROL_CLOSE,
  dataHeader,
  encodeControlFrame,
  encodeDataFrame,
  FrameDecoder,
} from './tcp-framing.js';

/** Frames below this size are copied behind their header into one write; larger ones are not copied. */
const COALESCE_BELOW = 16 * 1024;

/**
 * A connection over a TCP socket, framed as in `tcp-framing.ts`: a 4-byte big-endian length, then
 * the frame. A close sends a close control frame with the code and reason, then ends the socket.
 */
class TcpConnection extends BaseConnection implements PausableConnection {
  private readonly decoder: FrameDecoder;
  private lastError: Error | undefined;
  private readonly afterWrite = () => this.checkDrain();
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly socket: Socket,
    init: Omit<BaseConnectionInit, 'kind' | 'remoteAddress'>,
  ) {
    super({ ...init, kind: 'tcp', remoteAddress: normaliseAddress(socket.remoteAddress) });
    socket.setNoDelay(true);
    this.decoder = new FrameDecoder(this.maxFrameSize, {
      frame: (body) => this.receiveFrame(body),
      control: (_type, content) => this.receiveCloseFrame(content),
    });
    socket.on('data', (chunk: Buffer) => {
      // A plain Uint8Array view, so that frames are Uint8Arrays on every transport, not Buffers.
      const error = this.decoder.push(
        new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      );
      if (error !== undefined) this.close(error.code, error.message);
    });
    socket.on('error', (error) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      const error = this.lastError;
      this.transportClosed(
        error === undefined
          ? undefined
          : {
              code: 'CONNECTION_CLOSED',
              reason: `The connection failed: ${error.message}`,
              initiator: 'remote',
            },
      );
    });
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  protected writeFrame(frame: Uint8Array): void {
    // Frames sent in one turn of the event loop go out in one writev: a burst of small frames
    // costs one syscall, not one each.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      queueMicrotask(this.uncork);
    }
    if (frame.byteLength < COALESCE_BELOW) {
      this.socket.write(encodeDataFrame(frame), this.afterWrite);
    } else {
      this.socket.write(dataHeader(frame.byteLength));
      this.socket.write(frame, this.afterWrite);
    }
  }

  protected beginClose(code: CloseCode, reason: string): void {
    this.decoder.stop();
    this.socket.end(
      encodeControlFrame(CONTROL_CLOSE, encodeCloseText(code, reason, TCP_CLOSE_TEXT_BYTES)),
    );
  }

  protected destroyTransport(): void {
    this.decoder.stop();
    this.socket.destroy();
  }

  private receiveCloseFrame(content: Uint8Array): void {
    const parsed = parseCloseText(content) ?? {
      code: 'CONNECTION_CLOSED' as const,
      reason: 'The peer closed the connection without a readable reason.',
    };
    this.decoder.stop();
    this.receiveClose(parsed.code, parsed.reason);
    this.socket.end();
  }
}

/** Where a TCP listener listens, and the limits it applies. */
export interface TcpListenOptions extends ConnectionManagerOptions {
  /** The interface to listen on. Default `127.0.0.1`: pass `0.0.0.0` or `::` to accept from other hosts. */
  readonly host?: string;
  /** The port; 0 (the default) picks a free one, see {@link TcpListener.port}. */
  readonly port?: number;
  /** The kernel's queue of connections not yet accepted. Default 511 (Node's). */
  readonly backlog?: number;
  /**
   * Speak TLS (`tls://` URLs) with these options of `node:tls` (`cert` and `key` at least).
   * The TLS handshake must finish within the handshake deadline (`limits.handshakeTimeoutMs`),
   * so a peer that stalls it is cut off like one that never sends Hello. A socket counts against
   * `maxConnections` and `maxConnectionsPerAddress` from the moment it connects, its handshake
   * included (by the socket's peer address); one that arrives at a limit is destroyed before
   * the handshake and reported as a `refusedInHandshake` event.
   */
  readonly tls?: TlsOptions;
}

/** A TCP server whose connections are admitted and watched by a `ConnectionManager`. */
export interface TcpListener extends Listener {
  /** The host the listener is bound to. */
  readonly host: string;
  /** The port the listener is bound to (the one picked, when asked for port 0). */
  readonly port: number;
}

class TcpServerListener extends ListenerBase implements TcpListener {
  readonly address: string;
  private readonly gate: HandshakeGate | undefined;

  constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    options: TcpListenOptions,
  ) {
    super(options);
    this.address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    // A TLS server hands over its sockets once their handshake is done; until then the gate
    // counts them. A plain socket is admitted (and counted) as it connects.
    const gate = options.tls ? new HandshakeGate(server, this.manager) : undefined;
    this.gate = gate;
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      socket.setNoDelay(true);
      this.manager.admit(new TcpConnection(socket, this.connectionOptions), gate?.take(socket));
    });
    // A failed TLS handshake (a plain-text peer, a bad certificate) concerns that peer only.
    server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
    server.on('error', (error) => this.reportListenerError(error));
  }

  protected stopAccepting(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Sockets still in their TLS handshake hold no connection to close gracefully: drop them.
    this.gate?.destroyWaiting(HANDSHAKE_GRACE_ON_CLOSE_MS);
    return closed;
  }
}

/**
 * Starts a TCP listener. Rejects if it cannot listen (the port is taken, the host is not an
 * interface of this machine): that is a configuration problem to fix before serving.
 */
export function listenTcp(options: TcpListenOptions = {}): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const server = options.tls
    ? createTlsServer({
        handshakeTimeout: resolveLimits(options.limits).handshakeTimeoutMs,
        ...options.tls,
      })
    : createServer({ noDelay: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host, backlog: options.backlog }, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve(new TcpServerListener(server, host, port, options));
    });
  });
}

/** Where to connect over TCP, and the connection's options. */
export interface TcpConnectOptions extends ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** The local address to connect from. */
  readonly localAddress?: string;
  /** Milliseconds to wait for the connection (and its TLS handshake) to open. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * Speak TLS (a `tls://` server) with these options of `node:tls`: `ca` for a server whose
   * certificate is not signed by a public authority, `servername` if it differs from `host`. The
   * server's certificate is verified (unless `rejectUnauthorized: false`, for tests only).
   */
  readonly tls?: TlsConnectionOptions;
}

/**
 * Opens a TCP connection, over TLS when `tls` is given. Resolves to `CONNECT_FAILED` if it
 * cannot be opened in time or the server's certificate does not verify.
 */
export function connectTcp(options: TcpConnectOptions): Promise<Result<PausableConnection>> {
  const {
    host,
    port,
    localAddress,
    connectTimeoutMs = 10_000,
    tls,
    ...connectionOptions
  } = options;
  return new Promise((resolve) => {
    const socket = tls
      ? // tls.connect hands its options to net.connect, which takes localAddress; the types omit it.
        connectTls({ ...tls, host, port, localAddress } as TlsConnectionOptions)
      : createConnection({ host, port, localAddress, noDelay: true });
    const fail = (why: string) => {
      socket.destroy();
      resolve(
        err(
          new DistSpaceError('CONNECT_FAILED', `Could not connect to ${host}:${port}: ${why}`, {
            host,
            port,
          }),
        ),
      );
    };
    const timer = setTimeout(() => fail('the connection did not open in time.'), connectTimeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail(error.message);
    });
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      resolve(ok(new TcpConnection(socket, connectionOptions)));
    });
  });
}
