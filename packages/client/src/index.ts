/**
 * `@dist-space/client`: the Dist-Space SDK for Node and browsers. Connect to a server, open
 * workspaces, edit their files optimistically (one change in flight, the rest buffered, remote
 * changes merged by OT), reconnect without losing or doubling a change, undo your own edits,
 * share and see cursors. No Node built-ins: Node programs add `@dist-space/client/node`.
 *
 * @packageDocumentation
 */

/** The verbs of a scope, for {@link WorkspaceHandle.allows}. */
export type { Verb } from '@dist-space/permissions';
export { backoffDelay, type ReconnectOptions } from './backoff.js';
export { Client, type ClientEvents } from './client.js';
export type { ClientOptions, Connector } from './client-options.js';
export { Emitter, type Off } from './emitter.js';
export {
  IndexedDbPendingStore,
  type IndexedDbPendingStoreOptions,
  type LockManagerLike,
} from './indexeddb-store.js';
export { mapFiles, type PeerPresence } from './presence.js';
export { type RebaseResult, rebasePending } from './rebase.js';
export type { ConnectionState } from './session-link.js';
export {
  claimSlot,
  MemoryPendingStore,
  type PendingStore,
  type PersistedWorkspace,
} from './storage.js';
export { type InFlight, type RemoteApplied, SyncState } from './sync-state.js';
export { diffText, mergeText } from './text-merge.js';
export { UndoHistory, type UndoOptions } from './undo.js';
export type { ChangeEvent, WorkspaceEvents } from './workspace-events.js';
export {
  type ChangeSteps,
  type HandleLink,
  type OpenOptions,
  WorkspaceHandle,
} from './workspace-handle.js';
