import {
  checkBatchAgainstLog,
  checkReadStart,
  checkRevision,
  checkSnapshotRevision,
  checkTruncation,
  checkWorkspaceName,
  compareCodeUnits,
  decodeChange,
  decodeSnapshot,
  encodeBatch,
  encodeSnapshotChecked,
  type OpLogStore,
  type StoredChange,
  type StoredSnapshot,
  storeCorrupt,
} from '@dist-space/oplog-storage';
import { DistSpaceError } from '@dist-space/ot-core';
import type { Database, Key, RootDatabase } from 'lmdb';
import { type LmdbDatabases, TOP } from './databases.js';
import { readLogChunk } from './log-chunks.js';
import { LmdbLookups } from './lookups.js';
import {
  decodeNumber,
  decodeWorkspace,
  encodeNumber,
  encodeWorkspace,
  LmdbRecordKind,
} from './records.js';
import { LmdbTransactions } from './transactions.js';

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The embedded {@link OpLogStore} on LMDB: one environment (a directory holding `data.mdb` and
 * `lock.mdb`) with named databases for the log, snapshots, the dedupe index, per-client seqs,
 * workspaces and the format version. Open it with `openLmdbOpLogStore`.
 *
 * Every write is an LMDB child transaction inside lmdb-js's batch of the current event-loop
 * turn: concurrent appends share one commit and one `fdatasync` (group commit), and each is
 * atomic on its own. An append resolves only after that commit is synced to disk.
 */
export class LmdbOpLogStore implements OpLogStore {
  /** The data directory. */
  readonly path: string;
  readonly #transactions: LmdbTransactions;
  readonly #db: LmdbDatabases;
  readonly #lookups: LmdbLookups;

  /** @internal Use `openLmdbOpLogStore`, which checks the directory and the format first. */
  constructor(path: string, root: RootDatabase, databases: LmdbDatabases) {
    this.path = path;
    this.#transactions = new LmdbTransactions(path, root);
    this.#db = databases;
    this.#lookups = new LmdbLookups(databases);
  }

