import { decodeRecord, encodeRecord, storeCorrupt } from '@dist-space/oplog-storage';

/**
 * The kinds of this adapter's own records (the shared codec numbers adapters' kinds from 16).
 * Every value in the environment is a checksummed record of one of these kinds or of a change
 * or snapshot.
 */
export const LmdbRecordKind = {
  /** The store's format: `[formatVersion, writer]` under `store` in the `meta` database. */
  StoreInfo: 16,
  /** The next workspace id to hand out: `[id, null]` under `next-id` in `meta`. */
  NextId: 17,
  /** A workspace: `[name, id, firstRevision]` under its name in `workspaces`. */
  Workspace: 18,
  /** The revision of a `(clientId, seq)` pair: `[rev, [clientId, seq]]` in `dedupe`. */
  Dedupe: 19,
  /** A client's highest seq: `[seq, clientId]` in `clients`. */
  ClientSeq: 20,
} as const;

/**
 * The layout of the LMDB environment this code writes. A store whose `meta` says a newer
 * version is refused with `STORE_VERSION_UNSUPPORTED`; an older one would be migrated here.
 */
export const LMDB_STORE_FORMAT_VERSION = 1;

/** A workspace as the `workspaces` database keeps it. */
export interface WorkspaceRecord {
  /** A number never reused, so a deleted workspace's keys cannot mix with a new one's. */
  readonly id: number;
  /** The oldest revision the log holds. */
  readonly firstRevision: number;
}

/**
 * Encodes a workspace record. It repeats the name its key holds, so that a damaged key is
 * caught (keys carry no checksum of their own).
 */
export function encodeWorkspace(workspace: string, record: WorkspaceRecord): Uint8Array {
  return encodeRecord(LmdbRecordKind.Workspace, [workspace, record.id, record.firstRevision]);
}

/** Decodes the record filed under `workspace`, reporting a damaged one as `STORE_CORRUPT`. */
export function decodeWorkspace(bytes: Uint8Array, workspace: string): WorkspaceRecord {
  const at = { workspace, record: 'workspace entry' };
  const payload = decodeRecord(bytes, LmdbRecordKind.Workspace, at);
  const [name, id, firstRevision] = Array.isArray(payload) ? payload : [];
  if (name !== workspace) throw storeCorrupt(at, 'is filed under another name than it holds');
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(firstRevision) || firstRevision < 1) {
    throw storeCorrupt(at, 'does not hold a workspace id and first revision');
  }
  return { id, firstRevision };
}

/**
 * Encodes a record holding one whole number (next id, dedupe revision, highest seq) and, as
 * `echo`, the variable part of its key, so that a damaged key is caught on reading.
 */
export function encodeNumber(kind: number, value: number, echo: unknown = null): Uint8Array {
  return encodeRecord(kind, [value, echo]);
}

/**
 * Decodes a record of {@link encodeNumber}, checking that it echoes `echo`; reports a damaged
 * one as `STORE_CORRUPT`.
 */
export function decodeNumber(
  bytes: Uint8Array,
  kind: number,
  at: { workspace?: string; rev?: number; record: string },
  echo: unknown = null,
): number {
  const payload = decodeRecord(bytes, kind, at);
  const [value, stored] = Array.isArray(payload) ? payload : [];
  if (!Number.isSafeInteger(value)) throw storeCorrupt(at, 'does not hold a whole number');
  if (JSON.stringify(stored) !== JSON.stringify(echo)) {
    throw storeCorrupt(at, 'is filed under another key than it names');
  }
  return value as number;
}
