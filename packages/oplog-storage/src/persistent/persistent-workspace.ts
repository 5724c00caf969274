import { DistSpaceError } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  parseWorkspace,
  Workspace,
  type WorkspaceChange,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { storeCorrupt } from '../errors.js';
import type { OpLogStore, StoredChange } from '../types.js';
import { checkRevision } from '../validate.js';
import {
  doesNotApply,
  entryFromStored,
  type HistoryEntry,
  pastTheEnd,
  RecentWindow,
} from './history-entry.js';
import {
  approximateSize,
  type PersistentWorkspaceOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';

/** A change to sequence: what it does and who sent it. */
export interface ChangeToAppend {
  /** The change, already transformed to apply to the current revision. */
  readonly change: WorkspaceChange;
  /** The submitting client; with `seq` the key that deduplicates resubmissions. */
  readonly clientId: string;
  /** The client's sequence number for this change. */
  readonly seq: number;
  /** Who made the change, for history. */
  readonly author: string;
}

/**
 * A workspace kept in an {@link OpLogStore}: the current state in memory, every change in the
 * log, snapshots taken in the background, a window of recent changes for catch-up, and history
 * (the workspace or a file at any retained revision, the changes between two revisions).
 *
 * `append` applies changes at once (so the next change can be checked against them) and
 * resolves once the store has made them durable; calls may overlap, and the store commits
 * overlapping appends together. If the store fails an append, the in-memory state is ahead of
 * the log: the instance refuses every later call with that error, and the workspace must be
 * loaded again.
 */
export class PersistentWorkspace {
  readonly #store: OpLogStore;
  readonly #name: string;
  readonly #options: ResolvedOptions;
  readonly #window: RecentWindow;
  #state: Workspace;
  #revision: number;
  #durableRevision: number;
  #snapshotRevision: number;
  /** Approximate wire bytes appended since load, and their count at the last snapshot. */
  #appendedBytes = 0;
  #snapshotBytesMark = 0;
  #snapshotting: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  #failure: DistSpaceError | undefined;

  private constructor(
    store: OpLogStore,
    name: string,
    state: Workspace,
    revision: number,
    snapshotRevision: number,
    options: ResolvedOptions,
    window: RecentWindow,
  ) {
    this.#store = store;
    this.#name = name;
    this.#state = state;
    this.#revision = revision;
    this.#durableRevision = revision;
    this.#snapshotRevision = snapshotRevision;
    this.#options = options;
    this.#window = window;
  }

  /** Creates the workspace in `store` (empty, revision 0) and returns it. */
  static async create(
    store: OpLogStore,
    name: string,
    options: PersistentWorkspaceOptions = {},
  ): Promise<PersistentWorkspace> {
    await store.createWorkspace(name);
    return PersistentWorkspace.load(store, name, options);
  }

  /**
   * Loads a workspace: its newest snapshot, then the changes after it replayed. Fails with
   * `WORKSPACE_NOT_FOUND`, or `STORE_CORRUPT` if a snapshot or change cannot be read or no
   * longer applies.
   */
  static async load(
    store: OpLogStore,
    name: string,
    options: PersistentWorkspaceOptions = {},
  ): Promise<PersistentWorkspace> {
    const resolved = resolveOptions(options);
    const window = new RecentWindow(resolved.recentWindow);
    const snapshot = await store.loadSnapshot(name);
    let state = Workspace.empty;
    if (snapshot !== undefined) state = parseSnapshot(name, snapshot.rev, snapshot.state);
    let revision = snapshot?.rev ?? 0;
    for await (const stored of store.read(name, revision + 1)) {
      const entry = entryFromStored(name, stored);
      state = applyOrCorrupt(name, state, entry);
      revision = entry.rev;
      window.push([entry]);
    }
    return new PersistentWorkspace(
      store,
      name,
      state,
      revision,
      snapshot?.rev ?? 0,
      resolved,
      window,
    );
  }

  /** The workspace's name in the store. */
  get name(): string {
    return this.#name;
  }

  /** The state after every change appended so far (some may not be durable yet). */
  get workspace(): Workspace {
    return this.#state;
  }

  /** The revision of {@link PersistentWorkspace.workspace}. */
  get revision(): number {
    return this.#revision;
  }

  /** The newest revision the store has made durable: what may be acknowledged and served. */
  get durableRevision(): number {
    return this.#durableRevision;
  }

  /** The revision of the newest snapshot this instance knows of (0 when there is none). */
  get snapshotRevision(): number {
    return this.#snapshotRevision;
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * Applies changes at the next revisions and appends them to the log. Resolves with their
   * history entries once they are durable. Fails, with nothing applied, with the error of the
   * first change that does not apply (its `details.index` is the op's, `details.change` the
   * change's index); and with the store's error if the commit fails (see the class comment).
   */
  async append(changes: readonly ChangeToAppend[]): Promise<HistoryEntry[]> {
    this.#check();
    let state = this.#state;
    for (const [i, { change }] of changes.entries()) {
      const applied = applyWorkspaceChange(state, change);
      if (!applied.ok) {
        const { code, message, details } = applied.error;
        throw new DistSpaceError(code, message, { ...details, change: i });
      }
      state = applied.value;
    }
    return this.#appendApplied(changes, state);
  }

  /**
   * Appends changes the caller has already applied: `stateAfter` is
   * {@link PersistentWorkspace.workspace} with `changes` applied in order, as the caller
   * computed it (a sequencer applies every change to check it, and applying it again here
   * would double the cost of a keystroke). Nothing is checked against the state; a wrong
   * `stateAfter` becomes the state served and snapshotted, so callers that hold only the
   * changes use {@link PersistentWorkspace.append}. Resolves and fails as `append` does.
   */
  async appendApplied(
    changes: readonly ChangeToAppend[],
    stateAfter: Workspace,
  ): Promise<HistoryEntry[]> {
    this.#check();
    return this.#appendApplied(changes, stateAfter);
  }

  async #appendApplied(
    changes: readonly ChangeToAppend[],
    state: Workspace,
  ): Promise<HistoryEntry[]> {
    // Everything up to the store call runs synchronously, so overlapping calls apply and reach
    // the store in call order.
    if (changes.length === 0) return [];
    const time = this.#options.clock();
    const entries: HistoryEntry[] = [];
    const stored: StoredChange[] = [];
    for (const [i, { change, clientId, seq, author }] of changes.entries()) {
      const rev = this.#revision + i + 1;
      entries.push({ rev, change, author, time, clientId, seq });
      const wire = workspaceChangeToWire(change);
      this.#appendedBytes += approximateSize(wire);
      stored.push({ rev, clientId, seq, author, time, change: wire });
    }
    this.#state = state;
    this.#revision += entries.length;
    this.#window.push(entries);
    const last = this.#revision;
    const bytesMark = this.#appendedBytes;
    const commit = this.#store.append(this.#name, stored);
    this.#inFlight.add(commit);
    try {
      await commit;
    } catch (e) {
      this.#failure ??= e as DistSpaceError;
      this.#window.dropAfter(this.#durableRevision);
      throw e;
    } finally {
      this.#inFlight.delete(commit);
    }
    this.#durableRevision = Math.max(this.#durableRevision, last);
    this.#maybeSnapshot(last, state, bytesMark);
    return entries;
  }

  #maybeSnapshot(rev: number, state: Workspace, bytesMark: number): void {
    const { snapshotEveryRevisions, snapshotEveryBytes } = this.#options;
    if (this.#snapshotting !== undefined || this.#failure !== undefined) return;
    if (
      rev - this.#snapshotRevision < snapshotEveryRevisions &&
      bytesMark - this.#snapshotBytesMark < snapshotEveryBytes
    ) {
      return;
    }
    this.#snapshotting = this.#snapshot(rev, state, bytesMark)
      .catch((e: unknown) => this.#options.onBackgroundError(e as DistSpaceError))
      .finally(() => {
        this.#snapshotting = undefined;
      });
  }

  async #snapshot(rev: number, state: Workspace, bytesMark: number): Promise<void> {
    // A macrotask later, so that serialising the (immutable) state never delays the append
    // that crossed the threshold, nor the appends queued behind it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.#store.saveSnapshot(this.#name, {
      rev,
      time: this.#options.clock(),
      state: workspaceToWire(state),
    });
    this.#snapshotRevision = rev;
    this.#snapshotBytesMark = bytesMark;
    const retain = this.#options.retainRevisions;
    if (retain === undefined) return;
    // Cut just above the newest snapshot that still leaves `retain` revisions in the log, so
    // that every revision from that snapshot on can be rebuilt, and clients that far behind
    // can still catch up by changes.
    const cutAt = (await this.#store.listSnapshots(this.#name))
      .filter((snapshot) => snapshot <= this.#durableRevision - retain)
      .at(-1);
    if (cutAt !== undefined && cutAt + 1 > (await this.#store.firstRevision(this.#name))) {
      await this.#store.truncate(this.#name, cutAt + 1);
    }
  }

  /** Resolves when the snapshot (and truncation) running in the background, if any, is done. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    await this.#snapshotting;
  }

  /**
   * The changes after `fromRev` up to `toRev` (default: the durable revision), with their
   * authors, oldest first. Served from memory when the recent window holds them. Fails with
   * `REVISION_TRUNCATED` when the log no longer reaches back to `fromRev + 1`, and
   * `REVISION_NOT_FOUND` past the durable revision.
   */
  async changesBetween(fromRev: number, toRev = this.#durableRevision): Promise<HistoryEntry[]> {
    this.#check();
    checkRevision('fromRev', fromRev, 0);
    checkRevision('toRev', toRev, 0);
    if (toRev > this.#durableRevision) throw pastTheEnd(this.#name, toRev, this.#durableRevision);
    if (fromRev >= toRev) return [];
    const cached = this.#window.range(fromRev + 1, toRev);
    if (cached !== undefined) return cached;
    const entries: HistoryEntry[] = [];
    for await (const stored of this.#store.read(this.#name, fromRev + 1, toRev)) {
      entries.push(entryFromStored(this.#name, stored));
    }
    return entries;
  }

  /**
   * The workspace as it was at revision `rev`: the newest snapshot at or before it with the
   * changes up to `rev` replayed. Fails with `REVISION_TRUNCATED` when neither a snapshot nor
   * the log reaches that far back.
   */
  async stateAt(rev: number): Promise<Workspace> {
    this.#check();
    checkRevision('rev', rev, 0);
    if (rev > this.#durableRevision) throw pastTheEnd(this.#name, rev, this.#durableRevision);
    if (rev === this.#revision) return this.#state;
    const snapshot = await this.#store.loadSnapshot(this.#name, rev);
    let state =
      snapshot === undefined
        ? Workspace.empty
        : parseSnapshot(this.#name, snapshot.rev, snapshot.state);
    for (const entry of await this.changesBetween(snapshot?.rev ?? 0, rev)) {
      state = applyOrCorrupt(this.#name, state, entry);
    }
    return state;
  }

  /**
   * The text of the file at `path` as it was at revision `rev`. Fails as
   * {@link PersistentWorkspace.stateAt} does, and with `NOT_FOUND` or `NOT_A_FILE` when there
   * was no file at that path then.
   */
  async fileAt(rev: number, path: string): Promise<string> {
    const text = (await this.stateAt(rev)).read(path);
    if (!text.ok) throw text.error;
    return text.value;
  }

  /** Waits for appends and the background snapshot in progress. The store stays open. */
  async close(): Promise<void> {
    await this.settled();
  }
}

function parseSnapshot(workspace: string, rev: number, state: unknown): Workspace {
  const parsed = parseWorkspace(state);
  if (!parsed.ok) {
    throw storeCorrupt(
      { workspace, rev, record: 'snapshot' },
      `is not a valid workspace (${parsed.error.message})`,
    );
  }
  return parsed.value;
}

function applyOrCorrupt(workspace: string, state: Workspace, entry: HistoryEntry): Workspace {
  const applied = applyWorkspaceChange(state, entry.change);
  if (!applied.ok) throw doesNotApply(workspace, entry.rev, applied.error);
  return applied.value;
}