  async createWorkspace(workspace: string): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#transactions.write('createWorkspace', workspace, () => {
      if (this.#db.workspaces.getBinary(workspace) !== undefined) {
        throw new DistSpaceError(
          'WORKSPACE_EXISTS',
          `The store already holds a workspace named "${workspace}". Pick another name, or delete it first.`,
          { workspace },
        );
      }
      const counter = this.#db.meta.getBinary('next-id');
      const id =
        counter === undefined
          ? 1
          : decodeNumber(counter, LmdbRecordKind.NextId, { record: 'workspace id counter' });
      this.#db.meta.putSync('next-id', Buffer.from(encodeNumber(LmdbRecordKind.NextId, id + 1)));
      this.#db.workspaces.putSync(
        workspace,
        Buffer.from(encodeWorkspace(workspace, { id, firstRevision: 1 })),
      );
    });
  }

  async deleteWorkspace(workspace: string): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#transactions.write('deleteWorkspace', workspace, () => {
      const { id } = this.#lookups.workspace(workspace);
      this.#db.workspaces.removeSync(workspace);
      for (const db of [
        this.#db.log,
        this.#db.snapshots,
        this.#db.dedupe,
        this.#db.clients,
      ] as unknown as Database<Buffer, Key[]>[]) {
        // Keys of the workspace sort between [id] and [id + 1]; collected first, as removing
        // under a live cursor is not something to rely on.
        const keys = [...db.getKeys({ start: [id], end: [id + 1] })];
        for (const key of keys) db.removeSync(key);
      }
    });
  }

  async listWorkspaces(): Promise<string[]> {
    return this.#transactions.read('listWorkspaces', undefined, () => {
      const names: string[] = [];
      for (const { key, value } of this.#db.workspaces.getRange({})) {
        decodeWorkspace(value, key);
        names.push(key);
      }
      return names.sort(compareCodeUnits);
    });
  }

  async hasWorkspace(workspace: string): Promise<boolean> {
    return this.#transactions.read('hasWorkspace', workspace, () => {
      checkWorkspaceName(workspace);
      const bytes = this.#db.workspaces.getBinary(workspace);
      if (bytes !== undefined) decodeWorkspace(bytes, workspace);
      return bytes !== undefined;
    });
  }

  async append(workspace: string, changes: readonly StoredChange[]): Promise<void> {
    this.#transactions.checkOpen();
    checkWorkspaceName(workspace);
    // Encoding (msgpack, checksums) happens here, outside the write lock.
    const records = encodeBatch(workspace, changes).map(asBuffer);
    if (changes.length === 0) {
      this.#transactions.read('append', workspace, () => this.#lookups.workspace(workspace));
      return;
    }
    const dedupes = changes.map((change) =>
      asBuffer(encodeNumber(LmdbRecordKind.Dedupe, change.rev, [change.clientId, change.seq])),
    );
    // Each client's highest seq in the batch: the only seq of it that may replace the stored one.
    const highest = new Map<string, { readonly seq: number; readonly record: Buffer }>();
    for (const { clientId, seq } of changes) {
      if (seq <= (highest.get(clientId)?.seq ?? -1)) continue;
      highest.set(clientId, {
        seq,
        record: asBuffer(encodeNumber(LmdbRecordKind.ClientSeq, seq, clientId)),
      });
    }
    await this.#transactions.write('append', workspace, () => {
      const ws = this.#lookups.workspace(workspace);
      checkBatchAgainstLog(
        workspace,
        this.#lookups.lastRevisionBefore(ws, changes[0]!.rev),
        changes,
        (clientId, seq) => this.#lookups.revisionOfSeq(workspace, ws.id, clientId, seq),
      );
      changes.forEach((change, i) => {
        this.#db.log.putSync([ws.id, change.rev], records[i]!);
        this.#db.dedupe.putSync([ws.id, change.clientId, change.seq], dedupes[i]!);
      });
      for (const [clientId, { seq, record }] of highest) {
        const stored = this.#lookups.highestSeq(workspace, ws.id, clientId);
        if (stored !== undefined && stored >= seq) continue;
        this.#db.clients.putSync([ws.id, clientId], record);
        this.#lookups.rememberHighestSeq(ws.id, clientId, record, seq);
      }
    });
  }

  async *read(workspace: string, fromRev: number, toRev?: number): AsyncIterable<StoredChange> {
    const { id, end } = this.#transactions.read('read', workspace, () => {
      const ws = this.#lookups.workspace(workspace);
      checkRevision('fromRev', fromRev, 1);
      if (toRev !== undefined) checkRevision('toRev', toRev, 1);
      checkReadStart(workspace, fromRev, ws.firstRevision);
      return { id: ws.id, end: Math.min(toRev ?? TOP, this.#lookups.lastRevision(ws)) };
    });
    let next = fromRev;
    while (next <= end) {
      const chunk = this.#transactions.read('read', workspace, () =>
        readLogChunk(this.#db.log, this.#lookups, workspace, id, next, end),
      );
      for (const change of chunk) yield change;
      next += chunk.length;
    }
  }

  async lastRevision(workspace: string): Promise<number> {
    return this.#transactions.read('lastRevision', workspace, () =>
      this.#lookups.lastRevision(this.#lookups.workspace(workspace)),
    );
  }

  async firstRevision(workspace: string): Promise<number> {
    return this.#transactions.read(
      'firstRevision',
      workspace,
      () => this.#lookups.workspace(workspace).firstRevision,
    );
  }

  async findBySeq(
    workspace: string,
    clientId: string,
    seq: number,
  ): Promise<StoredChange | undefined> {
    return this.#transactions.read('findBySeq', workspace, () => {
      const { id } = this.#lookups.workspace(workspace);
      const rev = this.#lookups.revisionOfSeq(workspace, id, clientId, seq);
      if (rev === undefined) return undefined;
      const bytes = this.#db.log.getBinary([id, rev]);
      if (bytes === undefined) {
        throw storeCorrupt(
          { workspace, rev, record: 'change' },
          `is missing, though the dedupe index names it for ${clientId}/${seq}`,
        );
      }
      const change = decodeChange(bytes, workspace, rev);
      if (change.clientId !== clientId || change.seq !== seq) {
        throw storeCorrupt(
          { workspace, rev, record: 'change' },
          `is not ${clientId}/${seq}, as the dedupe index says`,
        );
      }
      return change;
    });
  }

  async highestSeq(workspace: string, clientId: string): Promise<number | undefined> {
    return this.#transactions.read('highestSeq', workspace, () =>
      this.#lookups.highestSeq(workspace, this.#lookups.workspace(workspace).id, clientId),
    );
  }

  async saveSnapshot(workspace: string, snapshot: StoredSnapshot): Promise<void> {
    this.#transactions.checkOpen();
    checkWorkspaceName(workspace);
    const record = encodeSnapshotChecked(workspace, snapshot);
    await this.#transactions.write('saveSnapshot', workspace, () => {
      const ws = this.#lookups.workspace(workspace);
      checkSnapshotRevision(workspace, snapshot.rev, this.#lookups.lastRevision(ws));
      this.#db.snapshots.putSync(
        [ws.id, snapshot.rev],
        Buffer.from(record.buffer, record.byteOffset, record.byteLength),
      );
    });
  }

  async loadSnapshot(
    workspace: string,
    atOrBeforeRev?: number,
  ): Promise<StoredSnapshot | undefined> {
    return this.#transactions.read('loadSnapshot', workspace, () => {
      const { id } = this.#lookups.workspace(workspace);
      if (atOrBeforeRev !== undefined) checkRevision('atOrBeforeRev', atOrBeforeRev, 0);
      const rev = this.#lookups.snapshotAtOrBefore(id, atOrBeforeRev ?? TOP);
      if (rev === undefined) return undefined;
      return decodeSnapshot(this.#db.snapshots.getBinary([id, rev])!, workspace, rev);
    });
  }

  /** Sums the workspace's retained records: one pass over its log and snapshots. */
  async storedBytes(workspace: string): Promise<number> {
    return this.#transactions.read('storedBytes', workspace, () => {
      const { id } = this.#lookups.workspace(workspace);
      let bytes = 0;
      for (const db of [this.#db.log, this.#db.snapshots]) {
        for (const { value } of db.getRange({ start: [id, 0], end: [id, TOP] })) {
          bytes += value.length;
        }
      }
      return bytes;
    });
  }

  async listSnapshots(workspace: string): Promise<number[]> {
    return this.#transactions.read('listSnapshots', workspace, () => {
      const { id } = this.#lookups.workspace(workspace);
      return [...this.#db.snapshots.getKeys({ start: [id, 0], end: [id, TOP] })].map(
        (key) => key[1],
      );
    });
  }

  async truncate(workspace: string, belowRev: number): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#transactions.write('truncate', workspace, () => {
      const ws = this.#lookups.workspace(workspace);
      const newest = this.#lookups.snapshotAtOrBefore(ws.id, TOP);
      checkTruncation(
        workspace,
        belowRev,
        ws.firstRevision,
        this.#lookups.lastRevision(ws),
        newest,
      );
      if (belowRev <= ws.firstRevision) return;
      // Decode everything that goes first: a damaged record stops the truncation (and the child
      // transaction is aborted) before anything changed.
      const dropped: StoredChange[] = [];
      for (const { key, value } of this.#db.log.getRange({
        start: [ws.id, ws.firstRevision],
        end: [ws.id, belowRev],
      })) {
        dropped.push(decodeChange(value, workspace, key[1]));
      }
      for (const change of dropped) {
        this.#db.log.removeSync([ws.id, change.rev]);
        this.#db.dedupe.removeSync([ws.id, change.clientId, change.seq]);
      }
      const oldSnapshots = [
        ...this.#db.snapshots.getKeys({ start: [ws.id, 0], end: [ws.id, belowRev - 1] }),
      ];
      for (const key of oldSnapshots) this.#db.snapshots.removeSync(key);
      this.#db.workspaces.putSync(
        workspace,
        Buffer.from(encodeWorkspace(workspace, { id: ws.id, firstRevision: belowRev })),
      );
    });
  }

  flush(): Promise<void> {
    return this.#transactions.flush();
  }

  close(): Promise<void> {
    return this.#transactions.close();
  }
}
