import { DistSpaceError } from '@dist-space/ot-core';
import { storeClosed, workspaceNotFound } from './errors.js';
import { decodeChange, decodeSnapshot } from './record-codec.js';
import type { OpLogStore, StoredChange, StoredSnapshot } from './types.js';
import {
  checkBatchAgainstLog,
  checkReadStart,
  checkRevision,
  checkSnapshotRevision,
  checkTruncation,
  checkWorkspaceName,
  encodeBatch,
  encodeSnapshotChecked,
} from './validate.js';

interface MemoryWorkspace {
  /** The revision of `log[0]`. */
  firstRevision: number;
  /** Encoded change records, `log[i]` at revision `firstRevision + i`. */
  log: Uint8Array[];
  /** Encoded snapshot records by revision. */
  snapshots: Map<number, Uint8Array>;
  /** `clientId NUL seq` to revision, for the changes the log holds. */
  revisionOfSeq: Map<string, number>;
  /** The highest seq per client, kept through truncation. */
  highestSeq: Map<string, number>;
}

/**
 * The data of a {@link MemoryOpLogStore}, kept apart from the store so that a test can close a
 * store and open another over the same data, as it would reopen a directory.
 */
export class MemoryOpLogData {}

// The workspaces of each data object, kept out of its public shape.
const workspacesOf = new WeakMap<MemoryOpLogData, Map<string, MemoryWorkspace>>();

function workspaces(data: MemoryOpLogData): Map<string, MemoryWorkspace> {
  let map = workspacesOf.get(data);
  if (map === undefined) {
    map = new Map();
    workspacesOf.set(data, map);
  }
  return map;
}

function seqKey(clientId: string, seq: number): string {
  return `${clientId}\u0000${seq}`;
}

/**
 * An {@link OpLogStore} in memory, for tests and demos. Records go through the same codec as on
 * disk (msgpack, version byte, checksum), so values are copies and the behaviour matches a
 * persistent store; nothing survives the process.
 */
export class MemoryOpLogStore implements OpLogStore {
  /** The data this store reads and writes; pass it to a new store to "reopen" it. */
  readonly data: MemoryOpLogData;
  #closed = false;

  /** @param data - the data to open; a new, empty one by default */
  constructor(data: MemoryOpLogData = new MemoryOpLogData()) {
    this.data = data;
  }

  #workspace(workspace: string): MemoryWorkspace {
    if (this.#closed) throw storeClosed();
    checkWorkspaceName(workspace);
    const found = workspaces(this.data).get(workspace);
    if (found === undefined) throw workspaceNotFound(workspace);
    return found;
  }

