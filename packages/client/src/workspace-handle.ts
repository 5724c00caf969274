import {
  type Change,
  DistSpaceError,
  err,
  ok,
  type Result,
  type Selection,
  type Text,
} from '@dist-space/ot-core';
import type { Capabilities, Verb } from '@dist-space/permissions';
import { errorFromPayload, type MessageOf } from '@dist-space/protocol';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  countChangeOps,
  invertWorkspaceChange,
  type NodeId,
  type PathLimits,
  type TransformNote,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import { Emitter, type Off } from './emitter.js';
import { deniedByScopes, deniedInParts, fileTooLarge } from './local-checks.js';
import { DEFAULT_SAVE_DELAY_MS, PendingSaver } from './pending-saver.js';
import { persist, type RestoredState } from './persisted-state.js';
import { mapFiles, type PeerPresence, PeerTable } from './presence.js';
import { rebasePending } from './rebase.js';
import { deleteChildrenFirst } from './split-change.js';
import type { PendingStore, PersistedWorkspace } from './storage.js';
import { SyncState } from './sync-state.js';
import { UndoHistory, type UndoOptions } from './undo.js';

/** A change applied to the local state, and whose it was. */
export interface ChangeEvent {
  /** The change as applied here. */
  readonly change: WorkspaceChange;
  /** True for this client's own change (made here, or its undo or redo). */
  readonly local: boolean;
  /** Who made it: the subject of the author's token; this client's for a local change. */
  readonly author: string;
  /** The revision it became, for a remote change. */
  readonly revision?: number;
}

/** The events of a {@link WorkspaceHandle}. */
export interface WorkspaceEvents {
  /** Any change to the local state, local or remote. */
  change: (event: ChangeEvent) => void;
  /** A file or directory appeared. */
  created: (event: {
    readonly id: NodeId;
    readonly path: string;
    readonly kind: 'file' | 'dir';
    readonly local: boolean;
  }) => void;
  /** A file or directory (with its subtree) went away. */
  deleted: (event: { readonly id: NodeId; readonly path: string; readonly local: boolean }) => void;
  /** A file or directory moved or was renamed. */
  renamed: (event: {
    readonly id: NodeId;
    readonly from: string;
    readonly to: string;
    readonly local: boolean;
  }) => void;
  /** Someone's cursors or state changed (or they left: `peer` undefined). */
  presence: (event: {
    readonly sessionId: string;
    readonly peer: PeerPresence | undefined;
  }) => void;
  /**
   * The server refused one of our changes, or this client did before sending it because the
   * session's scopes forbid it (`PERMISSION_DENIED`: ops a rebase or a rollback made that the
   * session may not make); it was rolled back here. Also an undo or redo the scopes forbid,
   * refused before it was applied (see {@link WorkspaceHandle.undo}).
   */
  rejected: (event: { readonly error: DistSpaceError; readonly change: WorkspaceChange }) => void;
  /** Concurrent changes renamed or dropped some of our pending ops. */
  altered: (event: { readonly notes: readonly TransformNote[] }) => void;
  /**
   * The state was replaced from a server snapshot and our pending changes rebased onto it;
   * `dropped` holds what could not be: tree ops whose node or directory is gone, and edits of a
   * file that is gone (deleted, or out of this session's sight).
   */
  rebased: (event: { readonly revision: number; readonly dropped: readonly WorkspaceOp[] }) => void;
  /**
   * A message from the server could not be applied to the local state (`OUT_OF_STEP`: a bug, in
   * the client or the server). The workspace is being reloaded from a snapshot, with the pending
   * changes rebased onto it (a `rebased` event follows); nothing is lost, and nothing is thrown.
   */
  outOfStep: (event: { readonly error: DistSpaceError }) => void;
  /** Every pending change is acknowledged. */
  synced: () => void;
  /**
   * Saving the pending state to the client's `PendingStore` failed (the disk is full, the store
   * is unwritable): until a later save succeeds, a crash would lose unacknowledged edits. The
   * next change tries again.
   */
  storeFailed: (event: { readonly error: unknown }) => void;
}

/** The steps of one atomic change, by path, as {@link WorkspaceHandle.change} offers them. */
export type ChangeSteps = Pick<
  ChangeBuilder,
  'createFile' | 'createDir' | 'move' | 'rename' | 'delete' | 'edit' | 'workspace'
>;

