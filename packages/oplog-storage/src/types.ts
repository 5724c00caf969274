/**
 * One sequenced change as a store keeps it. The store does not interpret `change`: it is the
 * wire form of a workspace change, owned by whoever sequences changes (the server).
 */
export interface StoredChange {
  /** The workspace revision this change produced: 1 for the first change (0 is the empty workspace). */
  readonly rev: number;
  /** The client that submitted the change; with `seq` it identifies a submission for deduplication. */
  readonly clientId: string;
  /** The client's sequence number for this submission (a whole number >= 0). */
  readonly seq: number;
  /** Who made the change, for history (a user or agent id). */
  readonly author: string;
  /** When the change was sequenced, in milliseconds since the Unix epoch. */
  readonly time: number;
  /** The change itself: plain data that msgpack can encode (no functions, classes or cycles). */
  readonly change: unknown;
}

/** The whole state of a workspace at one revision, as a store keeps it. */
export interface StoredSnapshot {
  /** The revision the state is at (0 is the empty workspace). */
  readonly rev: number;
  /** When the snapshot was taken, in milliseconds since the Unix epoch. */
  readonly time: number;
  /** The wire form of the workspace at `rev`: plain data that msgpack can encode. */
  readonly state: unknown;
}

/**
 * Where a workspace's history lives: its sequenced changes in revision order, and snapshots that
 * make loading fast. Every method is asynchronous and fails only with a `DistSpaceError` whose
 * `code` says why (see docs/errors.md); an adapter passes the conformance suite in
 * `@dist-space/oplog-storage/testing`.
 *
 * Values go in and come out as copies: a store never hands back an object it was given, nor one
 * it handed out before.
 */
export interface OpLogStore {
  /**
   * Creates an empty workspace at revision 0. Fails with `WORKSPACE_EXISTS` if the name is taken
   * and `INVALID_WORKSPACE_NAME` if it is empty, longer than 256 characters, or holds control
   * characters.
   */
  createWorkspace(workspace: string): Promise<void>;

  /** Deletes a workspace with all its changes and snapshots. Fails with `WORKSPACE_NOT_FOUND`. */
  deleteWorkspace(workspace: string): Promise<void>;

  /** The names of all workspaces, sorted by UTF-16 code units. */
  listWorkspaces(): Promise<string[]>;

  /** True when the store holds a workspace of that name. */
  hasWorkspace(workspace: string): Promise<boolean>;

  /**
   * Appends changes at consecutive revisions, atomically: the whole batch is committed or none
   * of it. The first change must be at `lastRevision + 1`. Resolves only once the batch is
   * durable (for a persistent store: on disk), so an acknowledgement may follow it.
   *
   * Fails with `REVISION_EXISTS` when a revision is already taken (another writer appended
   * first), `REVISION_GAP` when the batch starts past the next revision or skips one,
   * `DUPLICATE_CHANGE` when a `(clientId, seq)` pair is already in the log or twice in the batch,
   * and `INVALID_RECORD` for a change of the wrong shape. An empty batch does nothing.
   */
  append(workspace: string, changes: readonly StoredChange[]): Promise<void>;

  /**
   * The changes from `fromRev` to `toRev` (both inclusive; `toRev` defaults to the last
   * revision when iteration starts), in revision order. A range past the end of the log stops at
   * its end. Iteration fails with `REVISION_TRUNCATED` if `fromRev` is below
   * {@link OpLogStore.firstRevision}, `INVALID_RANGE` if a bound is not a whole number >= 1, and
   * `STORE_CORRUPT` if a record is damaged, rather than yielding anything wrong.
   */
  read(workspace: string, fromRev: number, toRev?: number): AsyncIterable<StoredChange>;

  /** The revision of the newest change (0 for an empty workspace); truncation does not lower it. */
  lastRevision(workspace: string): Promise<number>;

  /**
   * The revision of the oldest change the log still holds: 1 until the log is truncated, and
   * `lastRevision + 1` when truncation left no change.
   */
  firstRevision(workspace: string): Promise<number>;

  /** The change a client submitted with this sequence number, if the log still holds it. */
  findBySeq(workspace: string, clientId: string, seq: number): Promise<StoredChange | undefined>;

  /**
   * The highest sequence number of any change from this client, or `undefined` if it has none.
   * It survives truncation, so a resubmission of a change that was truncated away is still
   * recognised as a duplicate.
   */
  highestSeq(workspace: string, clientId: string): Promise<number | undefined>;

  /**
   * Saves the state at `snapshot.rev`, replacing any snapshot at the same revision. Resolves once
   * durable. Fails with `REVISION_NOT_FOUND` if the log has not reached that revision.
   */
  saveSnapshot(workspace: string, snapshot: StoredSnapshot): Promise<void>;

  /**
   * The newest snapshot at or before `atOrBeforeRev` (default: the newest of all), or
   * `undefined` if there is none.
   */
  loadSnapshot(workspace: string, atOrBeforeRev?: number): Promise<StoredSnapshot | undefined>;

  /** The revisions of the workspace's snapshots, ascending. */
  listSnapshots(workspace: string): Promise<number[]>;

  /**
   * The bytes of the workspace's change and snapshot records as the store holds them (without
   * the store's own overhead: indexes, free pages), for operators' statistics. Optional: a store
   * that cannot tell leaves it out. Fails with `WORKSPACE_NOT_FOUND` like the other reads.
   */
  storedBytes?(workspace: string): Promise<number>;

  /**
   * Drops the changes below `belowRev`, and the snapshots below `belowRev - 1` (history the
   * log no longer reaches). Refuses with `SNAPSHOT_REQUIRED` unless a snapshot at
   * `belowRev - 1` or later exists, so the current state can always be rebuilt, and with
   * `REVISION_NOT_FOUND` if `belowRev` is past `lastRevision + 1`. Dropping below a revision
   * already dropped does nothing.
   */
  truncate(workspace: string, belowRev: number): Promise<void>;

  /** Resolves once every write started before the call is durable. */
  flush(): Promise<void>;

  /**
   * Waits for writes in progress, then releases the store's resources. Every later call fails
   * with `STORE_CLOSED`; closing twice is harmless.
   */
  close(): Promise<void>;
}
