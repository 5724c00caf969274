import { DistSpaceError } from '@dist-space/ot-core';
import type { Authenticator } from '@dist-space/permissions';
import {
  DEFAULT_PROTOCOL_LIMITS,
  encodeMessage,
  errorToPayload,
  PROTOCOL_VERSION,
  type ProtocolLimits,
  resolveProtocolLimits,
} from '@dist-space/protocol';
import {
  type ConnectionLimits,
  type ConnectionManagerOptions,
  type Listener,
  resolveLimits,
  type ServerConnection,
} from '@dist-space/transport-adapters';
import { DEFAULT_PATH_LIMITS } from '@dist-space/vfs-workspace';
import type { Logger } from 'pino';
import { AdminApi } from './admin.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
import { createLogger, LogRing } from './log.js';
import { Session } from './session.js';
import { WorkspaceHost, type WorkspaceStorage } from './workspace-host.js';

/** What a {@link DistSpaceServer} is made of. */
export interface DistSpaceServerOptions {
  /** Turns Hello tokens into principals. */
  readonly authenticator: Authenticator;
  /** Where workspaces live. */
  readonly storage: WorkspaceStorage;
  readonly limits?: Partial<ServerLimits>;
  /** Connection limits for the listeners this server makes or is given. */
  readonly connection?: Partial<ConnectionLimits>;
  /** Limits on decoded messages; the frame size follows `connection.maxFrameSize`. */
  readonly protocol?: Partial<ProtocolLimits>;
  /** A pino logger; by default one that writes to stdout at `info`. */
  readonly logger?: Logger;
  /** Where TailLog reads from; give the ring the logger writes to. */
  readonly logRing?: LogRing;
}

/**
 * The reference server as a transport-agnostic core (Hocuspocus is the model): give it
 * connections from any listener with {@link DistSpaceServer.attach}, or one by one with
 * {@link DistSpaceServer.handleConnection}. It authenticates sessions, sequences their changes
 * per workspace with durable acks, enforces capabilities at every boundary, relays presence,
 * and answers admin messages. {@link DistSpaceServer.close} shuts it down gracefully.
 */
