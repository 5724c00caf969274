import { DistSpaceError, err, type Result } from '@dist-space/ot-core';
import { errorToPayload, type MessageOf } from '@dist-space/protocol';
import { TokenBucket } from '@dist-space/transport-adapters';
import {
  touchedPathsOfApplied,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { concealDenial, concealFailure } from './hidden-nodes.js';
import type { OpenWorkspace } from './open-workspace.js';
import { oldestOf, rebaseRequired } from './rebase-required.js';
import type { Session, SessionContext } from './session.js';

/**
 * One session's Submits: refused here when the workspace is not open, the client id is not the
 * session's, the server is shutting down or the session submits too fast; otherwise sequenced,
 * and answered by a Reject or, for a resubmission, the original Ack (a new change is
 * acknowledged with its commit, by the workspace).
 */
export class SessionSubmits {
  private readonly rate: TokenBucket;
  private inFlight = 0;

  /**
   * @param joined the workspaces the session follows, by id (owned by its SessionWorkspaces)
   */
  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
    private readonly joined: ReadonlyMap<string, OpenWorkspace>,
  ) {
    this.rate = new TokenBucket(ctx.limits.submitsPerSecond, ctx.limits.submitBurst);
  }

  /**
   * A Submit whose change the decoder refused (`error`), with its workspace and seq read: it is
   * answered as a Submit is, so that its client hears about that seq. A Reject with the error
   * (the change is not applied), or the original Ack when the seq was sequenced before (a resend
   * of a change the server has, in a form it cannot read, must not be taken back).
   */
  submitUnreadable(workspace: string, seq: number, error: DistSpaceError): void {
    const message: MessageOf<'Submit'> = {
      type: 'Submit',
      workspace,
      seq,
      clientId: this.session.clientId,
      baseRevision: 0,
      change: [],
    };
    this.submit(message, error);
  }

  /** Answers a Submit: refuses it here (Reject), or sequences it; see the class comment. */
  submit(message: MessageOf<'Submit'>, unreadable?: DistSpaceError): void {
    const reject = (error: DistSpaceError) => {
      this.session.log.info(
        { workspace: message.workspace, seq: message.seq, code: error.code },
        error.message,
      );
      this.session.send({
        type: 'Reject',
        workspace: message.workspace,
        seq: message.seq,
        error: errorToPayload(error),
      });
    };
    const ws = this.joined.get(message.workspace);
    if (!ws) {
      reject(
        new DistSpaceError(
          'NOT_OPEN',
          `Open workspace '${message.workspace}' before submitting to it.`,
          {
            workspace: message.workspace,
          },
        ),
      );
      return;
    }
    if (message.clientId !== this.session.clientId) {
      reject(
        new DistSpaceError(
          'PROTOCOL_VIOLATION',
          `The Submit names client '${message.clientId}' but this session is client '${this.session.clientId}'.`,
        ),
      );
      return;
    }
    if (this.ctx.shuttingDown()) {
      reject(
        new DistSpaceError(
          'SHUTTING_DOWN',
          'The server is shutting down; submit again after reconnecting.',
        ),
      );
      return;
    }
    if (this.inFlight >= this.ctx.limits.maxInFlightSubmits || this.rate.take() !== 'accept') {
      reject(
        new DistSpaceError(
          'RATE_LIMITED',
          `Too many submits: at most ${this.ctx.limits.submitsPerSecond} per second and ${this.ctx.limits.maxInFlightSubmits} waiting for their ack; batch changes and wait for acks.`,
          { limit: this.ctx.limits.submitsPerSecond },
        ),
      );
      return;
    }
    this.inFlight++;
    const caps = this.session.capabilities!;
    void ws.sequencer
      .submit({
        clientId: message.clientId,
        seq: message.seq,
        author: this.session.subject,
        baseRevision: message.baseRevision,
        change: message.change,
        authorize: (state, change) => authorize(caps, state, change),
        concealFailure: (state, change, failure) => concealFailure(caps, state, change, failure),
        origin: this.session,
        ...(unreadable ? { unreadable } : {}),
      })
      .then((outcome) => {
        this.inFlight--;
        if (!outcome.ok) {
          const { error } = outcome;
          reject(
            error.code === 'REBASE_REQUIRED'
              ? rebaseRequired(ws, { baseRevision: message.baseRevision }, oldestOf(error))
              : error,
          );
          return;
        }
        const { revision, duplicate, notes } = outcome.value;
        // A new change was acknowledged with its commit, in revision order; a resubmission is
        // answered here with the revision it became the first time.
        if (duplicate) {
          this.session.send({ type: 'Ack', workspace: ws.id, seq: message.seq, revision });
          return;
        }
        if (notes.length > 0) {
          this.session.log.info(
            { workspace: ws.id, seq: message.seq, notes: notes.length },
            'change altered by transform',
          );
        }
      });
  }
}

/**
 * Checks a (transformed) change against a session's scopes, on the state it will apply to; the
 * sequencer calls it only with a change it has applied to that state.
 */
export function authorize(
  caps: NonNullable<Session['capabilities']>,
  state: Workspace,
  change: WorkspaceChange,
): Result<void> {
  // The sequencer applied the change before asking, so the walk of its paths does not fail; if
  // it ever did, its error refuses the change rather than throwing in the request path.
  const allowed = caps.checkChange(state, change);
  if (allowed.ok) return allowed;
  // Refusals are rare: the paths are walked a second time only to word this one.
  const touched = touchedPathsOfApplied(state, change);
  if (!touched.ok) return touched;
  return err(concealDenial(caps, state, change, touched.value, allowed.error));
}
