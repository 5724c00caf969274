import type { Database, RootDatabase } from 'lmdb';

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

/** The highest revision a key can name: the open end of a range over a workspace's revisions. */
export const TOP = Number.MAX_SAFE_INTEGER;

/** Opens the named databases of {@link LmdbDatabases} in `root`, each holding raw bytes. */
export function openDatabases(root: RootDatabase): LmdbDatabases {
  const named = <T>(name: string) =>
    root.openDB<Buffer, never>({ name, encoding: 'binary' }) as unknown as T;
  return {
    meta: named('meta'),
    workspaces: named('workspaces'),
    log: named('log'),
    snapshots: named('snapshots'),
    dedupe: named('dedupe'),
    clients: named('clients'),
  };
}