/**
 * Refusals of our changes in a row, with no Ack between, after which everything pending is
 * rolled back (see the `rejected` event).
 */
const MAX_REJECTIONS_IN_A_ROW = 8;

/** The messages a client passes to the handle of their workspace. */
export type HandleMessage = MessageOf<
  'Ack' | 'Reject' | 'Broadcast' | 'Presence' | 'PresenceLeft' | 'Snapshot' | 'Changes' | 'Error'
>;

/** What a handle needs from its client. */
export interface HandleLink {
  readonly clientId: string;
  readonly subject: string;
  readonly connected: boolean;
  send(message: MessageOf<'Submit' | 'Open' | 'Catchup' | 'Leave' | 'Presence'>): boolean;
  nextRequestId(): number;
  /** The most ops the server takes in one change (its Welcome's `limits.maxOpsPerChange`). */
  readonly maxOpsPerChange: number;
  /** The most code units of text one change may carry to fit in a frame both ends take. */
  readonly maxTextPerChange: number;
  /** The most code units a file may hold on the server (its Welcome's `limits.maxFileSize`). */
  readonly maxFileSize: number;
  /** The server's limits on names and paths (its Welcome's), for the paths given to edits. */
  readonly pathLimits: PathLimits;
  /** The session's scopes (its Welcome's `scopes`); undefined when the server did not say. */
  readonly capabilities: Capabilities | undefined;
  /** Sends a Submit; the transport's `LIMIT_EXCEEDED` when its frame is too large to send. */
  submit(message: MessageOf<'Submit'>): DistSpaceError | undefined;
  /** Closes this handle (leave). */
  release(handle: WorkspaceHandle): void;
}

/** Options of {@link Client.open}. */
export interface OpenOptions {
  /** Create the workspace, empty, if it does not exist. */
  readonly create?: boolean;
  /** How typing groups into undo steps and how many steps are kept; see {@link UndoOptions}. */
  readonly undo?: UndoOptions;
}

function randomPrefix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `n${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`;
}

/**
 * One open workspace: its files and documents as read-only state, typed events, and methods that
 * edit it. Edits apply here at once and reach the server in order, one change in flight, the
 * rest buffered; remote changes are merged in by OT. Survives reconnects (it catches up and
 * resends what was not acknowledged, with the same seq) and rebases onto a fresh snapshot when
 * the server no longer has the history it needs.
 */
export class WorkspaceHandle extends Emitter<WorkspaceEvents> {
  private readonly sync: SyncState;
  private readonly undoHistory: UndoHistory;
  private readonly peers = new PeerTable();
  private nextSeq = 1;
  private readonly idPrefix: string;
  private nextNodeId = 1;
  private syncedWaiters: Array<() => void> = [];
  private readonly saver: PendingSaver;
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
  /**
   * The seq of a change refused here, before it left (see refuseLater), until its refusal is
   * handled: a reconnect or a rebase in the meantime must not send it after all.
   */
  private refusedHere: number | undefined;
  /** Changes of ours the server refused since it last acknowledged one (see onReject). */
  private rejectedInARow = 0;
  private closed = false;
  private readonly newNodeId = () => `${this.idPrefix}:${this.nextNodeId++}`;

  /** @internal Made by {@link Client.open}. */
  constructor(
    readonly id: string,
    private readonly link: HandleLink,
    store: PendingStore,
    start: { state: Workspace; revision: number; lastSeq?: number } | RestoredState,
    options: OpenOptions,
    saveDelayMs: number = DEFAULT_SAVE_DELAY_MS,
  ) {
    super();
    this.saver = new PendingSaver(
      store,
      `w:${id}`,
      () => this.persisted(),
      saveDelayMs,
      (error) => this.emit('storeFailed', { error }),
    );
    this.undoHistory = new UndoHistory(options.undo);
    if ('saved' in start) {
      this.sync = new SyncState(
        start.confirmed,
        start.saved.revision,
        start.inflight,
        start.buffered,
      );
      this.idPrefix = start.saved.idPrefix;
      this.nextSeq = start.saved.nextSeq;
      this.nextNodeId = start.saved.nextNodeId;
    } else {
      this.sync = new SyncState(start.state, start.revision);
      this.idPrefix = randomPrefix();
      this.continueAfter(start.lastSeq);
    }
  }

  /** The local state: the file tree and every document, with pending changes applied. */
  get state(): Workspace {
    return this.sync.local;
  }

