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
  storeClosed,
  storeCorrupt,
  workspaceNotFound,
} from '@dist-space/oplog-storage';
import { DistSpaceError } from '@dist-space/ot-core';
import type { Database, Key, RootDatabase } from 'lmdb';
import { classify, fromLmdbError } from './errors.js';
import {
  decodeNumber,
  decodeWorkspace,
  encodeNumber,
  encodeWorkspace,
  LmdbRecordKind,
  type WorkspaceRecord,
} from './records.js';

/**
 * The named databases of one environment (see docs/storage.md for the layout). Keys are lmdb's
 * ordered-binary arrays; every value is a checksummed record.
 */
export interface LmdbDatabases {
  /** `store` -> format, `next-id` -> the next workspace id. */
  readonly meta: Database<Buffer, string>;
  /** Workspace name -> workspace record (id, first revision). */
  readonly workspaces: Database<Buffer, string>;
  /** `[workspaceId, rev]` -> change record. */
  readonly log: Database<Buffer, [number, number]>;
  /** `[workspaceId, rev]` -> snapshot record. */
  readonly snapshots: Database<Buffer, [number, number]>;
  /** `[workspaceId, clientId, seq]` -> revision, for the changes the log holds. */
  readonly dedupe: Database<Buffer, [number, string, number]>;
  /** `[workspaceId, clientId]` -> highest seq, kept through truncation. */
  readonly clients: Database<Buffer, [number, string]>;
}

// A read is cut into chunks, each in a fresh read transaction, so that a slow consumer does not
// hold an old snapshot open (which would stop LMDB reusing freed pages).
const READ_CHUNK_CHANGES = 1000;
const READ_CHUNK_BYTES = 8 * 2 ** 20;
const TOP = Number.MAX_SAFE_INTEGER;
// Decoded records remembered with the bytes they came from (see `DecodedCache`), per store.
const DECODED_CACHE_ENTRIES = 4096;

/**
 * Records decoded earlier, each with the exact bytes it was decoded from. A reader still reads
 * the bytes from the database every time (another process may have changed them) and only skips
 * the checksum and decoding when they are the bytes it decoded before. Bounded: it forgets
 * everything when full, which costs one decode per record afterwards.
 */
class DecodedCache<T> {
  readonly #entries = new Map<string, { readonly bytes: Uint8Array; readonly value: T }>();

  /** The value decoded from `bytes` under `key`, decoding (and remembering) it when new. */
  get(key: string, bytes: Uint8Array, decode: (bytes: Uint8Array) => T): T {
    const known = this.#entries.get(key);
    if (known !== undefined && Buffer.compare(known.bytes, bytes) === 0) return known.value;
    const value = decode(bytes);
    this.remember(key, bytes, value);
    return value;
  }

  /** Remembers that `bytes` (which the caller encoded, or decoded) hold `value`. */
  remember(key: string, bytes: Uint8Array, value: T): void {
    if (this.#entries.size >= DECODED_CACHE_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { bytes, value });
  }
}

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
  readonly #root: RootDatabase;
  readonly #db: LmdbDatabases;
  #closed = false;
  readonly #writes = new Set<Promise<unknown>>();
  /** Workspace records by name: every append reads the record, and it rarely changes. */
  readonly #workspaceRecords = new DecodedCache<WorkspaceRecord>();
  /** Highest seqs by `${id}\0${clientId}`: every append reads and rewrites its client's. */
  readonly #clientSeqs = new DecodedCache<number>();

  /** @internal Use `openLmdbOpLogStore`, which checks the directory and the format first. */
  constructor(path: string, root: RootDatabase, databases: LmdbDatabases) {
    this.path = path;
    this.#root = root;
    this.#db = databases;
  }

  /** Runs a synchronous read, turning lmdb's exceptions into `DistSpaceError`s. */
  #read<T>(action: string, workspace: string | undefined, body: () => T): T {
    if (this.#closed) throw storeClosed();
    try {
      return body();
    } catch (e) {
      if (e instanceof DistSpaceError) throw e;
      throw classify(e, { path: this.path, action, workspace });
    }
  }

