import { DistSpaceError } from '@dist-space/ot-core';
import type { Authenticator, Capabilities, Principal } from '@dist-space/permissions';
import {
  encodeMessage,
  errorToPayload,
  type Message,
  PROTOCOL_VERSION,
  type ProtocolLimits,
  type ServerLimits as WireLimits,
} from '@dist-space/protocol';
import type { ServerConnection } from '@dist-space/transport-adapters';
import type { Logger } from 'pino';
import type { AdminApi } from './admin.js';
import type { ServerLimits } from './limits.js';
import type { Member, OpenWorkspace } from './open-workspace.js';
import type { Visibility } from './projection.js';
import { SessionDispatch } from './session-dispatch.js';
import { SessionHandshake } from './session-handshake.js';
import { SessionWorkspaces } from './session-workspaces.js';
import type { WorkspaceHost } from './workspace-host.js';

/** What every session of a server shares. */
export interface SessionContext {
  readonly authenticator: Authenticator;
  readonly host: WorkspaceHost;
  readonly limits: ServerLimits;
  readonly protocolLimits: ProtocolLimits;
  /** What Welcome tells clients about the limits. */
  readonly wireLimits: WireLimits;
  readonly heartbeatMs: number;
  readonly logger: Logger;
  readonly admin: AdminApi;
  /** Every live session by id, for the admin API. */
  readonly sessions: Map<string, Session>;
  /** The live (authenticated) session of each client id. */
  readonly clients: Map<string, Session>;
  readonly shuttingDown: () => boolean;
}

let nextSession = 0;

/**
 * One connection's conversation with the server: the Hello handshake and authentication (in
 * {@link SessionHandshake}), then workspace messages (in {@link SessionWorkspaces}) and admin
 * messages, each answered with a result or a typed error; {@link SessionDispatch} takes the
 * frames and hands each message to its handler. Nothing thrown escapes into the transport: a bug
 * in a handler becomes an `INTERNAL_ERROR` reply and a log record. The session itself holds what
 * those pieces share: whether it is closed, who it is (as its handshake established), and the
 * way it sends, answers with an error, refuses and closes.
 */
export class Session implements Member {
  readonly sessionId = `s${(++nextSession).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  readonly connectedAt = Date.now();
  lastActivity = Date.now();
  private closedValue = false;
  private readonly handshake: SessionHandshake;
  readonly workspaces: SessionWorkspaces;
  readonly log: Logger;

  constructor(
    readonly connection: ServerConnection,
    ctx: SessionContext,
  ) {
    this.log = ctx.logger.child({ session: this.sessionId, remote: connection.remoteAddress });
    this.handshake = new SessionHandshake(this, ctx);
    this.workspaces = new SessionWorkspaces(this, ctx);
    const dispatch = new SessionDispatch(this, ctx, this.handshake);
    ctx.sessions.set(this.sessionId, this);
    connection.onMessage((frame) => dispatch.receive(frame));
    connection.onClose((info) => {
      this.closedValue = true;
      this.handshake.stop();
      ctx.sessions.delete(this.sessionId);
      if (ctx.clients.get(this.clientId) === this) ctx.clients.delete(this.clientId);
      this.workspaces.leaveAll();
      this.log.info({ code: info.code, initiator: info.initiator }, 'session closed');
    });
  }

  get subject(): string {
    return this.handshake.principal?.subject ?? '';
  }

  get clientId(): string {
    return this.handshake.clientId;
  }

  get principal(): Principal | undefined {
    return this.handshake.principal;
  }

  /** The session's rights; none before authentication. */
  get capabilities(): Capabilities | undefined {
    return this.handshake.principal?.capabilities;
  }

  get visibility(): Visibility | null {
    return this.handshake.visibility;
  }

  /** Authenticated (the handshake gave it a principal) and not closed. */
  get ready(): boolean {
    return !this.closedValue && this.handshake.principal !== undefined;
  }

  /** Closed: it sends nothing more and handles no message that was still waiting. */
  get closed(): boolean {
    return this.closedValue;
  }

  /** Encodes and sends a message; false when the connection is gone or refused it. */
  send(message: Message): boolean {
    if (this.closedValue) return false;
    return this.deliver(encodeMessage(message), message.type);
  }

  /** Sends a frame already encoded (snapshot chunks); false when the connection refused it. */
  sendFrame(frame: Uint8Array): boolean {
    if (this.closedValue) return false;
    return this.deliver(frame, 'frame');
  }

  private deliver(frame: Uint8Array, type: string): boolean {
    const sent = this.connection.send(frame);
    if (sent.ok) return true;
    this.log.warn({ code: sent.error.code, type, bytes: frame.byteLength }, 'send failed');
    // A message too large for the connection (a Broadcast a little larger than the Submit it
    // carries, say) leaves a gap in what the peer was told; no later message can mend it. The
    // peer reconnects and catches up, from a snapshot if need be.
    if (sent.error.code === 'LIMIT_EXCEEDED') {
      this.close(
        new DistSpaceError(
          'LIMIT_EXCEEDED',
          `A ${type} of ${frame.byteLength} bytes could not be sent on this connection; reconnect and catch up.`,
          { type, bytes: frame.byteLength },
        ),
      );
    }
    return false;
  }

  /**
   * Answers a request with an error, logged at a level that fits who is at fault, with the
   * workspace it concerns when there is one (so that an operator can find it by workspace).
   */
  sendError(error: DistSpaceError, requestId?: number, workspace?: string): void {
    this.log.info({ code: error.code, requestId, workspace }, error.message);
    this.send({
      type: 'Error',
      error: errorToPayload(error),
      ...(requestId !== undefined ? { requestId } : {}),
    });
  }

  /** The workspace dropped this session. */
  detach(workspace: string, error: DistSpaceError): void {
    this.workspaces.detached(workspace);
    this.sendError(error, undefined, workspace);
  }

  /** Sends a workspace's state before the Ack of a change a filtered view could not predict. */
  resync(workspace: OpenWorkspace, lastSeq: number): void {
    this.workspaces.resync(workspace, lastSeq);
  }

  /** Says goodbye with a reason and closes the connection. */
  close(error: DistSpaceError): void {
    if (this.closedValue) return;
    this.send({ type: 'Goodbye', error: errorToPayload(error) });
    // Closed from here on, not from when the connection has finished closing: a replaced
    // session's queued messages must not reach a workspace after its successor has joined.
    this.closedValue = true;
    this.connection.close(error.code, error.message);
  }

  /** Refuses the connection (no Hello, or one that failed) with a reason, and closes it. */
  refuse(error: DistSpaceError): void {
    this.log.info({ code: error.code }, `refused: ${error.message}`);
    this.send({ type: 'Refused', error: errorToPayload(error), serverVersion: PROTOCOL_VERSION });
    this.closedValue = true;
    this.connection.close(error.code, error.message);
  }
}