  /** The newest revision the server confirmed. */
  get revision(): number {
    return this.sync.revision;
  }

  /**
   * Whether this session may `verb` (`read`, `write`, `create`, `delete`) the path, by the scopes
   * the server stated in its Welcome: for an editor to show a file read-only, say. True when the
   * server did not state them (a 1.0 server), as it then decides alone. A rename needs `delete`
   * on the old path and `create` on the new one.
   */
  allows(verb: Verb, path: string): boolean {
    return this.link.capabilities?.allows(verb, path) ?? true;
  }

  /** Changes not yet acknowledged (0, 1 or 2: the one in flight and the buffer). */
  get pendingCount(): number {
    return this.sync.pendingCount;
  }

  /** Others' cursors and state, in local positions. */
  get presence(): readonly PeerPresence[] {
    return this.peers.all();
  }

  /** The text of the file at `path`. */
  text(path: string): Result<Text> {
    return this.state.readText(path);
  }

  /** The text of the file at `path` as a string. */
  read(path: string): Result<string> {
    return this.state.read(path);
  }

  /** Inserts `text` at `pos` in the file at `path`. */
  insert(path: string, pos: number, text: string): Result<void> {
    return this.edit(path, [{ type: 'insert', pos, text }]);
  }

  /** Deletes `len` code units at `pos` in the file at `path`. */
  delete(path: string, pos: number, len: number): Result<void> {
    return this.edit(path, [{ type: 'delete', pos, len }]);
  }

  /** Replaces `len` code units at `pos` by `text` in the file at `path`. */
  replace(path: string, pos: number, len: number, text: string): Result<void> {
    return this.edit(path, [{ type: 'replace', pos, len, text }]);
  }

  /** Applies an ot-core change to the file at `path`. */
  edit(path: string, change: Change): Result<void> {
    // An editor's hot path (every keystroke): one builder call, without change()'s wrappers.
    const builder = this.builder();
    if (!builder.ok) return builder;
    const done = builder.value.edit(path, change);
    return done.ok ? this.commit(builder.value) : done;
  }

  /**
   * Creates a file (`content` defaults to empty). Its directory must exist: create it first with
   * {@link WorkspaceHandle.createDir}, or both in one {@link WorkspaceHandle.change}; else
   * `NOT_FOUND`, and nothing is applied.
   */
  createFile(path: string, content = ''): Result<void> {
    return this.change((b) => b.createFile(path, content));
  }

  /** Creates a directory; its parent must exist, as for {@link WorkspaceHandle.createFile}. */
  createDir(path: string): Result<void> {
    return this.change((b) => b.createDir(path));
  }

  /** Moves or renames a file or directory. */
  rename(from: string, to: string): Result<void> {
    return this.change((b) => b.move(from, to));
  }

  /** Deletes a file, or a directory with everything beneath it. */
  remove(path: string): Result<void> {
    return this.change((b) => b.delete(path));
  }

  /**
   * Makes one atomic change of several steps (edits to ten files and two renames, say), by path
   * on the local state; if any step fails, none is applied and the first error is returned.
   */
  change(steps: (builder: ChangeSteps) => unknown): Result<void> {
    const open = this.builder();
    if (!open.ok) return open;
    const builder = open.value;
    let failure: DistSpaceError | undefined;
    const track = <T>(result: Result<T>): Result<T> => {
      if (!result.ok) failure ??= result.error;
      return result;
    };
    steps({
      createFile: (path, content) => track(builder.createFile(path, content)),
      createDir: (path) => track(builder.createDir(path)),
      move: (from, to) => track(builder.move(from, to)),
      rename: (from, to) => track(builder.rename(from, to)),
      delete: (path) => track(builder.delete(path)),
      edit: (path, change) => track(builder.edit(path, change)),
      get workspace() {
        return builder.workspace;
      },
    });
    if (failure) return err(failure);
    return this.commit(builder);
  }

  /** A builder on the local state, or `NOT_OPEN` once the handle is closed. */
  private builder(): Result<ChangeBuilder> {
    if (this.closed) {
      return err(new DistSpaceError('NOT_OPEN', `Workspace '${this.id}' is closed.`));
    }
    return ok(new ChangeBuilder(this.state, this.newNodeId, this.link.pathLimits));
  }

