import { DistSpaceError, err, type Result } from '@dist-space/ot-core';
import type {
  CloseCode,
  CloseInfo,
  Connection,
  ConnectionEvent,
  ConnectionState,
  ServerConnection,
  Unsubscribe,
} from './connection.js';
import { HeartbeatMonitor } from './heartbeat.js';
import { type ConnectionLimits, type ResolvedConnectionOptions, resolveLimits } from './limits.js';
import { FrameInbox, ListenerSet, UNREAD_REASON } from './listeners.js';
import { realScheduler, type Scheduler, startTimer, type TimerHandle } from './scheduler.js';
import { TokenBucket } from './token-bucket.js';

/** Why a connection was refused: the code it is closed with and a sentence for the peer. */
export interface Refusal {
  readonly code: 'TOO_MANY_CONNECTIONS' | 'SHUTTING_DOWN';
  readonly reason: string;
}

/**
 * A raw socket counted against the connection limits while it is still in a handshake that
 * comes before admission (TLS, an HTTP upgrade), from {@link ConnectionManager.holdHandshake}.
 * It is either passed to {@link ConnectionManager.admit} once the handshake is done (the count
 * moves to the admitted connection) or released when the socket closes before that.
 */
export interface HandshakeSlot {
  /** The address the socket is counted under (the socket's own peer address). */
  readonly remoteAddress: string;
  /** Stops counting the socket. Does nothing once it was released or passed to `admit`. */
  release(): void;
}

/** What a {@link ConnectionManager} (and every listener, which owns one) is configured with. */
export interface ConnectionManagerOptions {
  /** Limits and timeouts; anything left out takes its value from `DEFAULT_CONNECTION_LIMITS`. */
  readonly limits?: Partial<ConnectionLimits>;
  /** The clock for deadlines, heartbeats and rate limits; the real one unless a simulation passes its own. */
  readonly scheduler?: Scheduler;
  /**
   * Sends a ping on `connection` after `pingIntervalMs` of silence. The protocol layer supplies
   * its Ping message here; any frame the peer sends back counts as liveness. Without it, a peer
   * must send something on its own at least every `heartbeatTimeoutMs`.
   */
  readonly sendPing?: (connection: ServerConnection) => void;
  /**
   * A last frame for a refused connection (say, the protocol's `Refused` message), sent before it
   * is closed with `TOO_MANY_CONNECTIONS`. Leave it out to only close with the reason.
   */
  readonly refusalFrame?: (refusal: Refusal) => Uint8Array | undefined;
}

/**
 * The connection management every listener shares (the Hocuspocus and `ws` servers are the
 * model): admission against a global and a per-address connection limit, a handshake deadline,
 * heartbeats, a per-connection rate limit, and slow-consumer protection. An adapter's listener
 * wraps each accepted socket in a {@link Connection} and passes it to {@link ConnectionManager.admit};
 * the manager refuses it with a reason or hands a {@link ServerConnection} to `onConnection`.
 */
export class ConnectionManager {
  /** The limits in force, defaults filled in. */
  readonly limits: ConnectionLimits;
  private readonly connections = new Set<ManagedConnection>();
  /** Sockets held in a handshake before admission (see {@link ConnectionManager.holdHandshake}). */
  private handshakes = 0;
  /** Admitted connections and sockets in a handshake, per address: both count against the limit. */
  private readonly perAddress = new Map<string, number>();
  private readonly connectionListeners = new ListenerSet<ServerConnection>();
  private readonly eventListeners = new ListenerSet<ConnectionEvent>();
  /** The reason of the shutdown under way, if any. */
  private closing: string | undefined;

  constructor(private readonly options: ConnectionManagerOptions = {}) {
    this.limits = resolveLimits(options.limits);
  }

  /** Connections admitted and not yet closed. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Sockets counted while in a handshake before admission, not yet admitted or closed. */
  get handshakeCount(): number {
    return this.handshakes;
  }

  /** Calls `listener` with every admitted connection. */
  onConnection(listener: (connection: ServerConnection) => void): Unsubscribe {
    return this.connectionListeners.add(listener);
  }

  /** Calls `listener` with every {@link ConnectionEvent}. */
  onEvent(listener: (event: ConnectionEvent) => void): Unsubscribe {
    return this.eventListeners.add(listener);
  }

  /** Reports an event that happened outside any one connection (used by listeners). */
  report(event: ConnectionEvent): void {
    this.eventListeners.emit(event);
  }

