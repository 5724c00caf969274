/**
 * `@dist-space/oplog-storage`: where a workspace's history lives. The {@link OpLogStore}
 * interface every storage adapter implements, an in-memory adapter, and the record codec
 * (msgpack with a format version byte and a CRC-32C checksum) adapters share. The conformance
 * suite for adapters is in the `@dist-space/oplog-storage/testing` subpath. {@link PersistentWorkspace}
 * keeps a `@dist-space/vfs-workspace` workspace in a store: load, append, background snapshots,
 * truncation and history.
 *
 * @packageDocumentation
 */

export { crc32c } from './crc32c.js';
export {
  type RecordLocation,
  storeClosed,
  storeCorrupt,
  versionUnsupported,
  workspaceNotFound,
} from './errors.js';
export { compareCodeUnits, MemoryOpLogData, MemoryOpLogStore } from './memory-store.js';
export type { HistoryEntry } from './persistent/history-entry.js';
export { approximateSize, type PersistentWorkspaceOptions } from './persistent/options.js';
export { type ChangeToAppend, PersistentWorkspace } from './persistent/persistent-workspace.js';
export {
  decodeChange,
  decodeRecord,
  decodeSnapshot,
  encodeChange,
  encodeRecord,
  encodeSnapshot,
  RECORD_FORMAT_VERSION,
  RECORD_HEADER_BYTES,
  RecordKind,
} from './record-codec.js';
export type { OpLogStore, StoredChange, StoredSnapshot } from './types.js';
export {
  checkBatchAgainstLog,
  checkReadStart,
  checkRevision,
  checkSnapshotRevision,
  checkTruncation,
  checkWorkspaceName,
  encodeBatch,
  encodeSnapshotChecked,
  MAX_NAME_LENGTH,
} from './validate.js';