  /**
   * Applies what `builder` built as a local change. The builder already completed every op
   * (an edit carries the text it deletes, so it inverts for undo) and applied the change to
   * the local state: its workspace becomes the local state, without applying the change again.
   */
  private commit(builder: ChangeBuilder): Result<void> {
    const change = builder.change;
    if (change.length === 0) return ok(undefined);
    // Refused here rather than shown and then rolled back when the server refuses it.
    const denied = this.deniedHere(change);
    if (denied) return err(denied);
    const tooLarge = fileTooLarge(change, builder.workspace, this.link.maxFileSize);
    if (tooLarge) return err(tooLarge);
    this.applyLocal(change, 'edit', builder.workspace);
    return ok(undefined);
  }

  /**
   * Undoes this client's newest change (not others'); false when there is nothing to undo, or
   * when the session's scopes forbid the undo (undoing a create deletes, which a session may not
   * be allowed): that step is then dropped, nothing is applied, and a `rejected` event says why.
   */
  undo(): boolean {
    const change = this.undoHistory.takeUndo();
    return change !== undefined && this.applyStep(change, 'undo');
  }

  /** Redoes the newest undone change; false when there is nothing to redo, or, as for undo, when the scopes forbid it. */
  redo(): boolean {
    const change = this.undoHistory.takeRedo();
    return change !== undefined && this.applyStep(change, 'redo');
  }

  /**
   * Applies an undo or redo step, unless the scopes forbid it. Refused here, not before sending:
   * buffered with typing, it would take the typing down with it when the change is refused.
   */
  private applyStep(change: WorkspaceChange, kind: 'undo' | 'redo'): boolean {
    const denied = this.deniedHere(change);
    if (denied) {
      // A task later, as every refusal: a handler may undo again.
      setTimeout(() => this.emit('rejected', { error: denied, change }), 0);
      return false;
    }
    this.applyLocal(change, kind);
    return true;
  }

  /** True when {@link WorkspaceHandle.undo} would do something. */
  get canUndo(): boolean {
    return this.undoHistory.canUndo;
  }

  /** True when {@link WorkspaceHandle.redo} would do something. */
  get canRedo(): boolean {
    return this.undoHistory.canRedo;
  }

  /**
   * Shares this user's cursors and selections (per file path, in local positions) and a small
   * state object with the others.
   */
  setPresence(
    files: Readonly<Record<string, readonly Selection[]>>,
    state?: Readonly<Record<string, unknown>>,
  ): Result<void> {
    const byId: Record<string, Selection[]> = {};
    for (const [path, selections] of Object.entries(files)) {
      const node = this.state.resolve(path);
      if (!node.ok) return node;
      byId[node.value.id] = [...selections];
    }
    // Positions are local; the server counts from the confirmed revision, so map them back
    // through our pending changes.
    const pending = this.sync.pending();
    const atConfirmed =
      pending.length === 0
        ? byId
        : mapFiles(byId, invertWorkspaceChange(pending), this.sync.confirmed);
    this.link.send({
      type: 'Presence',
      workspace: this.id,
      revision: this.sync.revision,
      files: Object.fromEntries(
        Object.entries(atConfirmed).map(([id, s]) => [id, { selections: s }]),
      ),
      ...(state ? { state: state as never } : {}),
    });
    return ok(undefined);
  }