  async createWorkspace(workspace: string): Promise<void> {
    if (this.#closed) throw storeClosed();
    checkWorkspaceName(workspace);
    if (workspaces(this.data).has(workspace)) {
      throw new DistSpaceError(
        'WORKSPACE_EXISTS',
        `The store already holds a workspace named "${workspace}". Pick another name, or delete it first.`,
        { workspace },
      );
    }
    workspaces(this.data).set(workspace, {
      firstRevision: 1,
      log: [],
      snapshots: new Map(),
      revisionOfSeq: new Map(),
      highestSeq: new Map(),
    });
  }

  async deleteWorkspace(workspace: string): Promise<void> {
    this.#workspace(workspace);
    workspaces(this.data).delete(workspace);
  }

  async listWorkspaces(): Promise<string[]> {
    if (this.#closed) throw storeClosed();
    return [...workspaces(this.data).keys()].sort(compareCodeUnits);
  }

  async hasWorkspace(workspace: string): Promise<boolean> {
    if (this.#closed) throw storeClosed();
    checkWorkspaceName(workspace);
    return workspaces(this.data).has(workspace);
  }

  async append(workspace: string, changes: readonly StoredChange[]): Promise<void> {
    const ws = this.#workspace(workspace);
    const records = encodeBatch(workspace, changes);
    // Check and write in one synchronous stretch: nothing else runs in between, so the batch is
    // atomic against every other call.
    checkBatchAgainstLog(workspace, lastRevisionOf(ws), changes, (clientId, seq) =>
      ws.revisionOfSeq.get(seqKey(clientId, seq)),
    );
    changes.forEach((change, i) => {
      ws.log.push(records[i]!);
      ws.revisionOfSeq.set(seqKey(change.clientId, change.seq), change.rev);
      const highest = ws.highestSeq.get(change.clientId);
      if (highest === undefined || change.seq > highest) {
        ws.highestSeq.set(change.clientId, change.seq);
      }
    });
  }

  async *read(workspace: string, fromRev: number, toRev?: number): AsyncIterable<StoredChange> {
    const ws = this.#workspace(workspace);
    checkRevision('fromRev', fromRev, 1);
    if (toRev !== undefined) checkRevision('toRev', toRev, 1);
    checkReadStart(workspace, fromRev, ws.firstRevision);
    const last = Math.min(toRev ?? Number.MAX_SAFE_INTEGER, lastRevisionOf(ws));
    // The records of the range as they are now: later appends or truncations do not show.
    const start = ws.firstRevision;
    const records = ws.log.slice(fromRev - start, Math.max(0, last - start + 1));
    for (let i = 0; i < records.length; i++) {
      yield decodeChange(records[i]!, workspace, fromRev + i);
    }
  }

  async lastRevision(workspace: string): Promise<number> {
    return lastRevisionOf(this.#workspace(workspace));
  }

  async firstRevision(workspace: string): Promise<number> {
    return this.#workspace(workspace).firstRevision;
  }

  async findBySeq(
    workspace: string,
    clientId: string,
    seq: number,
  ): Promise<StoredChange | undefined> {
    const ws = this.#workspace(workspace);
    const rev = ws.revisionOfSeq.get(seqKey(clientId, seq));
    if (rev === undefined) return undefined;
    return decodeChange(ws.log[rev - ws.firstRevision]!, workspace, rev);
  }

  async highestSeq(workspace: string, clientId: string): Promise<number | undefined> {
    return this.#workspace(workspace).highestSeq.get(clientId);
  }

  async saveSnapshot(workspace: string, snapshot: StoredSnapshot): Promise<void> {
    const ws = this.#workspace(workspace);
    const record = encodeSnapshotChecked(workspace, snapshot);
    checkSnapshotRevision(workspace, snapshot.rev, lastRevisionOf(ws));
    ws.snapshots.set(snapshot.rev, record);
  }

  async loadSnapshot(
    workspace: string,
    atOrBeforeRev?: number,
  ): Promise<StoredSnapshot | undefined> {
    const ws = this.#workspace(workspace);
    if (atOrBeforeRev !== undefined) checkRevision('atOrBeforeRev', atOrBeforeRev, 0);
    let best: number | undefined;
    for (const rev of ws.snapshots.keys()) {
      if (
        (atOrBeforeRev === undefined || rev <= atOrBeforeRev) &&
        (best === undefined || rev > best)
      ) {
        best = rev;
      }
    }
    return best === undefined
      ? undefined
      : decodeSnapshot(ws.snapshots.get(best)!, workspace, best);
  }

  async listSnapshots(workspace: string): Promise<number[]> {
    return [...this.#workspace(workspace).snapshots.keys()].sort((a, b) => a - b);
  }

  async storedBytes(workspace: string): Promise<number> {
    const ws = this.#workspace(workspace);
    let bytes = 0;
    for (const record of ws.log) bytes += record.byteLength;
    for (const record of ws.snapshots.values()) bytes += record.byteLength;
    return bytes;
  }

  async truncate(workspace: string, belowRev: number): Promise<void> {
    const ws = this.#workspace(workspace);
    const snapshots = [...ws.snapshots.keys()];
    const newest = snapshots.length === 0 ? undefined : Math.max(...snapshots);
    checkTruncation(workspace, belowRev, ws.firstRevision, lastRevisionOf(ws), newest);
    if (belowRev <= ws.firstRevision) return;
    // Decode everything that goes first, so that a damaged record stops the truncation before
    // anything changed.
    const dropped = ws.log
      .slice(0, belowRev - ws.firstRevision)
      .map((record, i) => decodeChange(record, workspace, ws.firstRevision + i));
    for (const change of dropped) ws.revisionOfSeq.delete(seqKey(change.clientId, change.seq));
    ws.log.splice(0, dropped.length);
    ws.firstRevision = belowRev;
    for (const rev of snapshots) if (rev < belowRev - 1) ws.snapshots.delete(rev);
  }

  async flush(): Promise<void> {
    if (this.#closed) throw storeClosed();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

function lastRevisionOf(ws: MemoryWorkspace): number {
  return ws.firstRevision + ws.log.length - 1;
}

/** Orders strings by UTF-16 code units, as `listWorkspaces` promises (not by locale). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
