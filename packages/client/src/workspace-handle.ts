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
import type { MessageOf } from '@dist-space/protocol';
import {
  ChangeBuilder,
  invertWorkspaceChange,
  type PathLimits,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { Emitter, type Off } from './emitter.js';
import { deniedByScopes, deniedInParts, fileTooLarge } from './local-checks.js';
import { DEFAULT_SAVE_DELAY_MS, PendingSaver } from './pending-saver.js';
import { persist, type RestoredState } from './persisted-state.js';
import { mapFiles, type PeerPresence, PeerTable } from './presence.js';
import type { PendingStore, PersistedWorkspace } from './storage.js';
import { SyncState } from './sync-state.js';
import { UndoHistory, type UndoOptions } from './undo.js';
import type { WorkspaceEvents } from './workspace-events.js';
import { WorkspaceSync } from './workspace-sync.js';

/** The steps of one atomic change, by path, as {@link WorkspaceHandle.change} offers them. */
export type ChangeSteps = Pick<
  ChangeBuilder,
  'createFile' | 'createDir' | 'move' | 'rename' | 'delete' | 'edit' | 'workspace'
>;

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
  private readonly idPrefix: string;
  private nextNodeId = 1;
  private readonly saver: PendingSaver;
  private readonly workspaceSync: WorkspaceSync;
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
      this.nextNodeId = start.saved.nextNodeId;
    } else {
      this.sync = new SyncState(start.state, start.revision);
      this.idPrefix = randomPrefix();
    }
    const handle = this;
    this.workspaceSync = new WorkspaceSync(
      id,
      link,
      this.sync,
      {
        get closed() {
          return handle.closed;
        },
        undoHistory: this.undoHistory,
        peers: this.peers,
        emit: this.emit.bind(this),
        save: () => this.saver.changed(),
      },
      'saved' in start ? start.saved.nextSeq : 1,
      'saved' in start ? undefined : start.lastSeq,
    );
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
    this.workspaceSync.applyLocal(change, 'edit', builder.workspace);
    return ok(undefined);
  }

  /**
   * Undoes this client's newest change (not others'); false when there is nothing to undo, once
   * the handle is closed, or when the session's scopes forbid the undo (undoing a create deletes,
   * which a session may not be allowed): that step is then dropped, nothing is applied, and a
   * `rejected` event says why.
   */
  undo(): boolean {
    // A closed handle's state is no longer saved or sent: its store may belong to the next client.
    if (this.closed) return false;
    const change = this.undoHistory.takeUndo();
    return change !== undefined && this.applyStep(change, 'undo');
  }

  /**
   * Redoes the newest undone change; false when there is nothing to redo, or, as for undo, once
   * the handle is closed or when the scopes forbid it.
   */
  redo(): boolean {
    if (this.closed) return false;
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
    this.workspaceSync.applyLocal(change, kind);
    return true;
  }

  /** True when {@link WorkspaceHandle.undo} would do something. */
  get canUndo(): boolean {
    return !this.closed && this.undoHistory.canUndo;
  }

  /** True when {@link WorkspaceHandle.redo} would do something. */
  get canRedo(): boolean {
    return !this.closed && this.undoHistory.canRedo;
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
    return this.workspaceSync.whenSynced();
  }

  /**
   * Writes what waits to be saved to the client's `storage` now, instead of up to `saveDelayMs`
   * later, and resolves once that and every earlier save are written: from then on a reload or a
   * crash loses nothing made so far, so a page may let its tab close or show "saved offline".
   * Without a `storage` option the client keeps its state in a `MemoryPendingStore`, and this
   * resolves once it is copied there: it then outlives reconnects, not the process. Rejects with
   * the store's error when the newest write failed (the `storeFailed` event reports it too, and
   * the next change tries again). After {@link WorkspaceHandle.close}, which saves what was
   * waiting, it writes nothing more and resolves once the handle's last save is written.
   */
  whenSaved(): Promise<void> {
    return this.saver.flush();
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
    return this.workspaceSync.awaits(requestId);
  }

  /** @internal Handles a message for this workspace. */
  receive(message: HandleMessage): void {
    this.workspaceSync.receive(message);
  }

  /** @internal After a reconnect: ask for what was missed since our revision. */
  resume(): void {
    this.workspaceSync.resume();
  }

  /** @internal The state to persist. */
  persisted(): PersistedWorkspace {
    return persist(
      this.link.clientId,
      this.idPrefix,
      this.workspaceSync.sender.nextSeq,
      this.nextNodeId,
      this.sync,
    );
  }

  /** Why the session's scopes forbid `change` on the local state, whole or in parts, if they do. */
  private deniedHere(change: WorkspaceChange): DistSpaceError | undefined {
    const caps = this.link.capabilities;
    return (
      deniedByScopes(caps, this.state, change) ??
      deniedInParts(caps, this.state, change, this.link.maxTextPerChange)
    );
  }
}

export type { Off };