  /** The options the server end of each connection takes from the limits. */
  connectionOptions(): ResolvedConnectionOptions & { scheduler: Scheduler } {
    const { maxFrameSize, highWaterMark, closeTimeoutMs } = this.limits;
    return {
      maxFrameSize,
      highWaterMark,
      closeTimeoutMs,
      scheduler: this.options.scheduler ?? realScheduler,
    };
  }

  /**
   * Counts a socket that has just connected but must finish a handshake (TLS, an HTTP upgrade)
   * before it becomes a connection, so that sockets in that handshake are bounded by the same
   * limits as admitted connections. Returns its slot, or `undefined` when admitted connections
   * plus sockets in a handshake are at `maxConnections`, or at `maxConnectionsPerAddress` for
   * `remoteAddress` (or the manager is shutting down): the caller must then destroy the socket at
   * once, since no protocol is spoken yet to tell it why. The refusal is reported as a
   * `refusedInHandshake` event.
   */
  holdHandshake(remoteAddress: string): HandshakeSlot | undefined {
    const refusal = this.refusalFor(remoteAddress);
    if (refusal !== undefined) {
      this.eventListeners.emit({ type: 'refusedInHandshake', remoteAddress, ...refusal });
      return undefined;
    }
    this.handshakes++;
    this.countAddress(remoteAddress, 1);
    let held = true;
    return {
      remoteAddress,
      release: () => {
        if (!held) return;
        held = false;
        this.handshakes--;
        this.countAddress(remoteAddress, -1);
      },
    };
  }

  /**
   * Admits a freshly accepted connection or refuses it. A refused connection gets the
   * `refusalFrame` (if configured) and is closed with `TOO_MANY_CONNECTIONS`; `undefined` is
   * returned. An admitted one is announced to `onConnection` and returned.
   *
   * `handshake` is the slot the connection's socket held during its handshake, if it held one:
   * it is released first, so that the socket is counted once, as the admitted connection (under
   * `connection.remoteAddress`, which may differ from the socket's address behind a proxy).
   */
  admit(connection: Connection, handshake?: HandshakeSlot): ServerConnection | undefined {
    handshake?.release();
    const refusal = this.refusalFor(connection.remoteAddress);
    if (refusal !== undefined) {
      const frame = this.options.refusalFrame?.(refusal);
      if (frame !== undefined) connection.send(frame);
      connection.close(refusal.code, refusal.reason);
      this.eventListeners.emit({
        type: 'refused',
        remoteAddress: connection.remoteAddress,
        ...refusal,
      });
      return undefined;
    }
    const managed = new ManagedConnection(connection, this.limits, {
      scheduler: this.options.scheduler ?? realScheduler,
      sendPing: (c) => this.options.sendPing?.(c),
      rateLimited: (c, frameSize) =>
        this.eventListeners.emit({ type: 'rateLimited', connection: c, frameSize }),
    });
    this.connections.add(managed);
    const address = connection.remoteAddress;
    this.countAddress(address, 1);
    managed.onClose((info) => {
      this.connections.delete(managed);
      this.countAddress(address, -1);
      this.eventListeners.emit({ type: 'closed', connection: managed, info });
    });
    this.eventListeners.emit({ type: 'accepted', connection: managed });
    this.connectionListeners.emit(managed);
    return managed;
  }

  /**
   * Refuses every new connection from now on, closes the admitted ones with `SHUTTING_DOWN` and
   * resolves when all have closed.
   */
  async closeAll(reason = 'The server is shutting down; reconnect later.'): Promise<void> {
    // A connection still in its TLS handshake is admitted after this; it gets the same reason.
    this.closing = reason;
    const open = [...this.connections];
    for (const connection of open) connection.close('SHUTTING_DOWN', reason);
    await Promise.all(open.map((connection) => connection.closed));
  }

  private refusalFor(address: string): Refusal | undefined {
    const { maxConnections, maxConnectionsPerAddress } = this.limits;
    if (this.closing !== undefined) return { code: 'SHUTTING_DOWN', reason: this.closing };
    if (this.connections.size + this.handshakes >= maxConnections) {
      return {
        code: 'TOO_MANY_CONNECTIONS',
        reason: `The server holds its limit of ${maxConnections} connections; retry later.`,
      };
    }
    if ((this.perAddress.get(address) ?? 0) >= maxConnectionsPerAddress) {
      return {
        code: 'TOO_MANY_CONNECTIONS',
        reason: `Address ${address} holds its limit of ${maxConnectionsPerAddress} connections; close one first.`,
      };
    }
    return undefined;
  }

