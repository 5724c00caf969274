/**
 * `@dist-space/oplog-storage-lmdb`: the embedded default {@link OpLogStore} of Dist-Space, on
 * LMDB through the `lmdb` package (whose native binary ships in its npm tarball). Durable,
 * group-committed appends; one environment with named databases for the log, snapshots, the
 * dedupe index and metadata; safe to open from several processes.
 *
 * @packageDocumentation
 */

import type { OpLogStore } from '@dist-space/oplog-storage';

export { checkDataFile, type DataFileCheck } from './data-file-check.js';
export type { LmdbDatabases } from './databases.js';
export { LmdbOpLogStore } from './lmdb-store.js';
export { type LmdbOpLogStoreOptions, openLmdbOpLogStore } from './open.js';
export { LMDB_STORE_FORMAT_VERSION, LmdbRecordKind } from './records.js';
export { type LmdbWalkReport, walkLmdbStore } from './verify.js';

/** The interface this package implements, re-exported for convenience. */
export type { OpLogStore };
