import { DistSpaceError } from '@dist-space/ot-core';

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /**
     * A stored record failed its checksum, does not decode, or does not say what its key says
     * (a change filed under another revision, a revision missing in the middle of the log).
     */
    STORE_CORRUPT: true;
    /** An append names a revision the log already holds: another writer got there first. */
    REVISION_EXISTS: true;
    /** An append would leave a hole in the log: its first revision is past the next one. */
    REVISION_GAP: true;
    /** A revision was asked for that the log has not reached yet. */
    REVISION_NOT_FOUND: true;
    /** A read starts below the oldest change the log still holds: the rest was truncated. */
    REVISION_TRUNCATED: true;
    /** A truncation would drop changes that no snapshot covers. */
    SNAPSHOT_REQUIRED: true;
    /** An append carries a `(clientId, seq)` pair the workspace's log already holds. */
    DUPLICATE_CHANGE: true;
    /** A store call names a workspace the store does not hold. */
    WORKSPACE_NOT_FOUND: true;
    /** `createWorkspace` names a workspace the store already holds. */
    WORKSPACE_EXISTS: true;
    /** A workspace name is empty, too long, or holds control characters. */
    INVALID_WORKSPACE_NAME: true;
    /** A change or snapshot handed to a store does not have the shape of one. */
    INVALID_RECORD: true;
    /** A revision range or bound is not a whole number in range. */
    INVALID_RANGE: true;
    /** The store was closed; no call may use it any more. */
    STORE_CLOSED: true;
    /** The store's data was written by a newer format version than this code reads. */
    STORE_VERSION_UNSUPPORTED: true;
    /** The disk or the store's configured size is full; the write did not happen. */
    STORE_FULL: true;
    /** The data directory does not exist and the store was not asked to create it. */
    DATA_DIR_MISSING: true;
    /** The data directory is held by another program in a way this store cannot share. */
    STORE_LOCKED: true;
    /** The operating system refused a file operation (permissions, I/O error). */
    STORE_IO_ERROR: true;
  }
}

/** Where in a store a problem was found: the workspace, and the revision if there is one. */
export interface RecordLocation {
  /** The workspace the record belongs to; absent for store-wide records. */
  readonly workspace?: string;
  /** The revision of the change or snapshot, when the record has one. */
  readonly rev?: number;
  /** What kind of record it is: `change`, `snapshot`, `dedupe entry`, ... */
  readonly record: string;
}

function describe(at: RecordLocation): string {
  const parts = [`the ${at.record}`];
  if (at.rev !== undefined) parts.push(`at revision ${at.rev}`);
  if (at.workspace !== undefined) parts.push(`of workspace "${at.workspace}"`);
  return parts.join(' ');
}

/** A `STORE_CORRUPT` error naming the record, the workspace and the revision. */
export function storeCorrupt(at: RecordLocation, reason: string): DistSpaceError {
  return new DistSpaceError(
    'STORE_CORRUPT',
    `The store is corrupt: ${describe(at)} ${reason}. Restore the data directory from a backup; nothing was returned from the damaged record.`,
    { ...at, reason },
  );
}

/** A `STORE_VERSION_UNSUPPORTED` error for a record or store written by a newer format. */
export function versionUnsupported(
  at: RecordLocation,
  found: number,
  supported: number,
): DistSpaceError {
  return new DistSpaceError(
    'STORE_VERSION_UNSUPPORTED',
    `${capitalise(describe(at))} was written in storage format ${found}, but this version of Dist-Space reads formats up to ${supported}. Upgrade @dist-space/oplog-storage.`,
    { ...at, found, supported },
  );
}

/** A `WORKSPACE_NOT_FOUND` error. */
export function workspaceNotFound(workspace: string): DistSpaceError {
  return new DistSpaceError(
    'WORKSPACE_NOT_FOUND',
    `The store holds no workspace named "${workspace}". Create it with createWorkspace first.`,
    { workspace },
  );
}

/** A `STORE_CLOSED` error. */
export function storeClosed(): DistSpaceError {
  return new DistSpaceError(
    'STORE_CLOSED',
    'The store was closed. Open a new one to go on using its data.',
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
