import { DistSpaceError, type Result } from '@dist-space/ot-core';
import { checkNotExpired, type Principal } from '@dist-space/permissions';
import { type MessageOf, negotiateVersion, PROTOCOL_VERSION } from '@dist-space/protocol';
import type { Visibility } from './projection.js';
import { clientIdTaken } from './sequencer-errors.js';
import type { Session, SessionContext } from './session.js';

/**
 * A session's Hello handshake and the identity it establishes: the protocol version agreed, the
 * token authenticated, the client id taken (from an older connection of the same user), Welcome
 * sent; then the session is closed when its token expires. A failed handshake is refused
 * ({@link Session.refuse}) and the connection closed.
 */
export class SessionHandshake {
  private principalValue: Principal | undefined;
  private clientIdValue = '';
  private visibilityValue: Visibility | null = null;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
  ) {}

  /** Who the session is; undefined until the handshake succeeds, and from then on for good. */
  get principal(): Principal | undefined {
    return this.principalValue;
  }

  /** The client id the Hello named; empty until the handshake succeeds. */
  get clientId(): string {
    return this.clientIdValue;
  }

  /** What the session may see, or null when it reads everything (and before the handshake). */
  get visibility(): Visibility | null {
    return this.visibilityValue;
  }

  /**
   * Answers the session's one Hello: Welcome when the version, the server's state, the token and
   * the client id allow it, otherwise Refused and the connection closed.
   */
  async hello(message: MessageOf<'Hello'>): Promise<void> {
    const session = this.session;
    const version = negotiateVersion(message.version);
    if (!version.ok) return session.refuse(version.error);
    if (this.ctx.shuttingDown()) {
      return session.refuse(
        new DistSpaceError('SHUTTING_DOWN', 'The server is shutting down; connect again later.'),
      );
    }
    const auth: Result<Principal> = await this.ctx.authenticator.authenticate(message.token);
    if (!auth.ok) return session.refuse(auth.error);
    // The connection may have closed while the token was checked.
    if (session.closed) return;
    const principal = auth.value;
    // A client id names one running client: another user may not take it (its Submits would
    // pass for the owner's), and the same user connecting again replaces a half-dead session.
    const previous = this.ctx.clients.get(message.clientId);
    if (previous?.ready) {
      if (previous.subject !== principal.subject) {
        return session.refuse(clientIdTaken(message.clientId));
      }
      previous.close(
        new DistSpaceError(
          'SESSION_REPLACED',
          `A newer connection of client '${message.clientId}' took this session's place; close this one rather than reconnecting it.`,
          { clientId: message.clientId },
        ),
      );
    }
    this.ctx.clients.set(message.clientId, session);
    this.clientIdValue = message.clientId;
    const caps = principal.capabilities;
    this.visibilityValue = caps.readsEverything
      ? null
      : { file: (p) => caps.allows('read', p), dir: (p) => caps.mayList(p) };
    // The session is ready from here (see Session.ready).
    this.principalValue = principal;
    session.connection.markReady();
    this.closeAtExpiry();
    session.log.info(
      {
        subject: principal.subject,
        clientId: message.clientId,
        agent: message.agent,
        method: principal.method,
      },
      'session authenticated',
    );
    session.send({
      type: 'Welcome',
      version: PROTOCOL_VERSION,
      sessionId: session.sessionId,
      clientId: message.clientId,
      subject: principal.subject,
      heartbeatMs: this.ctx.heartbeatMs,
      limits: this.ctx.wireLimits,
      scopes: caps.toStrings(),
    });
  }

  /** The session is gone: stop waiting for its token to expire. */
  stop(): void {
    clearTimeout(this.expiryTimer);
  }

  /**
   * Ends the session when its token expires: checking only the messages it sends would let a
   * silent session go on receiving Broadcasts and Presence with an expired token.
   */
  private closeAtExpiry(): void {
    const expiresAt = this.principalValue?.expiresAt;
    if (expiresAt === undefined || this.session.closed) return;
    // setTimeout waits at most 2^31 - 1 ms (about 24.8 days); a later expiry re-arms.
    const wait = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      const valid = checkNotExpired(this.principalValue!);
      if (valid.ok) this.closeAtExpiry();
      else this.session.close(valid.error);
    }, wait);
    this.expiryTimer.unref?.();
  }
}
