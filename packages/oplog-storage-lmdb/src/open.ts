import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeRecord, encodeRecord, versionUnsupported } from '@dist-space/oplog-storage';
import { DistSpaceError } from '@dist-space/ot-core';
import { open, type RootDatabase } from 'lmdb';
import { checkDataFile } from './data-file-check.js';
import { type LmdbDatabases, openDatabases } from './databases.js';
import { classify } from './errors.js';
import { LmdbOpLogStore } from './lmdb-store.js';
import { LMDB_STORE_FORMAT_VERSION, LmdbRecordKind } from './records.js';
import { walkLmdbStore } from './verify.js';

/** How to open an {@link LmdbOpLogStore}. */
export interface LmdbOpLogStoreOptions {
  /** The data directory; it holds `data.mdb` and `lock.mdb`. */
  readonly path: string;
  /**
   * Create the directory if it does not exist. Off by default: a missing directory is reported
   * as `DATA_DIR_MISSING`, so that a mistyped path does not quietly start an empty store.
   */
  readonly create?: boolean;
  /**
   * The initial size of the memory map in bytes. lmdb grows the map as the data grows, so this
   * only saves a few remaps; the default is lmdb's.
   */
  readonly mapSize?: number;
}

const WRITER = '@dist-space/oplog-storage-lmdb';

function checkDirectory(path: string, create: boolean): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    if (!create) {
      throw new DistSpaceError(
        'DATA_DIR_MISSING',
        `The data directory ${path} does not exist. Check the path, or pass create: true to start a new store there.`,
        { path },
      );
    }
    try {
      mkdirSync(path, { recursive: true });
    } catch (e) {
      throw classify(e, { path, action: 'creating the data directory' });
    }
    return;
  }
  if (!isDirectory) {
    throw new DistSpaceError(
      'DATA_DIR_MISSING',
      `${path} is a file, not a data directory. Point the store at a directory.`,
      { path },
    );
  }
}

/** Reads the store's format record, writing it into a new store; refuses newer formats. */
function checkFormat(path: string, root: RootDatabase, db: LmdbDatabases): void {
  const at = { record: `format record of ${path}` };
  root.transactionSync(() => {
    const bytes = db.meta.getBinary('store');
    if (bytes === undefined) {
      db.meta.putSync(
        'store',
        Buffer.from(encodeRecord(LmdbRecordKind.StoreInfo, [LMDB_STORE_FORMAT_VERSION, WRITER])),
      );
      return;
    }
    const payload = decodeRecord(bytes, LmdbRecordKind.StoreInfo, at);
    const version = Array.isArray(payload) ? payload[0] : undefined;
    if (typeof version !== 'number') {
      throw new DistSpaceError(
        'STORE_CORRUPT',
        `The store is corrupt: ${at.record} has no version number.`,
        at,
      );
    }
    if (version > LMDB_STORE_FORMAT_VERSION)
      throw versionUnsupported(at, version, LMDB_STORE_FORMAT_VERSION);
  });
}

/**
 * Opens (or, with `create`, creates) an LMDB op log store in a directory. Fails with
 * `DATA_DIR_MISSING` when the directory does not exist, `STORE_CORRUPT` when its data file is
 * not a sound LMDB file (checked before lmdb maps it, see `checkDataFile` and `walkLmdbStore`),
 * `STORE_VERSION_UNSUPPORTED` when it was written by a newer format, and `STORE_IO_ERROR` when
 * the operating system refuses (permissions).
 *
 * Several processes may open the same directory at once: LMDB's lock file serialises their
 * writes, and every append checks the log inside its write transaction, so two writers racing
 * for a revision get one success and one `REVISION_EXISTS`, never a mixed log.
 */
export async function openLmdbOpLogStore(options: LmdbOpLogStoreOptions): Promise<LmdbOpLogStore> {
  const path = resolve(options.path);
  checkDirectory(path, options.create ?? false);
  if (checkDataFile(path) === 'short') await walkLmdbStore(path);
  let root: RootDatabase;
  try {
    root = open({
      path,
      maxDbs: 8,
      // A commit resolves its promises only after LMDB's fdatasync: the durability an append
      // promises. (With lmdb-js's default overlappingSync, promises resolve before the sync.)
      overlappingSync: false,
      noSync: false,
      encoding: 'binary',
      ...(options.mapSize === undefined ? {} : { mapSize: options.mapSize }),
    });
  } catch (e) {
    throw classify(e, { path, action: 'opening the store' });
  }
  try {
    const databases = openDatabases(root);
    checkFormat(path, root, databases);
    return new LmdbOpLogStore(path, root, databases);
  } catch (e) {
    await root.close();
    if (e instanceof DistSpaceError) throw e;
    throw classify(e, { path, action: 'opening the store' });
  }
}