  private countAddress(address: string, change: 1 | -1): void {
    const count = (this.perAddress.get(address) ?? 0) + change;
    if (count > 0) this.perAddress.set(address, count);
    else this.perAddress.delete(address);
  }
}

/** What a {@link ManagedConnection} reports back to its manager. */
interface ManagerHooks {
  readonly scheduler: Scheduler;
  sendPing(connection: ServerConnection): void;
  rateLimited(connection: ServerConnection, frameSize: number): void;
}

/**
 * A connection under the manager's watch: it forwards everything to the adapter's connection and
 * adds the handshake deadline, heartbeats, the rate limit and the slow-consumer bound.
 */
class ManagedConnection implements ServerConnection {
  private isReady = false;
  private handshakeTimer: TimerHandle | undefined;
  private heartbeat: HeartbeatMonitor | undefined;
  private readonly bucket: TokenBucket;
  private readonly inbox: FrameInbox;

  constructor(
    private readonly inner: Connection,
    private readonly limits: ConnectionLimits,
    private readonly hooks: ManagerHooks,
  ) {
    this.inbox = new FrameInbox(limits.maxBufferedBytes, () =>
      this.inner.close('LIMIT_EXCEEDED', UNREAD_REASON),
    );
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, () =>
      hooks.scheduler.now(),
    );
    this.handshakeTimer = startTimer(hooks.scheduler, limits.handshakeTimeoutMs, () =>
      this.inner.close(
        'HANDSHAKE_TIMEOUT',
        `The handshake did not complete within ${limits.handshakeTimeoutMs} ms of connecting.`,
      ),
    );
    inner.onMessage((frame) => this.receive(frame));
    inner.onClose(() => {
      this.handshakeTimer?.cancel();
      this.heartbeat?.stop();
      this.inbox.discard();
    });
  }

  get id(): string {
    return this.inner.id;
  }
  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  get maxFrameSize(): number {
    return this.inner.maxFrameSize;
  }
  get state(): ConnectionState {
    return this.inner.state;
  }
  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }
  get closed(): Promise<CloseInfo> {
    return this.inner.closed;
  }
  get ready(): boolean {
    return this.isReady;
  }

  markReady(): void {
    if (this.isReady || this.inner.state !== 'open') return;
    this.isReady = true;
    this.handshakeTimer?.cancel();
    this.heartbeat = new HeartbeatMonitor({
      scheduler: this.hooks.scheduler,
      pingIntervalMs: this.limits.pingIntervalMs,
      heartbeatTimeoutMs: this.limits.heartbeatTimeoutMs,
      sendPing: () => this.hooks.sendPing(this),
      onTimeout: () =>
        this.inner.close(
          'HEARTBEAT_TIMEOUT',
          `Nothing was heard from the peer for ${this.limits.heartbeatTimeoutMs} ms.`,
        ),
    });
  }

  send(frame: Uint8Array): Result<boolean> {
    const result = this.inner.send(frame);
    const buffered = this.inner.bufferedAmount;
    if (result.ok && buffered > this.limits.maxBufferedBytes) {
      const reason = `The peer left ${buffered} bytes unread, more than the ${this.limits.maxBufferedBytes}-byte bound.`;
      this.inner.terminate('SLOW_CONSUMER', reason);
      return err(new DistSpaceError('SLOW_CONSUMER', reason, { connection: this.id, buffered }));
    }
    return result;
  }

  close(code?: CloseCode, reason?: string): void {
    this.inner.close(code, reason);
  }

  terminate(code: CloseCode, reason: string): void {
    this.inner.terminate(code, reason);
  }

  onMessage(listener: (frame: Uint8Array) => void): Unsubscribe {
    return this.inbox.add(listener);
  }

  onClose(listener: (info: CloseInfo) => void): Unsubscribe {
    return this.inner.onClose(listener);
  }

  onDrain(listener: () => void): Unsubscribe {
    return this.inner.onDrain(listener);
  }

  private receive(frame: Uint8Array): void {
    this.heartbeat?.touch();
    const decision = this.bucket.take();
    if (decision === 'accept') {
      this.inbox.deliver(frame);
      return;
    }
    this.hooks.rateLimited(this, frame.byteLength);
    if (decision === 'exhausted') {
      this.inner.close(
        'RATE_LIMITED',
        `Frames kept arriving faster than ${this.limits.messagesPerSecond} per second (burst ${this.limits.messageBurst}); slow down.`,
      );
    }
  }
}