export class DistSpaceServer {
  readonly logger: Logger;
  readonly limits: ServerLimits;
  readonly connectionLimits: ConnectionLimits;
  readonly protocolLimits: ProtocolLimits;
  private readonly ring: LogRing;
  private readonly host: WorkspaceHost;
  private readonly sessions = new Map<string, Session>();
  private readonly clients = new Map<string, Session>();
  private readonly listeners = new Set<Listener>();
  private readonly admin: AdminApi;
  private shuttingDown = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: DistSpaceServerOptions) {
    this.ring = options.logRing ?? new LogRing();
    this.logger = options.logger ?? createLogger({ level: 'info', ring: this.ring });
    this.limits = Object.freeze({ ...DEFAULT_SERVER_LIMITS, ...options.limits });
    this.connectionLimits = resolveLimits(options.connection);
    this.protocolLimits = resolveProtocolLimits({
      ...DEFAULT_PROTOCOL_LIMITS,
      maxFrameBytes: this.connectionLimits.maxFrameSize,
      maxOpsPerChange: this.limits.maxChangeOps,
      maxPresenceStateBytes: this.limits.maxPresenceStateBytes,
      ...options.protocol,
    });
    this.host = new WorkspaceHost(options.storage, this.limits, this.logger);
    this.admin = new AdminApi(this.sessions, this.host, this.ring);
  }

  /**
   * Options for a transport listener so that it applies this server's connection limits,
   * heartbeats with the protocol's Ping, and refuses excess connections with a `Refused` frame.
   */
  listenerOptions(): ConnectionManagerOptions {
    let nonce = 0;
    return {
      limits: this.connectionLimits,
      sendPing: (connection) => {
        connection.send(encodeMessage({ type: 'Ping', nonce: ++nonce % 2 ** 31 }));
      },
      refusalFrame: (refusal) =>
        encodeMessage({
          type: 'Refused',
          error: errorToPayload(new DistSpaceError(refusal.code, refusal.reason)),
          serverVersion: PROTOCOL_VERSION,
        }),
    };
  }

  /** Serves every connection `listener` admits; the server closes it on shutdown. */
  attach(listener: Listener): void {
    this.listeners.add(listener);
    listener.onConnection((connection) => this.handleConnection(connection));
    listener.onEvent((event) => {
      if (event.type === 'refused') {
        this.logger.warn({ remote: event.remoteAddress, code: event.code }, event.reason);
      } else if (event.type === 'refusedInHandshake') {
        this.logger.warn(
          { remote: event.remoteAddress, code: event.code, stage: 'handshake' },
          event.reason,
        );
      } else if (event.type === 'listenerError') {
        this.logger.error({ err: event.message }, 'listener error');
      } else if (event.type === 'rateLimited') {
        this.logger.warn(
          { remote: event.connection.remoteAddress, size: event.frameSize },
          'frame dropped: rate limit',
        );
      }
    });
  }

  /** Serves one connection (from a listener this server was not attached to, or a test). */
  handleConnection(connection: ServerConnection): void {
    if (this.shuttingDown) {
      connection.close('SHUTTING_DOWN', 'The server is shutting down.');
      return;
    }
    new Session(connection, {
      authenticator: this.options.authenticator,
      host: this.host,
      limits: this.limits,
      protocolLimits: this.protocolLimits,
      wireLimits: {
        maxFrameBytes: this.protocolLimits.maxFrameBytes,
        maxOpsPerChange: this.limits.maxChangeOps,
        maxFileSize: this.limits.maxFileLength,
        maxPathBytes: DEFAULT_PATH_LIMITS.maxPathBytes,
        maxNameBytes: this.protocolLimits.maxNameBytes,
        maxPathDepth: this.protocolLimits.maxPathDepth,
        maxStringBytes: this.protocolLimits.maxStringBytes,
        maxPresenceStateBytes: this.limits.maxPresenceStateBytes,
        // An unlimited rate (Infinity switches the check off) is told by leaving the field out:
        // the wire takes whole numbers only, and a Welcome with Infinity would not decode.
        ...(Number.isFinite(this.connectionLimits.messagesPerSecond)
          ? { maxMessagesPerSecond: this.connectionLimits.messagesPerSecond }
          : {}),
      },
      heartbeatMs: this.connectionLimits.pingIntervalMs,
      logger: this.logger,
      admin: this.admin,
      sessions: this.sessions,
      clients: this.clients,
      shuttingDown: () => this.shuttingDown,
    });
  }

  /**
   * Server and per-workspace figures, as the admin Stats message returns them but without
   * `storeBytes`, which needs the store: see {@link DistSpaceServer.statsWithStore}.
   */
  stats(workspace?: string): ReturnType<AdminApi['stats']> {
    return this.admin.stats(workspace);
  }

  /** {@link DistSpaceServer.stats} with each workspace's `storeBytes` when the store can tell. */
  statsWithStore(workspace?: string): ReturnType<AdminApi['statsWithStore']> {
    return this.admin.statsWithStore(workspace);
  }

  /**
   * Shuts down gracefully: stops taking new connections and submits, lets every sequenced
   * change commit (and be acknowledged), tells every session why with Goodbye, closes the
   * connections and the workspaces' logs. Calling it again returns the same promise.
   */
  close(reason = 'The server is shutting down.'): Promise<void> {
    this.closed ??= this.shutdown(reason);
    return this.closed;
  }

  private async shutdown(reason: string): Promise<void> {
    this.shuttingDown = true;
    this.logger.info({ reason }, 'shutting down');
    await this.host.closeAll();
    const goodbye = new DistSpaceError('SHUTTING_DOWN', reason);
    for (const session of this.sessions.values()) session.close(goodbye);
    await Promise.all([...this.listeners].map((l) => l.close(reason)));
    this.logger.info('shut down');
  }
}