  /**
   * Runs `body` in a child transaction of the next batch. A throw inside aborts just this child
   * (nothing it wrote stays); the promise resolves after the batch is committed and synced.
   */
  async #write<T>(action: string, workspace: string | undefined, body: () => T): Promise<T> {
    if (this.#closed) throw storeClosed();
    const write = this.#root.childTransaction(body);
    this.#writes.add(write);
    try {
      return await write;
    } catch (e) {
      throw await fromLmdbError(e, { path: this.path, action, workspace });
    } finally {
      this.#writes.delete(write);
    }
  }

  #workspace(workspace: string): WorkspaceRecord {
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
  #lastRevisionBefore(ws: WorkspaceRecord, next: number): number {
    const log = this.#db.log;
    if (
      next >= ws.firstRevision &&
      !log.doesExist([ws.id, next]) &&
      (next === ws.firstRevision || log.doesExist([ws.id, next - 1]))
    ) {
      return next - 1;
    }
    return this.#lastRevision(ws);
  }

  #lastRevision(ws: WorkspaceRecord): number {
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

  #revisionOfSeq(workspace: string, id: number, clientId: string, seq: number): number | undefined {
    const bytes = this.#db.dedupe.getBinary([id, clientId, seq]);
    if (bytes === undefined) return undefined;
    return decodeNumber(
      bytes,
      LmdbRecordKind.Dedupe,
      { workspace, record: `dedupe entry of ${clientId}/${seq}` },
      [clientId, seq],
    );
  }

  #highestSeq(workspace: string, id: number, clientId: string): number | undefined {
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

  #snapshotAtOrBefore(id: number, rev: number): number | undefined {
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

  async createWorkspace(workspace: string): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#write('createWorkspace', workspace, () => {
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
    await this.#write('deleteWorkspace', workspace, () => {
      const { id } = this.#workspace(workspace);
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
    return this.#read('listWorkspaces', undefined, () => {
      const names: string[] = [];
      for (const { key, value } of this.#db.workspaces.getRange({})) {
        decodeWorkspace(value, key);
        names.push(key);
      }
      return names.sort(compareCodeUnits);
    });
  }

  async hasWorkspace(workspace: string): Promise<boolean> {
    return this.#read('hasWorkspace', workspace, () => {
      checkWorkspaceName(workspace);
      const bytes = this.#db.workspaces.getBinary(workspace);
      if (bytes !== undefined) decodeWorkspace(bytes, workspace);
      return bytes !== undefined;
    });
  }

  async append(workspace: string, changes: readonly StoredChange[]): Promise<void> {
    if (this.#closed) throw storeClosed();
    checkWorkspaceName(workspace);
    // Encoding (msgpack, checksums) happens here, outside the write lock.
    const records = encodeBatch(workspace, changes).map(asBuffer);
    if (changes.length === 0) {
      this.#read('append', workspace, () => this.#workspace(workspace));
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
    await this.#write('append', workspace, () => {
      const ws = this.#workspace(workspace);
      checkBatchAgainstLog(
        workspace,
        this.#lastRevisionBefore(ws, changes[0]!.rev),
        changes,
        (clientId, seq) => this.#revisionOfSeq(workspace, ws.id, clientId, seq),
      );
      changes.forEach((change, i) => {
        this.#db.log.putSync([ws.id, change.rev], records[i]!);
        this.#db.dedupe.putSync([ws.id, change.clientId, change.seq], dedupes[i]!);
      });
      for (const [clientId, { seq, record }] of highest) {
        const stored = this.#highestSeq(workspace, ws.id, clientId);
        if (stored !== undefined && stored >= seq) continue;
        this.#db.clients.putSync([ws.id, clientId], record);
        this.#clientSeqs.remember(`${ws.id}\u0000${clientId}`, record, seq);
      }
    });
  }

  async *read(workspace: string, fromRev: number, toRev?: number): AsyncIterable<StoredChange> {
    const { id, end } = this.#read('read', workspace, () => {
      const ws = this.#workspace(workspace);
      checkRevision('fromRev', fromRev, 1);
      if (toRev !== undefined) checkRevision('toRev', toRev, 1);
      checkReadStart(workspace, fromRev, ws.firstRevision);
      return { id: ws.id, end: Math.min(toRev ?? TOP, this.#lastRevision(ws)) };
    });
    let next = fromRev;
    while (next <= end) {
      const chunk = this.#read('read', workspace, () => this.#readChunk(workspace, id, next, end));
      for (const change of chunk) yield change;
      next += chunk.length;
    }
  }

  #readChunk(workspace: string, id: number, from: number, end: number): StoredChange[] {
    const chunk: StoredChange[] = [];
    let bytes = 0;
    const to = Math.min(end, from + READ_CHUNK_CHANGES - 1);
    for (const { key, value } of this.#db.log.getRange({ start: [id, from], end: [id, to + 1] })) {
      const expected = from + chunk.length;
      if (key[1] !== expected) break;
      chunk.push(decodeChange(value, workspace, expected));
      bytes += value.length;
      if (bytes >= READ_CHUNK_BYTES) break;
    }
    if (chunk.length === 0 || (chunk.length < to - from + 1 && bytes < READ_CHUNK_BYTES)) {
      this.#explainMissing(workspace, id, from + chunk.length);
    }
    return chunk;
  }

  /** A revision that should be in the log is not: say why, as precisely as the store can. */
  #explainMissing(workspace: string, id: number, rev: number): never {
    const ws = this.#workspace(workspace);
    if (ws.id !== id) throw workspaceNotFound(workspace);
    checkReadStart(workspace, rev, ws.firstRevision);
    throw storeCorrupt({ workspace, rev, record: 'change' }, 'is missing from the log');
  }

  async lastRevision(workspace: string): Promise<number> {
    return this.#read('lastRevision', workspace, () =>
      this.#lastRevision(this.#workspace(workspace)),
    );
  }

  async firstRevision(workspace: string): Promise<number> {
    return this.#read('firstRevision', workspace, () => this.#workspace(workspace).firstRevision);
  }

  async findBySeq(
    workspace: string,
    clientId: string,
    seq: number,
  ): Promise<StoredChange | undefined> {
    return this.#read('findBySeq', workspace, () => {
      const { id } = this.#workspace(workspace);
      const rev = this.#revisionOfSeq(workspace, id, clientId, seq);
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
    return this.#read('highestSeq', workspace, () =>
      this.#highestSeq(workspace, this.#workspace(workspace).id, clientId),
    );
  }

  async saveSnapshot(workspace: string, snapshot: StoredSnapshot): Promise<void> {
    if (this.#closed) throw storeClosed();
    checkWorkspaceName(workspace);
    const record = encodeSnapshotChecked(workspace, snapshot);
    await this.#write('saveSnapshot', workspace, () => {
      const ws = this.#workspace(workspace);
      checkSnapshotRevision(workspace, snapshot.rev, this.#lastRevision(ws));
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
    return this.#read('loadSnapshot', workspace, () => {
      const { id } = this.#workspace(workspace);
      if (atOrBeforeRev !== undefined) checkRevision('atOrBeforeRev', atOrBeforeRev, 0);
      const rev = this.#snapshotAtOrBefore(id, atOrBeforeRev ?? TOP);
      if (rev === undefined) return undefined;
      return decodeSnapshot(this.#db.snapshots.getBinary([id, rev])!, workspace, rev);
    });
  }

  /** Sums the workspace's retained records: one pass over its log and snapshots. */
  async storedBytes(workspace: string): Promise<number> {
    return this.#read('storedBytes', workspace, () => {
      const { id } = this.#workspace(workspace);
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
    return this.#read('listSnapshots', workspace, () => {
      const { id } = this.#workspace(workspace);
      return [...this.#db.snapshots.getKeys({ start: [id, 0], end: [id, TOP] })].map(
        (key) => key[1],
      );
    });
  }

  async truncate(workspace: string, belowRev: number): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#write('truncate', workspace, () => {
      const ws = this.#workspace(workspace);
      const newest = this.#snapshotAtOrBefore(ws.id, TOP);
      checkTruncation(workspace, belowRev, ws.firstRevision, this.#lastRevision(ws), newest);
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

  async flush(): Promise<void> {
    if (this.#closed) throw storeClosed();
    await Promise.allSettled([...this.#writes]);
    await this.#root.flushed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#writes]);
    await this.#root.close();
  }
}
