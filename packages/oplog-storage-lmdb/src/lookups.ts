import { checkWorkspaceName, workspaceNotFound } from '@dist-space/oplog-storage';
import { type LmdbDatabases, TOP } from './databases.js';
import { DecodedCache } from './decoded-cache.js';
import { decodeNumber, decodeWorkspace, LmdbRecordKind, type WorkspaceRecord } from './records.js';

/**
 * The key lookups a store makes inside a read or write transaction: a workspace's record, the
 * last revision of its log, the dedupe index, clients' highest seqs and the newest snapshot at
 * or before a revision. They read through the decoded-record caches of one store, so each store
 * has its own.
 */
export class LmdbLookups {
  readonly #db: LmdbDatabases;
  /** Workspace records by name: every append reads the record, and it rarely changes. */
  readonly #workspaceRecords = new DecodedCache<WorkspaceRecord>();
  /** Highest seqs by `${id}\0${clientId}`: every append reads and rewrites its client's. */
  readonly #clientSeqs = new DecodedCache<number>();

  /** Looks keys up in `databases`. */
  constructor(databases: LmdbDatabases) {
    this.#db = databases;
  }

  /** The record of `workspace`; `WORKSPACE_NOT_FOUND` when the store holds none. */
  workspace(workspace: string): WorkspaceRecord {
    checkWorkspaceName(workspace);
    const bytes = this.#db.workspaces.getBinary(workspace);
    if (bytes === undefined) throw workspaceNotFound(workspace);
    return this.#workspaceRecords.get(workspace, bytes, (b) => decodeWorkspace(b, workspace));
  }

  /**
   * The last revision of the log, for a batch that starts at `next`. The log of a workspace is
   * contiguous from its first revision, so when `next` is free and `next - 1` is taken (or
   * `next` is the first revision) the answer is `next - 1`: two point lookups instead of a
   * cursor. Otherwise (another writer came first, or a gap) the cursor finds it, for the error.
   */
  lastRevisionBefore(ws: WorkspaceRecord, next: number): number {
    const log = this.#db.log;
    if (
      next >= ws.firstRevision &&
      !log.doesExist([ws.id, next]) &&
      (next === ws.firstRevision || log.doesExist([ws.id, next - 1]))
    ) {
      return next - 1;
    }
    return this.lastRevision(ws);
  }

  /** The last revision of the workspace's log (one before its first when the log is empty). */
  lastRevision(ws: WorkspaceRecord): number {
    for (const key of this.#db.log.getKeys({
      start: [ws.id, TOP],
      end: [ws.id, 0],
      reverse: true,
      limit: 1,
    })) {
      return key[1];
    }
    return ws.firstRevision - 1;
  }

  /** The revision the dedupe index files `clientId`'s `seq` under, if the log holds it. */
  revisionOfSeq(workspace: string, id: number, clientId: string, seq: number): number | undefined {
    const bytes = this.#db.dedupe.getBinary([id, clientId, seq]);
    if (bytes === undefined) return undefined;
    return decodeNumber(
      bytes,
      LmdbRecordKind.Dedupe,
      { workspace, record: `dedupe entry of ${clientId}/${seq}` },
      [clientId, seq],
    );
  }

  /** The highest seq stored for `clientId` in the workspace with id `id`. */
  highestSeq(workspace: string, id: number, clientId: string): number | undefined {
    const bytes = this.#db.clients.getBinary([id, clientId]);
    if (bytes === undefined) return undefined;
    return this.#clientSeqs.get(`${id}\u0000${clientId}`, bytes, (b) =>
      decodeNumber(
        b,
        LmdbRecordKind.ClientSeq,
        { workspace, record: `highest seq of ${clientId}` },
        clientId,
      ),
    );
  }

  /**
   * Remembers that `record`, just written as `clientId`'s highest seq, holds `seq`, so that the
   * next append's read of it skips decoding.
   */
  rememberHighestSeq(id: number, clientId: string, record: Buffer, seq: number): void {
    this.#clientSeqs.remember(`${id}\u0000${clientId}`, record, seq);
  }

  /** The revision of the newest snapshot of workspace `id` at or before `rev`, if any. */
  snapshotAtOrBefore(id: number, rev: number): number | undefined {
    for (const key of this.#db.snapshots.getKeys({
      start: [id, rev],
      end: [id, -1],
      reverse: true,
      limit: 1,
    })) {
      return key[1];
    }
    return undefined;
  }
}
