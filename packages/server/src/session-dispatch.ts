import { DistSpaceError } from '@dist-space/ot-core';
import { checkNotExpired } from '@dist-space/permissions';
import { decodeMessage, type Message, maySend } from '@dist-space/protocol';
import type { Session, SessionContext } from './session.js';
import type { SessionHandshake } from './session-handshake.js';

/** Bad messages after which a session is closed: a peer this broken is not worth serving. */
const MAX_ERRORS = 1_000;

/**
 * What one session receives, frame by frame: decoded, a Ping answered at once, a message only
 * the server sends refused, and the rest handled one after another in arrival order: Hello first
 * (by the {@link SessionHandshake}), then workspace and admin messages. Bad messages are
 * counted; nothing a handler throws escapes into the transport: it becomes an `INTERNAL_ERROR`
 * reply and a log record.
 */
export class SessionDispatch {
  private chain: Promise<void> = Promise.resolve();
  private errors = 0;
  private helloReceived = false;

  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
    private readonly handshake: SessionHandshake,
  ) {}

  /** Takes one frame from the connection. */
  receive(frame: Uint8Array): void {
    const session = this.session;
    session.lastActivity = Date.now();
    const decoded = decodeMessage(frame, this.ctx.protocolLimits);
    if (!decoded.ok) {
      if (!session.ready) {
        session.refuse(decoded.error);
        return;
      }
      this.countError();
      const submit = unreadableSubmit(decoded.error);
      if (submit) {
        // The protocol answers every Submit with an Ack or a Reject for its seq: a client
        // waits for that answer before it sends anything more to the workspace.
        this.chain = this.chain
          .then(() =>
            session.workspaces.submits.submitUnreadable(
              submit.workspace,
              submit.seq,
              decoded.error,
            ),
          )
          .catch((e: unknown) => this.internal(e));
        return;
      }
      // A request waits for its answer: name it when the decoder could read its id.
      session.sendError(decoded.error, readableRequestId(decoded.error));
      return;
    }
    const message = decoded.value;
    if (message.type === 'Ping') {
      session.send({ type: 'Pong', nonce: message.nonce });
      return;
    }
    if (message.type === 'Pong') return;
    if (!maySend(message.type, 'client')) {
      this.countError();
      session.sendError(
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
    const session = this.session;
    if (session.closed) return;
    if (message.type === 'Hello') {
      if (this.helloReceived) {
        this.countError();
        session.sendError(
          new DistSpaceError('PROTOCOL_VIOLATION', 'Hello was already sent on this connection.'),
        );
        return;
      }
      this.helloReceived = true;
      return this.handshake.hello(message);
    }
    if (!session.ready) {
      session.refuse(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `The first message must be Hello, not ${message.type}.`,
        ),
      );
      return;
    }
    const expired = checkNotExpired(session.principal!);
    if (!expired.ok) {
      session.close(expired.error);
      return;
    }
    switch (message.type) {
      case 'Open':
      case 'Catchup':
      case 'Leave':
      case 'Submit':
      case 'Presence':
        return session.workspaces.handle(message);
      case 'ListSessions':
      case 'Kick':
      case 'Stats':
      case 'TailLog':
        return this.ctx.admin.handle(session, message);
      default:
        session.sendError(
          new DistSpaceError('PROTOCOL_VIOLATION', `${message.type} is not expected here.`, {
            type: message.type,
          }),
        );
    }
  }

  private countError(): void {
    if (++this.errors >= MAX_ERRORS) {
      this.session.close(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `The session sent ${MAX_ERRORS} bad messages and was closed.`,
        ),
      );
    }
  }

  private internal(e: unknown): void {
    this.session.log.error(
      { err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) },
      'handler failed',
    );
    this.session.sendError(
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
