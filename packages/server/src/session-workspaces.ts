import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { checkWorkspaceAccess } from '@dist-space/permissions';
import { encodeMessage, encodeSnapshot, type MessageOf } from '@dist-space/protocol';
import type { OpenWorkspace } from './open-workspace.js';
import { oldestOf, rebaseRequired } from './rebase-required.js';
import type { SequencedChange } from './sequencer-log.js';
import type { Session, SessionContext } from './session.js';
import { SessionPresence } from './session-presence.js';
import { SessionSubmits } from './session-submits.js';

type WorkspaceMessage = MessageOf<'Open' | 'Catchup' | 'Leave' | 'Submit' | 'Presence'>;

/**
 * The workspaces one session follows, and its workspace messages: Open and Catchup (join and
 * get the state or what was missed) and Leave here, Submit in {@link SessionSubmits} (sequenced,
 * answered by Ack or Reject) and Presence in {@link SessionPresence} (checked, coalesced to the
 * presence rate, relayed).
 */
export class SessionWorkspaces {
  private readonly joined = new Map<string, OpenWorkspace>();
  /** The session's Submits (see {@link SessionSubmits.submitUnreadable} for unreadable ones). */
  readonly submits: SessionSubmits;
  private readonly presence: SessionPresence;

  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
  ) {
    this.submits = new SessionSubmits(session, ctx, this.joined);
    this.presence = new SessionPresence(session, ctx, this.joined);
  }

  /** The ids of the workspaces the session follows. */
  get ids(): string[] {
    return [...this.joined.keys()];
  }

  /** Handles one workspace message. */
  async handle(message: WorkspaceMessage): Promise<void> {
    switch (message.type) {
      case 'Open':
        return this.open(message);
      case 'Catchup':
        return this.catchup(message);
      case 'Leave':
        this.leave(message.workspace);
        return;
      case 'Submit':
        this.submits.submit(message);
        return;
      case 'Presence':
        this.presence.receive(message);
        return;
    }
  }

  /** The session is gone: leave every workspace. */
  leaveAll(): void {
    this.presence.stop();
    for (const id of [...this.joined.keys()]) this.leave(id);
  }

  /** A workspace dropped the session (see `Member.detach`). */
  detached(workspace: string): void {
    this.joined.delete(workspace);
    this.presence.forget(workspace);
  }

  private async acquire(workspace: string, create: boolean): Promise<Result<OpenWorkspace>> {
    const principal = this.session.principal!;
    const access = checkWorkspaceAccess(principal, workspace);
    if (!access.ok) return access;
    const current = this.joined.get(workspace);
    if (current) return ok(current);
    if (
      create &&
      !principal.capabilities.scopes.some(
        (s) => s.kind === 'path' && s.verb === 'create' && !s.deny,
      )
    ) {
      return err(
        new DistSpaceError(
          'PERMISSION_DENIED',
          `Creating workspace '${workspace}' needs a create scope; this session has none.`,
          { workspace, missingScope: 'create:**' },
        ),
      );
    }
    const ws = await this.ctx.host.acquire(workspace, create);
    if (!ws.ok) return ws;
    if (ws.value.members.size >= this.ctx.limits.maxSessionsPerWorkspace) {
      return err(
        new DistSpaceError(
          'TOO_MANY_SESSIONS',
          `Workspace '${workspace}' has ${ws.value.members.size} sessions, its limit.`,
          { limit: this.ctx.limits.maxSessionsPerWorkspace },
        ),
      );
    }
    return ws;
  }

  private async open(message: MessageOf<'Open'>): Promise<void> {
    const ws = await this.acquire(message.workspace, message.create === true);
    if (!ws.ok) {
      this.session.sendError(ws.error, message.requestId, message.workspace);
      return;
    }
    await this.joinWithSnapshot(ws.value, message.requestId);
  }

  /**
   * Joins the workspace and sends its state. The session's last seq (which may need the log, and
   * counts what an old connection of this client left queued) is settled first; it is read in
   * the same turn as the join and the state, so that no Broadcast can overtake the Snapshot and
   * every later Broadcast of this client's changes has a seq the Snapshot counted.
   */
  private async joinWithSnapshot(ws: OpenWorkspace, requestId: number): Promise<void> {
    await ws.sequencer.settleSeqsOf(this.session.clientId);
    // Closed meanwhile: its leaving already ran, and joining now would leave it a member.
    if (!this.session.ready) return;
    this.join(ws);
    this.sendSnapshot(ws, requestId, ws.sequencer.knownHighestSeq(this.session.clientId));
  }

  /**
   * Sends the state as the session may see it, in one frame or in chunks, with `lastSeq`, the
   * highest seq sequenced from the session's client id (0: none), then the others' cursors: a
   * client forgets those it knew when it rebases onto a Snapshot.
   */
  sendSnapshot(ws: OpenWorkspace, requestId: number, lastSeq: number): void {
    const snapshot = {
      type: 'Snapshot' as const,
      requestId,
      workspace: ws.id,
      revision: ws.revision,
      ...(lastSeq > 0 ? { lastSeq } : {}),
      state: ws.stateFor(this.session),
    };
    for (const frame of encodeSnapshot(snapshot, this.ctx.protocolLimits.maxFrameBytes)) {
      this.session.sendFrame(frame);
    }
    this.presence.sendOthers(ws);
  }

  /**
   * The state of a workspace this session has open, as a Snapshot with `lastSeq` (see
   * {@link Member.resync}). A change sequenced as new has a seq above every earlier one of its
   * client (a lower one is a duplicate), so with one Submit in flight it is the client's last.
   */
  resync(ws: OpenWorkspace, lastSeq: number): void {
    if (this.joined.get(ws.id) === ws) this.sendSnapshot(ws, 0, lastSeq);
  }

  private join(ws: OpenWorkspace): void {
    if (this.joined.has(ws.id)) return;
    this.joined.set(ws.id, ws);
    ws.join(this.session);
  }

  private async catchup(message: MessageOf<'Catchup'>): Promise<void> {
    const ws = await this.acquire(message.workspace, false);
    if (!ws.ok) {
      this.session.sendError(ws.error, message.requestId, message.workspace);
      return;
    }
    const open = ws.value;
    if (this.session.visibility) {
      // A filtered view cannot replay the log (the projection needs each change's states); the
      // current state is what it needs, and the client rebases its pending changes onto it.
      await this.joinWithSnapshot(open, message.requestId);
      return;
    }
    const since = message.sinceRevision;
    // Changes committed while the log was read are in memory: take them in the same turn as
    // joining, so the session misses none and gets none twice. When more were committed than
    // memory keeps, read on from the log.
    let got: SequencedChange[] = [];
    let rest: SequencedChange[] | undefined;
    for (let round = 0; rest === undefined; round++) {
      const stored = await open.sequencer.changesSince(since + got.length);
      if (!stored.ok) {
        const error =
          stored.error.code === 'REBASE_REQUIRED'
            ? rebaseRequired(open, { sinceRevision: since }, oldestOf(stored.error))
            : stored.error;
        this.session.sendError(error, message.requestId, message.workspace);
        return;
      }
      got = got.concat(stored.value);
      rest = open.sequencer.recentSince(since + got.length);
      if (rest === undefined && round === MAX_CATCHUP_ROUNDS) {
        // The workspace commits faster than the log is read: the current snapshot is the way.
        this.session.sendError(
          rebaseRequired(open, { sinceRevision: since }, open.revision),
          message.requestId,
          message.workspace,
        );
        return;
      }
    }
    const all = got.concat(rest);
    const { maxArrayLength, maxFrameBytes } = this.ctx.protocolLimits;
    const frame =
      all.length <= maxArrayLength
        ? encodeMessage({
            type: 'Changes',
            requestId: message.requestId,
            workspace: open.id,
            fromRevision: since,
            toRevision: since + all.length,
            changes: all.map((c) => ({
              revision: c.revision,
              author: c.author,
              clientId: c.clientId,
              seq: c.seq,
              change: c.change,
            })),
          })
        : undefined;
    if (frame === undefined || frame.byteLength > maxFrameBytes) {
      // More to catch up on than one Changes message carries (a long absence, large pastes):
      // the current state is the way, in chunks if need be, and the client rebases onto it.
      await this.joinWithSnapshot(open, message.requestId);
      return;
    }
    this.join(open);
    this.session.sendFrame(frame);
    this.presence.sendOthers(open);
  }

  private leave(workspace: string): void {
    const ws = this.joined.get(workspace);
    if (!ws) return;
    this.joined.delete(workspace);
    this.presence.forget(workspace);
    ws.leave(this.session.sessionId);
  }
}

/** Catchup reads from the log this often, at most, while commits outrun the memory window. */
const MAX_CATCHUP_ROUNDS = 4;
