import { DistSpaceError, type Result } from '@dist-space/ot-core';
import {
  type Authenticator,
  type Capabilities,
  checkNotExpired,
  type Principal,
} from '@dist-space/permissions';
import {
  decodeMessage,
  encodeMessage,
  errorToPayload,
  type Message,
  type MessageOf,
  maySend,
  negotiateVersion,
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
import { clientIdTaken } from './sequencer-errors.js';
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

/** Bad messages after which a session is closed: a peer this broken is not worth serving. */
const MAX_ERRORS = 1_000;

/**
 * One connection's conversation with the server: the Hello handshake and authentication, then
 * workspace messages (in {@link SessionWorkspaces}) and admin messages, each answered with a
 * result or a typed error. Nothing thrown escapes into the transport: a bug in a handler becomes
 * an `INTERNAL_ERROR` reply and a log record.
 */
export class Session implements Member {
  readonly sessionId = `s${(++nextSession).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  readonly connectedAt = Date.now();
  lastActivity = Date.now();
  private principalValue: Principal | undefined;
  private clientIdValue = '';
  private visibilityValue: Visibility | null = null;
  private state: 'hello' | 'authenticating' | 'ready' | 'closed' = 'hello';
  private chain: Promise<void> = Promise.resolve();
  private errors = 0;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly workspaces: SessionWorkspaces;
  readonly log: Logger;

  constructor(
    readonly connection: ServerConnection,
    private readonly ctx: SessionContext,
  ) {
    this.log = ctx.logger.child({ session: this.sessionId, remote: connection.remoteAddress });
    this.workspaces = new SessionWorkspaces(this, ctx);
    ctx.sessions.set(this.sessionId, this);
    connection.onMessage((frame) => this.onFrame(frame));
    connection.onClose((info) => {
      this.state = 'closed';
      clearTimeout(this.expiryTimer);
      ctx.sessions.delete(this.sessionId);
      if (ctx.clients.get(this.clientIdValue) === this) ctx.clients.delete(this.clientIdValue);
      this.workspaces.leaveAll();
      this.log.info({ code: info.code, initiator: info.initiator }, 'session closed');
    });
  }

  get subject(): string {
    return this.principalValue?.subject ?? '';
  }

  get clientId(): string {
    return this.clientIdValue;
  }

  get principal(): Principal | undefined {
    return this.principalValue;
  }

  /** The session's rights; none before authentication. */
  get capabilities(): Capabilities | undefined {
    return this.principalValue?.capabilities;
  }

  get visibility(): Visibility | null {
    return this.visibilityValue;
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Encodes and sends a message; false when the connection is gone or refused it. */
  send(message: Message): boolean {
    if (this.state === 'closed') return false;
    return this.deliver(encodeMessage(message), message.type);
  }

  /** Sends a frame already encoded (snapshot chunks); false when the connection refused it. */
  sendFrame(frame: Uint8Array): boolean {
    if (this.state === 'closed') return false;
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
    if (this.state === 'closed') return;
    this.send({ type: 'Goodbye', error: errorToPayload(error) });
    // Closed from here on, not from when the connection has finished closing: a replaced
    // session's queued messages must not reach a workspace after its successor has joined.
    this.state = 'closed';
    this.connection.close(error.code, error.message);
  }

  private onFrame(frame: Uint8Array): void {
    this.lastActivity = Date.now();
    const decoded = decodeMessage(frame, this.ctx.protocolLimits);
    if (!decoded.ok) {
      if (this.state !== 'ready') {
        this.refuse(decoded.error);
        return;
      }
      this.countError();
      const submit = unreadableSubmit(decoded.error);
      if (submit) {
        // The protocol answers every Submit with an Ack or a Reject for its seq: a client
        // waits for that answer before it sends anything more to the workspace.
        this.chain = this.chain
          .then(() =>
            this.workspaces.submits.submitUnreadable(submit.workspace, submit.seq, decoded.error),
          )
          .catch((e: unknown) => this.internal(e));
        return;
      }
      // A request waits for its answer: name it when the decoder could read its id.
      this.sendError(decoded.error, readableRequestId(decoded.error));
      return;
    }
    const message = decoded.value;
    if (message.type === 'Ping') {
      this.send({ type: 'Pong', nonce: message.nonce });
      return;
    }
    if (message.type === 'Pong') return;
    if (!maySend(message.type, 'client')) {
      this.countError();
      this.sendError(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `${message.type} is a message only the server sends.`,
          {
            type: message.type,
          },
        ),
      );
      return;
    }
    this.chain = this.chain
      .then(() => this.handle(message))
      .catch((e: unknown) => this.internal(e));
  }

  private async handle(message: Message): Promise<void> {
    if (this.state === 'closed') return;
    if (message.type === 'Hello') return this.hello(message);
    if (this.state !== 'ready') {
      this.refuse(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `The first message must be Hello, not ${message.type}.`,
        ),
      );
      return;
    }
    const expired = checkNotExpired(this.principalValue!);
    if (!expired.ok) {
      this.close(expired.error);
      return;
    }
    switch (message.type) {
      case 'Open':
      case 'Catchup':
      case 'Leave':
      case 'Submit':
      case 'Presence':
        return this.workspaces.handle(message);
      case 'ListSessions':
      case 'Kick':
      case 'Stats':
      case 'TailLog':
        return this.ctx.admin.handle(this, message);
      default:
        this.sendError(
          new DistSpaceError('PROTOCOL_VIOLATION', `${message.type} is not expected here.`, {
            type: message.type,
          }),
        );
    }
  }

  private async hello(message: MessageOf<'Hello'>): Promise<void> {
    if (this.state !== 'hello') {
      this.countError();
      this.sendError(
        new DistSpaceError('PROTOCOL_VIOLATION', 'Hello was already sent on this connection.'),
      );
      return;
    }
    this.state = 'authenticating';
    const version = negotiateVersion(message.version);
    if (!version.ok) return this.refuse(version.error);
    if (this.ctx.shuttingDown()) {
      return this.refuse(
        new DistSpaceError('SHUTTING_DOWN', 'The server is shutting down; connect again later.'),
      );
    }
    const auth: Result<Principal> = await this.ctx.authenticator.authenticate(message.token);
    if (!auth.ok) return this.refuse(auth.error);
    // The connection may have closed while the token was checked.
    if ((this.state as string) === 'closed') return;
    const principal = auth.value;
    // A client id names one running client: another user may not take it (its Submits would
    // pass for the owner's), and the same user connecting again replaces a half-dead session.
    const previous = this.ctx.clients.get(message.clientId);
    if (previous?.ready) {
      if (previous.subject !== principal.subject) {
        return this.refuse(clientIdTaken(message.clientId));
      }
      previous.close(
        new DistSpaceError(
          'SESSION_REPLACED',
          `A newer connection of client '${message.clientId}' took this session's place; close this one rather than reconnecting it.`,
          { clientId: message.clientId },
        ),
      );
    }
    this.ctx.clients.set(message.clientId, this);
    this.principalValue = principal;
    this.clientIdValue = message.clientId;
    const caps = principal.capabilities;
    this.visibilityValue = caps.readsEverything
      ? null
      : { file: (p) => caps.allows('read', p), dir: (p) => caps.mayList(p) };
    this.state = 'ready';
    this.connection.markReady();
    this.closeAtExpiry();
    this.log.info(
      {
        subject: principal.subject,
        clientId: message.clientId,
        agent: message.agent,
        method: principal.method,
      },
      'session authenticated',
    );
    this.send({
      type: 'Welcome',
      version: PROTOCOL_VERSION,
      sessionId: this.sessionId,
      clientId: message.clientId,
      subject: principal.subject,
      heartbeatMs: this.ctx.heartbeatMs,
      limits: this.ctx.wireLimits,
      scopes: caps.toStrings(),
    });
  }

  /**
   * Ends the session when its token expires: checking only the messages it sends would let a
   * silent session go on receiving Broadcasts and Presence with an expired token.
   */
  private closeAtExpiry(): void {
    const expiresAt = this.principalValue?.expiresAt;
    if (expiresAt === undefined || this.state === 'closed') return;
    // setTimeout waits at most 2^31 - 1 ms (about 24.8 days); a later expiry re-arms.
    const wait = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      const valid = checkNotExpired(this.principalValue!);
      if (valid.ok) this.closeAtExpiry();
      else this.close(valid.error);
    }, wait);
    this.expiryTimer.unref?.();
  }

  private refuse(error: DistSpaceError): void {
    this.log.info({ code: error.code }, `refused: ${error.message}`);
    this.send({ type: 'Refused', error: errorToPayload(error), serverVersion: PROTOCOL_VERSION });
    this.state = 'closed';
    this.connection.close(error.code, error.message);
  }

  private countError(): void {
    if (++this.errors >= MAX_ERRORS) {
      this.close(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `The session sent ${MAX_ERRORS} bad messages and was closed.`,
        ),
      );
    }
  }

  private internal(e: unknown): void {
    this.log.error(
      { err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) },
      'handler failed',
    );
    this.sendError(
      new DistSpaceError(
        'INTERNAL_ERROR',
        'The server failed to handle the message; it was not applied.',
      ),
    );
  }
}

/** The request id the decoder read from a message it refused, if it read one. */
function readableRequestId(error: DistSpaceError): number | undefined {
  const requestId = (error.details as { requestId?: unknown } | undefined)?.requestId;
  return typeof requestId === 'number' && Number.isSafeInteger(requestId) && requestId >= 0
    ? requestId
    : undefined;
}

/**
 * The workspace and seq of a Submit the decoder refused, when it read both before the field that
 * failed (they come before the change), so that the refusal can be a Reject for that seq.
 */
function unreadableSubmit(error: DistSpaceError): { workspace: string; seq: number } | undefined {
  const details = error.details as
    | { type?: unknown; workspace?: unknown; seq?: unknown }
    | undefined;
  if (details?.type !== 'Submit') return undefined;
  const { workspace, seq } = details;
  if (typeof workspace !== 'string' || typeof seq !== 'number') return undefined;
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { workspace, seq };
}
