import { readFileSync, statfsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { DistSpaceError, isDistSpaceError } from '@dist-space/ot-core';

/** What the store was doing when LMDB failed, for the error message. */
export interface FailureContext {
  /** The store's data directory. */
  readonly path: string;
  /** The call that failed: `append`, `open`, ... */
  readonly action: string;
  /** The workspace the call was about, if any. */
  readonly workspace?: string;
}

const ERRNO = constants.errno as Record<string, number>;
const errnoName = new Map<number, string>(
  ['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EACCES', 'EPERM', 'EROFS', 'EAGAIN', 'EBUSY', 'ENOENT']
    .filter((name) => typeof ERRNO[name] === 'number')
    .map((name) => [ERRNO[name]!, name]),
);

// LMDB reports a short write as EIO rather than ENOSPC or EFBIG. An EIO is taken to mean "full"
// when the disk has less than this much free space, or the data file is this close to the
// process's file size limit (ulimit -f).
const NEARLY_FULL_BYTES = 16 * 2 ** 20;

/**
 * Turns whatever lmdb-js threw into a `DistSpaceError` with a code a program can act on. A
 * failed commit carries its cause in a `commitError` promise, which is awaited (and so never
 * left to reject unhandled).
 */
export async function fromLmdbError(error: unknown, at: FailureContext): Promise<DistSpaceError> {
  if (isDistSpaceError(error)) return error;
  let cause = error;
  const commitError = (error as { commitError?: Promise<unknown> } | undefined)?.commitError;
  if (commitError !== undefined)
    cause = await commitError.then(
      () => error,
      (reason: unknown) => reason,
    );
  return classify(cause, at);
}

/** The synchronous part of {@link fromLmdbError}, for errors thrown by `open`. */
export function classify(cause: unknown, at: FailureContext): DistSpaceError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | undefined)?.code;
  const name =
    (typeof code === 'number'
      ? errnoName.get(code)
      : typeof code === 'string'
        ? code
        : undefined) ??
    /\b(MDB_[A-Z_]+|E[A-Z]{2,})\b/.exec(message)?.[1] ??
    '';
  const where = `${at.action}${at.workspace === undefined ? '' : ` of workspace "${at.workspace}"`} in ${at.path}`;
  const details = {
    path: at.path,
    action: at.action,
    workspace: at.workspace ?? null,
    cause: message,
  };
  if (
    name === 'MDB_MAP_FULL' ||
    name === 'ENOSPC' ||
    name === 'EDQUOT' ||
    name === 'EFBIG' ||
    (name === 'EIO' && bytesLeft(at.path) < NEARLY_FULL_BYTES)
  ) {
    return new DistSpaceError(
      'STORE_FULL',
      `The ${where} failed because the disk or the file size limit is full (${message}). Nothing of it was written; free space or raise the limit, then retry.`,
      details,
    );
  }
  if (
    /^MDB_(CORRUPTED|PAGE_NOTFOUND|INVALID|BAD_TXN|BAD_VALSIZE|PANIC|CURSOR_FULL|INCOMPATIBLE|PROBLEM)$/.test(
      name,
    )
  ) {
    return new DistSpaceError(
      'STORE_CORRUPT',
      `The ${where} failed because LMDB found its data file damaged (${message}). Restore the data directory from a backup.`,
      details,
    );
  }
  if (name === 'MDB_VERSION_MISMATCH') {
    return new DistSpaceError(
      'STORE_VERSION_UNSUPPORTED',
      `The ${where} failed: the data file was written by an incompatible LMDB version (${message}).`,
      details,
    );
  }
  if (name === 'EAGAIN' || name === 'EBUSY') {
    return new DistSpaceError(
      'STORE_LOCKED',
      `The ${where} failed because another program holds the data directory's lock (${message}). Stop it, or point this store at another directory.`,
      details,
    );
  }
  return new DistSpaceError(
    'STORE_IO_ERROR',
    `The ${where} failed: ${message}. Check the directory's permissions and the disk.`,
    details,
  );
}

function bytesLeft(path: string): number {
  return Math.min(freeBytes(path), fileSizeLimit() - dataFileSize(path));
}

function freeBytes(path: string): number {
  try {
    const stats = statfsSync(path);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function dataFileSize(path: string): number {
  try {
    return statSync(join(path, 'data.mdb')).size;
  } catch {
    return 0;
  }
}

/** The soft RLIMIT_FSIZE where the system says (Linux's /proc), else no limit. */
function fileSizeLimit(): number {
  try {
    const line = /^Max file size\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line === null ? Number.POSITIVE_INFINITY : Number(line[1]);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
