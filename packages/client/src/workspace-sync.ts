import { DistSpaceError, type Selection } from '@dist-space/ot-core';
import { errorFromPayload, type MessageOf } from '@dist-space/protocol';
import {
  invertWorkspaceChange,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { ChangeSender } from './change-sender.js';
import type { Emitter } from './emitter.js';
import { mapFiles, type PeerPresence, type PeerTable } from './presence.js';
import { rebasePending } from './rebase.js';
import type { SyncState } from './sync-state.js';
import type { UndoHistory } from './undo.js';
import { type ChangeEvent, emitTreeEvents, type WorkspaceEvents } from './workspace-events.js';
import type { HandleLink, HandleMessage } from './workspace-handle.js';

/**
 * Refusals of our changes in a row, with no Ack between, after which everything pending is
 * rolled back (see the `rejected` event).
 */
const MAX_REJECTIONS_IN_A_ROW = 8;

/** What a {@link WorkspaceSync} needs of the handle it keeps in step with the server. */
export interface SyncedHandle {
  /** True once the handle is closed: a refusal due later is then left to the next open. */
  readonly closed: boolean;
  /** The handle's undo history: moved past every change, forgotten on a rebase. */
  readonly undoHistory: UndoHistory;
  /** Others' cursors, in local positions: moved past every change. */
  readonly peers: PeerTable;
  /** Emits one of the handle's events. */
  readonly emit: Emitter<WorkspaceEvents>['emit'];
  /** Schedules saving the state (see {@link PendingSaver}: at most once per save delay). */
  save(): void;
}

/**
 * Keeps one workspace's local state in step with the server: the pending-change state machine
 * around a {@link SyncState} and the link that carries it. It takes local changes and sends them
 * (through a {@link ChangeSender}), applies what the server answers (acks, refusals, others'
 * changes and cursors), and recovers: on a reconnect it catches up and resends, and when the
 * server no longer has the history it needs, or one of its messages cannot be applied, it learns
 * the in-flight change's fate and rebases the pending changes onto a fresh snapshot.
 */
export class WorkspaceSync {
  /** Sends the changes; its seq counter is saved with the state. */
  readonly sender: ChangeSender;
  private syncedWaiters: Array<() => void> = [];
  /**
   * A rebase under way: the in-flight change was sent again (`seq`) to learn its fate first, and
   * once it is `answered` the snapshot is asked for. Sending waits until the snapshot is in.
   */
  private rebaseInFlight: { readonly seq: number; readonly answered: boolean } | undefined;
  /**
   * A message from the server could not be applied (see the `outOfStep` event): the state is
   * reloaded from a snapshot, and until it is in, changes from the server are not applied and
   * nothing new is sent.
   */
  private reloading = false;
  /**
   * A Catchup or Open is out whose answer may be a Snapshot: nothing new is sent until it is in.
   * A change sent meanwhile would be sequenced after the snapshot was taken, and the rebase onto
   * it, not finding it there, would send it a second time.
   */
  private awaitingState: number | undefined;
  /** Changes of ours the server refused since it last acknowledged one (see onReject). */
  private rejectedInARow = 0;

  /**
   * @param nextSeq - the seq the next new change gets
   * @param lastSeq - the highest seq the server has from this client id here, if it said
   */
  constructor(
    private readonly id: string,
    private readonly link: HandleLink,
    private readonly sync: SyncState,
    private readonly handle: SyncedHandle,
    nextSeq: number,
    lastSeq?: number,
  ) {
    const workspaceSync = this;
    this.sender = new ChangeSender(
      id,
      link,
      sync,
      {
        get holding() {
          return workspaceSync.holding;
        },
        refused: (seq, error) => {
          if (!handle.closed) this.onReject(seq, error, true);
        },
      },
      nextSeq,
    );
    this.sender.continueAfter(lastSeq);
  }

  /**
   * Applies a change made here (an edit, an undo or a redo) to the local state, records it for
   * undo, and sends it when nothing is in flight. `applied`: the local state with `change`
   * applied, when the caller has it already.
   */
  applyLocal(change: WorkspaceChange, kind: 'edit' | 'undo' | 'redo', applied?: Workspace): void {
    const before = this.sync.local;
    this.sync.applyLocal(change, applied);
    this.follow(change, before, { change, local: true, author: this.link.subject }, kind);
    this.sender.flush();
    this.handle.save();
  }

  /** Resolves once every pending change is acknowledged. */
  whenSynced(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  /** True when this workspace waits for the answer to its request `requestId`. */
  awaits(requestId: number): boolean {
    return this.awaitingState === requestId;
  }

  /** Handles a message for this workspace. */
  receive(message: HandleMessage): void {
    if (
      this.reloading &&
      (message.type === 'Broadcast' || message.type === 'Changes' || message.type === 'Presence')
    )
      return; // the snapshot asked for holds them
    try {
      this.dispatch(message);
    } catch (e) {
      this.outOfStep(message.type, e);
    }
  }

  private dispatch(message: HandleMessage): void {
    switch (message.type) {
      case 'Ack':
        this.onAck(message.seq, message.revision);
        return;
      case 'Reject':
        this.onReject(message.seq, errorFromPayload(message.error));
        return;
      case 'Broadcast':
        this.onRemote(message);
        return;
      case 'Changes':
        this.awaitingState = undefined;
        for (const change of message.changes) this.onRemote(change);
        this.sender.resend();
        return;
      case 'Snapshot':
        this.sender.continueAfter(message.lastSeq);
        this.rebaseOnto(message.state, message.revision, message.lastSeq);
        return;
      case 'Presence':
        this.onPresence(message);
        return;
      case 'PresenceLeft':
        if (this.handle.peers.delete(message.sessionId))
          this.handle.emit('presence', { sessionId: message.sessionId, peer: undefined });
        return;
      case 'Error':
        if (errorFromPayload(message.error).code === 'REBASE_REQUIRED') {
          this.awaitingState = undefined;
          this.requestSnapshot();
        } else if (message.requestId !== undefined && message.requestId === this.awaitingState) {
          // The Catchup or Open was refused: no state comes, and the edits may go out again.
          this.awaitingState = undefined;
          this.sender.flush();
        }
        return;
    }
  }

  /** After a reconnect: ask for what was missed since our revision. */
  resume(): void {
    this.handle.peers.clear();
    // The answers a rebase waited for went with the old connection; the Catchup's answer
    // decides afresh (a Snapshot's lastSeq tells the in-flight change's fate).
    this.rebaseInFlight = undefined;
    if (this.reloading) {
      // Changes on our state would not apply: the snapshot, once the in-flight change's fate
      // is known (a resend before joining is refused NOT_OPEN, never sequenced).
      this.requestSnapshot();
      return;
    }
    this.awaitingState = this.link.nextRequestId();
    this.link.send({
      type: 'Catchup',
      requestId: this.awaitingState,
      workspace: this.id,
      sinceRevision: this.sync.revision,
    });
  }

  private onAck(seq: number, revision: number): void {
    if (this.rebaseInFlight?.seq === seq) {
      if (
        !this.rebaseInFlight.answered &&
        !this.reloading &&
        this.sync.inflight?.seq === seq &&
        revision === this.sync.revision + 1
      ) {
        // The resend was sequenced now, on the revision we have: this session receives the
        // workspace's changes, and the Ack came in order with them. Nothing to rebase.
        this.rebaseInFlight = undefined;
        this.confirm(revision);
        return;
      }
      // Sequenced out of our sight (before a reconnect): it is in the snapshot.
      this.fateKnown();
      return;
    }
    if (this.sync.inflight?.seq !== seq) return; // a duplicate of an ack already handled
    this.confirm(revision);
  }

  /**
   * A change of ours was refused: by the server, or `here`, before it left (see
   * ChangeSender.refuseLater).
   */
  private onReject(seq: number, error: DistSpaceError, here = false): void {
    if (this.rebaseInFlight?.seq === seq) {
      this.fateKnown();
      return;
    }
    const inflight = this.sync.inflight;
    if (inflight?.seq !== seq) return;
    if (error.code === 'LIMIT_EXCEEDED' && this.sender.grewPastLimit(inflight.change)) {
      // Remote changes grew it while it was in flight (a delete cut by inserts made inside it)
      // and it was sent again after a reconnect. The server looks for a duplicate before it
      // counts ops, so this refusal means it was never sequenced: send it again in parts.
      this.sync.unsend();
      this.sender.flush();
      return;
    }
    switch (error.code) {
      case 'REBASE_REQUIRED':
        // Never sequenced (the server checks duplicates first): rebase it with the rest.
        this.requestSnapshot();
        return;
      case 'SHUTTING_DOWN':
      case 'NOT_OPEN':
      case 'STORE_FAILED':
        return; // sent again after the reconnect, with the same seq
      case 'RATE_LIMITED':
        setTimeout(() => this.sender.resend(), 200);
        return;
      default: {
        const before = this.sync.local;
        // Rolling a change back transforms the buffer past its inverse, and the transform may
        // answer with ops of its own (a buffered delete of a directory others created in moves
        // their nodes out), which the server may refuse in turn, for ever. After so many
        // refusals in a row, everything pending is taken back, once. Refusals here do not count:
        // each takes a change away without a round trip, and a burst of them (undos the scopes
        // forbid) must not take the typing buffered behind them too.
        const all = !here && ++this.rejectedInARow >= MAX_REJECTIONS_IN_A_ROW;
        if (all) this.rejectedInARow = 0;
        let undo: WorkspaceChange;
        let refused: WorkspaceChange = inflight.change;
        if (all) ({ pending: refused, undo } = this.sync.rollBackAll(invertWorkspaceChange));
        else undo = this.sync.rollBack(invertWorkspaceChange);
        this.follow(undo, before, { change: undo, local: true, author: this.link.subject });
        this.handle.emit('rejected', { error, change: refused });
        this.afterSettle();
      }
    }
  }

  private onRemote(message: {
    revision: number;
    clientId: string;
    seq: number;
    author: string;
    change: WorkspaceChange;
  }): void {
    if (message.revision <= this.sync.revision) return; // already have it
    if (message.revision !== this.sync.revision + 1) {
      // A change we missed: what follows would apply to the wrong state (see outOfStep).
      throw new Error(
        `revision ${message.revision} came when the workspace here is at ${this.sync.revision}`,
      );
    }
    const inflight = this.sync.inflight;
    if (inflight && message.clientId === this.link.clientId && message.seq === inflight.seq) {
      // Our own change, reported to this session as a broadcast (it was sent on a connection
      // that dropped before its ack): that is its ack.
      this.confirm(message.revision);
      return;
    }
    const applied = this.sync.applyRemote(message.change, message.revision);
    this.follow(applied.change, applied.before, {
      change: applied.change,
      local: false,
      author: message.author,
      revision: message.revision,
    });
    if (applied.notes.length > 0) this.handle.emit('altered', { notes: applied.notes });
    this.handle.save();
  }

  private onPresence(message: MessageOf<'Presence'>): void {
    if (!message.sessionId) return;
    const files: Record<string, Selection[]> = {};
    for (const [id, f] of Object.entries(message.files)) files[id] = [...f.selections];
    // The positions are at the server's revision, which is ours (messages arrive in order);
    // move them past our pending changes to local positions.
    const local = mapFiles(files, this.sync.pending(), this.sync.local);
    const peer: PeerPresence = {
      sessionId: message.sessionId,
      subject: message.subject ?? '',
      clientId: message.clientId ?? '',
      files: local,
      state: message.state as Record<string, unknown> | undefined,
    };
    this.handle.peers.set(peer);
    this.handle.emit('presence', { sessionId: peer.sessionId, peer });
  }

  private requestSnapshot(): void {
    const inflight = this.sync.inflight;
    if (inflight && !this.rebaseInFlight) {
      // Before rebasing, learn whether the server sequenced our change: resend it as it was.
      // Its answer comes after the original's (the server puts a resend in line behind it), so
      // the snapshot asked for then tells its fate by its lastSeq.
      this.rebaseInFlight = { seq: inflight.seq, answered: false };
      this.sender.submit(inflight.seq, inflight.change);
      return;
    }
    this.openAgain();
  }

  /**
   * A message from the server could not be applied: our confirmed state is not the server's (a
   * bug, here or there). Rather than throw into the transport, or go on from a wrong state, the
   * workspace is reloaded from a snapshot with the pending changes rebased onto it, once the
   * in-flight change's fate is known (as for REBASE_REQUIRED).
   */
  private outOfStep(type: string, cause: unknown): void {
    if (this.reloading) return;
    this.reloading = true;
    const why = cause instanceof Error ? cause.message : String(cause);
    this.handle.emit('outOfStep', {
      error: new DistSpaceError(
        'OUT_OF_STEP',
        `A ${type} from the server could not be applied to workspace '${this.id}' (${why}); the workspace is reloaded from a snapshot, with the pending changes rebased onto it.`,
        { workspace: this.id, type },
      ),
    });
    this.requestSnapshot();
  }

  /** Asks for a snapshot of the workspace: its answer rebases the pending changes onto it. */
  private openAgain(): void {
    this.awaitingState = this.link.nextRequestId();
    this.link.send({ type: 'Open', requestId: this.awaitingState, workspace: this.id });
  }

  /**
   * The resent in-flight change was answered (an Ack: it was sequenced; a Reject: it was not):
   * ask for the snapshot, once. Asking again would resend the change, whose answer would ask
   * again, for ever.
   */
  private fateKnown(): void {
    if (this.rebaseInFlight?.answered) return;
    this.rebaseInFlight = { seq: this.rebaseInFlight!.seq, answered: true };
    this.openAgain();
  }

  /**
   * Moves the pending changes onto `target`, the server's state at `revision`. `lastSeq` is the
   * highest seq the server had sequenced from this client id when it took the snapshot: an
   * in-flight change at or below it was sequenced (its Ack was lost with a connection) and is in
   * the snapshot already, or comes as a Broadcast if it was still being committed. Either way
   * only the buffer is ours to move, or the change would land twice.
   */
  private rebaseOnto(target: Workspace, revision: number, lastSeq = 0): void {
    const inflight = this.sync.inflight;
    // Count it as confirmed on our old state, the state the buffer was made on; the reset below
    // replaces that state and its revision with the snapshot's.
    if (inflight && inflight.seq <= lastSeq) this.sync.acknowledge(this.sync.revision);
    this.rebaseInFlight = undefined;
    this.reloading = false;
    this.awaitingState = undefined;
    const result = rebasePending(this.sync.confirmed, this.sync.local, this.sync.pending(), target);
    this.sync.reset(target, revision, result.change);
    // The history between the old and the new state is unknown: nothing can be undone across it.
    this.handle.undoHistory.clear();
    this.handle.peers.clear();
    this.handle.emit('change', { change: [], local: false, author: '', revision });
    this.handle.emit('rebased', { revision, dropped: result.dropped });
    this.afterSettle();
  }

  /** Nothing pending, and no rebase or reload under way. */
  private get settled(): boolean {
    return this.sync.pendingCount === 0 && !this.rebaseInFlight && !this.reloading;
  }

  /**
   * Nothing new may go out: a rebase waits for its in-flight change's fate, a reload for its
   * snapshot, or a Catchup or Open for an answer that may be a Snapshot.
   */
  private get holding(): boolean {
    return this.rebaseInFlight !== undefined || this.reloading || this.awaitingState !== undefined;
  }

  /** The in-flight change was sequenced as `revision`. */
  private confirm(revision: number): void {
    this.rejectedInARow = 0;
    this.sync.acknowledge(revision);
    this.afterSettle();
  }

  private afterSettle(): void {
    this.sender.flush();
    this.handle.save();
    if (this.settled) {
      for (const resolve of this.syncedWaiters.splice(0)) resolve();
      this.handle.emit('synced');
    }
  }

  /**
   * Follows `change`, just applied to the local state `before`: moves the undo history (which
   * records it, for a `kind` of local change) and others' cursors past it, and emits its tree
   * events and `event`.
   */
  private follow(
    change: WorkspaceChange,
    before: Workspace,
    event: ChangeEvent,
    kind?: 'edit' | 'undo' | 'redo',
  ): void {
    if (kind) this.handle.undoHistory.record(change, kind);
    else this.handle.undoHistory.transform(change);
    this.handle.peers.transform(change, this.sync.local);
    emitTreeEvents(this.handle.emit, change, before, event.local);
    this.handle.emit('change', event);
  }
}
