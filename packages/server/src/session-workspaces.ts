import { DistSpaceError, err, ok, type Result, type Selection } from '@dist-space/ot-core';
import { checkWorkspaceAccess } from '@dist-space/permissions';
import {
  encodeMessage,
  encodeSnapshot,
  errorToPayload,
  type MessageOf,
  type PlainMap,
} from '@dist-space/protocol';
import { TokenBucket } from '@dist-space/transport-adapters';
import {
  touchedPathsOfApplied,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { concealDenial, concealFailure } from './hidden-nodes.js';
import type { OpenWorkspace } from './open-workspace.js';
import { mapSelectionsThrough } from './presence.js';
import type { SequencedChange } from './sequencer-log.js';
import type { Session, SessionContext } from './session.js';

type WorkspaceMessage = MessageOf<'Open' | 'Catchup' | 'Leave' | 'Submit' | 'Presence'>;

interface PendingPresence {
  files: Record<string, { selections: Selection[] }>;
  state?: PlainMap;
}

/**
 * The workspaces one session follows, and its workspace messages: Open and Catchup (join and
 * get the state or what was missed), Leave, Submit (sequenced, answered by Ack or Reject) and
 * Presence (checked, coalesced to the presence rate, relayed).
 */
export class SessionWorkspaces {
  private readonly joined = new Map<string, OpenWorkspace>();
  private readonly submits: TokenBucket;
  private inFlight = 0;
  private readonly presenceDue = new Map<string, PendingPresence>();
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPresenceAt = 0;

  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
  ) {
    this.submits = new TokenBucket(ctx.limits.submitsPerSecond, ctx.limits.submitBurst);
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
        this.submit(message);
        return;
      case 'Presence':
        this.presence(message);
        return;
    }
  }

  /** The session is gone: leave every workspace. */
  leaveAll(): void {
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    for (const id of [...this.joined.keys()]) this.leave(id);
  }

  /** A workspace dropped the session (see `Member.detach`). */
  detached(workspace: string): void {
    this.joined.delete(workspace);
    this.presenceDue.delete(workspace);
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
    this.sendOthersPresence(ws);
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

  /**
   * Others' cursors, so that a newcomer sees them at once. Sent after the state (Snapshot or
   * Changes), at its revision: a client that rebases onto a Snapshot forgets the cursors it had,
   * and one that catches up with Changes reaches the Presence's revision only with them.
   */
  private sendOthersPresence(ws: OpenWorkspace): void {
    for (const record of ws.presence.values()) {
      if (record.sessionId === this.session.sessionId) continue;
      const files = this.readableFiles(ws.sequencer.state, record.files);
      this.session.send({
        type: 'Presence',
        workspace: ws.id,
        revision: ws.revision,
        files,
        sessionId: record.sessionId,
        subject: record.subject,
        clientId: record.clientId,
        ...(record.state ? { state: record.state as PlainMap } : {}),
      });
    }
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
    this.sendOthersPresence(open);
  }

  private leave(workspace: string): void {
    const ws = this.joined.get(workspace);
    if (!ws) return;
    this.joined.delete(workspace);
    this.presenceDue.delete(workspace);
    ws.leave(this.session.sessionId);
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

  private submit(message: MessageOf<'Submit'>, unreadable?: DistSpaceError): void {
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
    if (this.inFlight >= this.ctx.limits.maxInFlightSubmits || this.submits.take() !== 'accept') {
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

  private presence(message: MessageOf<'Presence'>): void {
    const ws = this.joined.get(message.workspace);
    if (!ws) {
      this.session.sendError(
        new DistSpaceError(
          'NOT_OPEN',
          `Open workspace '${message.workspace}' before sending presence.`,
        ),
        undefined,
        message.workspace,
      );
      return;
    }
    const state = ws.sequencer.state;
    const files: Record<string, { selections: Selection[] }> = {};
    for (const [fileId, file] of Object.entries(message.files)) {
      const node = state.node(fileId);
      const path = node?.kind === 'file' ? state.pathOf(fileId) : undefined;
      // Deleted since, never a file, or one the session may not read: nothing to show, and
      // the same silence for all three, so that presence tells nothing of hidden files.
      if (path === undefined || !this.session.capabilities!.allows('read', path)) continue;
      files[fileId] = {
        selections: file.selections.map((s) => ({ anchor: s.anchor, head: s.head })),
      };
    }
    let mapped = files;
    if (message.revision !== ws.revision) {
      const missed = ws.sequencer.recentSince(message.revision);
      if (missed === undefined || message.revision > ws.revision) return; // too old to map: drop
      mapped = mapSelectionsThrough(
        files,
        missed.map((c) => c.change),
        (id) => state.node(id)?.kind === 'file',
      );
    }
    for (const [fileId, file] of Object.entries(mapped)) {
      const length = state.text(fileId)?.length ?? 0;
      if (file.selections.some((s) => s.anchor > length || s.head > length)) {
        this.session.sendError(
          new DistSpaceError(
            'INVALID_PAYLOAD',
            `A selection in file ${fileId} lies past its end (${length}).`,
            {
              fileId,
            },
          ),
          undefined,
          message.workspace,
        );
        return;
      }
    }
    this.presenceDue.set(ws.id, {
      files: mapped,
      ...(message.state ? { state: message.state } : {}),
    });
    this.schedulePresence();
  }

  /** Relays due presence at most `presencePerSecond` times a second, the newest winning. */
  private schedulePresence(): void {
    if (this.presenceTimer) return;
    const interval = 1000 / this.ctx.limits.presencePerSecond;
    const wait = Math.max(0, this.lastPresenceAt + interval - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      this.lastPresenceAt = Date.now();
      this.flushPresence();
    }, wait);
    this.presenceTimer.unref?.();
  }

  private flushPresence(): void {
    for (const [workspace, due] of this.presenceDue) {
      const ws = this.joined.get(workspace);
      if (!ws) continue;
      ws.presence.set({
        sessionId: this.session.sessionId,
        subject: this.session.subject,
        clientId: this.session.clientId,
        files: due.files,
        ...(due.state ? { state: due.state } : {}),
      });
      const state = ws.sequencer.state;
      for (const member of ws.members.values()) {
        if (member === this.session) continue;
        member.send({
          type: 'Presence',
          workspace,
          revision: ws.revision,
          files: member.visibility
            ? filterFiles(state, due.files, member.visibility.file)
            : due.files,
          sessionId: this.session.sessionId,
          subject: this.session.subject,
          clientId: this.session.clientId,
          ...(due.state ? { state: due.state } : {}),
        });
      }
    }
    this.presenceDue.clear();
  }

  private readableFiles(state: Workspace, files: Record<string, { selections: Selection[] }>) {
    const visibility = this.session.visibility;
    return visibility ? filterFiles(state, files, visibility.file) : files;
  }
}

function filterFiles(
  state: Workspace,
  files: Record<string, { selections: Selection[] }>,
  canRead: (path: string) => boolean,
): Record<string, { selections: Selection[] }> {
  const out: Record<string, { selections: Selection[] }> = {};
  for (const [id, file] of Object.entries(files)) {
    const path = state.pathOf(id);
    if (path !== undefined && canRead(path)) out[id] = file;
  }
  return out;
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

/** Catchup reads from the log this often, at most, while commits outrun the memory window. */
const MAX_CATCHUP_ROUNDS = 4;

/** The oldest revision a Catchup can start from, as the log's refusal states it. */
function oldestOf(refusal: DistSpaceError): number | undefined {
  return (refusal.details as { oldestRevision?: number } | undefined)?.oldestRevision;
}

/**
 * `REBASE_REQUIRED` as the protocol states it: the revision asked for (`sinceRevision` of a
 * Catchup, `baseRevision` of a Submit), the oldest revision a Catchup can still start from, and
 * the current revision.
 */
function rebaseRequired(
  ws: OpenWorkspace,
  asked: { readonly sinceRevision: number } | { readonly baseRevision: number },
  oldestRevision: number | undefined,
): DistSpaceError {
  const since = 'sinceRevision' in asked ? asked.sinceRevision : asked.baseRevision;
  return new DistSpaceError(
    'REBASE_REQUIRED',
    `Workspace '${ws.id}' no longer keeps the changes after revision ${since} (the oldest it can catch up from is ${oldestRevision}); open it again for a snapshot at revision ${ws.revision} and rebase pending changes onto it.`,
    { workspace: ws.id, ...asked, oldestRevision, revision: ws.revision },
  );
}