  /** Resolves once every pending change is acknowledged. */
  whenSynced(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  /** Stops following the workspace; pending changes stay in the store for the next open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // What a scheduled save would write, written now, for the next open to find.
    this.saver.flush().catch(() => undefined);
    this.link.release(this);
  }

  /** @internal True when this handle waits for the answer to its request `requestId`. */
  awaits(requestId: number): boolean {
    return this.awaitingState === requestId;
  }

  /** @internal Handles a message for this workspace. */
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
        this.resend();
        return;
      case 'Snapshot':
        this.continueAfter(message.lastSeq);
        this.rebaseOnto(message.state, message.revision, message.lastSeq);
        return;
      case 'Presence':
        this.onPresence(message);
        return;
      case 'PresenceLeft':
        if (this.peers.delete(message.sessionId))
          this.emit('presence', { sessionId: message.sessionId, peer: undefined });
        return;
      case 'Error':
        if (errorFromPayload(message.error).code === 'REBASE_REQUIRED') {
          this.awaitingState = undefined;
          this.requestSnapshot();
        } else if (message.requestId !== undefined && message.requestId === this.awaitingState) {
          // The Catchup or Open was refused: no state comes, and the edits may go out again.
          this.awaitingState = undefined;
          this.flush();
        }
        return;
    }
  }

  /** @internal After a reconnect: ask for what was missed since our revision. */
  resume(): void {
    this.peers.clear();
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

  /** @internal The state to persist. */
  persisted(): PersistedWorkspace {
    return persist(this.link.clientId, this.idPrefix, this.nextSeq, this.nextNodeId, this.sync);
  }

  /** `applied`: the local state with `change` applied, when the caller has it already. */
  private applyLocal(
    change: WorkspaceChange,
    kind: 'edit' | 'undo' | 'redo',
    applied?: Workspace,
  ): void {
    const before = this.sync.local;
    this.sync.applyLocal(change, applied);
    this.undoHistory.record(change, kind);
    this.peers.transform(change, this.sync.local);
    this.emitTree(change, before, true);
    this.emit('change', { change, local: true, author: this.link.subject });
    this.flush();
    this.save();
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

  /** A change of ours was refused: by the server, or `here`, before it left (see refuseLater). */
  private onReject(seq: number, error: DistSpaceError, here = false): void {
    if (this.rebaseInFlight?.seq === seq) {
      this.fateKnown();
      return;
    }
    const inflight = this.sync.inflight;
    if (inflight?.seq !== seq) return;
    if (error.code === 'LIMIT_EXCEEDED' && this.grewPastLimit(inflight.change)) {
      // Remote changes grew it while it was in flight (a delete cut by inserts made inside it)
      // and it was sent again after a reconnect. The server looks for a duplicate before it
      // counts ops, so this refusal means it was never sequenced: send it again in parts.
      this.sync.unsend();
      this.flush();
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
        setTimeout(() => this.resend(), 200);
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
        this.undoHistory.transform(undo);
        this.peers.transform(undo, this.sync.local);
        this.emitTree(undo, before, true);
        this.emit('change', { change: undo, local: true, author: this.link.subject });
        this.emit('rejected', { error, change: refused });
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
    this.undoHistory.transform(applied.change);
    this.peers.transform(applied.change, this.sync.local);
    this.emitTree(applied.change, applied.before, false);
    this.emit('change', {
      change: applied.change,
      local: false,
      author: message.author,
      revision: message.revision,
    });
    if (applied.notes.length > 0) this.emit('altered', { notes: applied.notes });
    this.save();
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
    this.peers.set(peer);
    this.emit('presence', { sessionId: peer.sessionId, peer });
  }

  /** Why the session's scopes forbid `change` on the local state, whole or in parts, if they do. */
  private deniedHere(change: WorkspaceChange): DistSpaceError | undefined {
    const caps = this.link.capabilities;
    return (
      deniedByScopes(caps, this.state, change) ??
      deniedInParts(caps, this.state, change, this.link.maxTextPerChange)
    );
  }

  /** Sends the next change if none is in flight. */
  private flush(): void {
    if (!this.link.connected || this.holding) return;
    let maxOps = this.link.maxOpsPerChange;
    for (;;) {
      const next = this.sync.takeNext(this.nextSeq, maxOps, this.link.maxTextPerChange);
      if (!next) return;
      // What the scopes forbid is refused here, never sent: a rebase or the rollback of a
      // refused change can make such ops (a rollback transformed past a buffered directory delete
      // moves others' new files out of it), and sending them would only earn a Reject whose
      // rollback can make more of them.
      const denied = deniedByScopes(this.link.capabilities, this.sync.confirmed, next.change);
      if (denied) {
        this.nextSeq++;
        this.refuseLater(next.seq, denied);
        return;
      }
      const refused = this.link.submit(this.submitMessage(next.seq, next.change));
      const weight = countChangeOps(next.change);
      if (refused && weight > 1) {
        // Within the limits and still too large for one frame (many ops with long names): this
        // seq never left, so its ops can go out in halves instead.
        this.sync.unsend();
        maxOps = Math.floor(weight / 2);
        continue;
      }
      // One op too large: a directory delete whose listing fills a frame goes out as its
      // children's deletes first (in halves, if need be), then the empty directory's.
      if (refused && this.sync.unsendExpanded(deleteChildrenFirst)) continue;
      this.nextSeq++;
      if (refused) this.refuseLater(next.seq, refused);
      return;
    }
  }

  /**
   * Answers a change that never left as the server would have: refused. In a later task, not a
   * microtask, since this may run inside an open, before its caller has the handle and has had a
   * chance to listen for the `rejected` event. A handle closed meanwhile keeps the change in its
   * saved state, as in flight: the next open sends it, and the server answers.
   */
  private refuseLater(seq: number, error: DistSpaceError): void {
    this.refusedHere = seq;
    setTimeout(() => {
      if (this.refusedHere === seq) this.refusedHere = undefined;
      if (!this.closed) this.onReject(seq, error, true);
    }, 0);
  }

  /** Whether `change` weighs more than the server takes in one change, and can be cut. */
  private grewPastLimit(change: WorkspaceChange): boolean {
    const weight = countChangeOps(change);
    return weight > 1 && weight > this.link.maxOpsPerChange;
  }

  /** Sends the in-flight change again (same seq) after a reconnect, then anything buffered. */
  private resend(): void {
    const inflight = this.sync.inflight;
    if (inflight) this.submit(inflight.seq, inflight.change);
    else this.flush();
  }

  /** Sends a change again (same seq): after a reconnect, or to learn its fate before a rebase. */
  private submit(seq: number, change: WorkspaceChange): void {
    // Refused here and never sent: its answer, a refusal, is already on its way (refuseLater).
    if (seq === this.refusedHere) return;
    const refused = this.link.submit(this.submitMessage(seq, change));
    // Too large for one frame now (transforms grew it): it cannot leave, and waiting for its
    // answer would wait for ever; refuse it here as the server would.
    if (refused) this.refuseLater(seq, refused);
  }

  private submitMessage(seq: number, change: WorkspaceChange): MessageOf<'Submit'> {
    return {
      type: 'Submit',
      workspace: this.id,
      baseRevision: this.sync.revision,
      clientId: this.link.clientId,
      seq,
      change,
    };
  }

  private requestSnapshot(): void {
    const inflight = this.sync.inflight;
    if (inflight && !this.rebaseInFlight) {
      // Before rebasing, learn whether the server sequenced our change: resend it as it was.
      // Its answer comes after the original's (the server puts a resend in line behind it), so
      // the snapshot asked for then tells its fate by its lastSeq.
      this.rebaseInFlight = { seq: inflight.seq, answered: false };
      this.submit(inflight.seq, inflight.change);
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
    this.emit('outOfStep', {
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
   * Numbers the next new change above `lastSeq`, the highest seq the server has from this client
   * id here: a handle without saved state starts from nothing, and a seq the server has seen
   * would be answered as a duplicate and never applied.
   */
  private continueAfter(lastSeq: number | undefined): void {
    if (lastSeq !== undefined && lastSeq >= this.nextSeq) this.nextSeq = lastSeq + 1;
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
    this.undoHistory.clear();
    this.peers.clear();
    this.emit('change', { change: [], local: false, author: '', revision });
    this.emit('rebased', { revision, dropped: result.dropped });
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
    this.flush();
    this.save();
    if (this.settled) {
      for (const resolve of this.syncedWaiters.splice(0)) resolve();
      this.emit('synced');
    }
  }

  /** Tree events for a change applied to `before`, op by op, with the paths of each step. */
  private emitTree(change: WorkspaceChange, before: Workspace, local: boolean): void {
    let current = before;
    for (const op of change) {
      if (op.type === 'edit') continue;
      const next = applyWorkspaceChange(current, [op]);
      if (!next.ok) return; // cannot happen for a change that applied as a whole
      const after = next.value;
      if (op.type === 'createFile' || op.type === 'createDir') {
        const path = after.pathOf(op.id);
        const kind = op.type === 'createFile' ? 'file' : 'dir';
        if (path !== undefined) this.emit('created', { id: op.id, path, kind, local });
      } else if (op.type === 'delete') {
        const path = current.pathOf(op.id);
        if (path !== undefined) this.emit('deleted', { id: op.id, path, local });
      } else {
        const from = current.pathOf(op.id);
        const to = after.pathOf(op.id);
        if (from !== undefined && to !== undefined)
          this.emit('renamed', { id: op.id, from, to, local });
      }
      current = after;
    }
  }

  /** Schedules saving the state (see {@link PendingSaver}: at most once per save delay). */
  private save(): void {
    this.saver.changed();
  }

  /** @internal Saves the newest state now; resolves once it is written. */
  saved(): Promise<void> {
    return this.saver.flush();
  }
}

export type { Off };
