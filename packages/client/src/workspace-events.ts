import type { DistSpaceError } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  type NodeId,
  type TransformNote,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import type { Emitter } from './emitter.js';
import type { PeerPresence } from './presence.js';

/** A change applied to the local state, and whose it was. */
export interface ChangeEvent {
  /** The change as applied here. */
  readonly change: WorkspaceChange;
  /** True for this client's own change (made here, or its undo or redo). */
  readonly local: boolean;
  /** Who made it: the subject of the author's token; this client's for a local change. */
  readonly author: string;
  /** The revision it became, for a remote change. */
  readonly revision?: number;
}

/** The events of a {@link WorkspaceHandle}. */
export interface WorkspaceEvents {
  /** Any change to the local state, local or remote. */
  change: (event: ChangeEvent) => void;
  /** A file or directory appeared. */
  created: (event: {
    readonly id: NodeId;
    readonly path: string;
    readonly kind: 'file' | 'dir';
    readonly local: boolean;
  }) => void;
  /** A file or directory (with its subtree) went away. */
  deleted: (event: { readonly id: NodeId; readonly path: string; readonly local: boolean }) => void;
  /** A file or directory moved or was renamed. */
  renamed: (event: {
    readonly id: NodeId;
    readonly from: string;
    readonly to: string;
    readonly local: boolean;
  }) => void;
  /** Someone's cursors or state changed (or they left: `peer` undefined). */
  presence: (event: {
    readonly sessionId: string;
    readonly peer: PeerPresence | undefined;
  }) => void;
  /**
   * The server refused one of our changes, or this client did before sending it because the
   * session's scopes forbid it (`PERMISSION_DENIED`: ops a rebase or a rollback made that the
   * session may not make); it was rolled back here. Also an undo or redo the scopes forbid,
   * refused before it was applied (see {@link WorkspaceHandle.undo}).
   */
  rejected: (event: { readonly error: DistSpaceError; readonly change: WorkspaceChange }) => void;
  /** Concurrent changes renamed or dropped some of our pending ops. */
  altered: (event: { readonly notes: readonly TransformNote[] }) => void;
  /**
   * The state was replaced from a server snapshot and our pending changes rebased onto it;
   * `dropped` holds what could not be: tree ops whose node or directory is gone, and edits of a
   * file that is gone (deleted, or out of this session's sight).
   */
  rebased: (event: { readonly revision: number; readonly dropped: readonly WorkspaceOp[] }) => void;
  /**
   * A message from the server could not be applied to the local state (`OUT_OF_STEP`: a bug, in
   * the client or the server). The workspace is being reloaded from a snapshot, with the pending
   * changes rebased onto it (a `rebased` event follows); nothing is lost, and nothing is thrown.
   */
  outOfStep: (event: { readonly error: DistSpaceError }) => void;
  /** Every pending change is acknowledged. */
  synced: () => void;
  /**
   * Saving the pending state to the client's `PendingStore` failed (the disk is full, the store
   * is unwritable): until a later save succeeds, a crash would lose unacknowledged edits. The
   * next change tries again.
   */
  storeFailed: (event: { readonly error: unknown }) => void;
}

/**
 * Emits the tree events (`created`, `deleted`, `renamed`) of `change`, applied to `before`: op
 * by op, with the paths of each step.
 */
export function emitTreeEvents(
  emit: Emitter<WorkspaceEvents>['emit'],
  change: WorkspaceChange,
  before: Workspace,
  local: boolean,
): void {
  let current = before;
  for (const op of change) {
    if (op.type === 'edit') continue;
    const next = applyWorkspaceChange(current, [op]);
    if (!next.ok) return; // cannot happen for a change that applied as a whole
    const after = next.value;
    if (op.type === 'createFile' || op.type === 'createDir') {
      const path = after.pathOf(op.id);
      const kind = op.type === 'createFile' ? 'file' : 'dir';
      if (path !== undefined) emit('created', { id: op.id, path, kind, local });
    } else if (op.type === 'delete') {
      const path = current.pathOf(op.id);
      if (path !== undefined) emit('deleted', { id: op.id, path, local });
    } else {
      const from = current.pathOf(op.id);
      const to = after.pathOf(op.id);
      if (from !== undefined && to !== undefined) emit('renamed', { id: op.id, from, to, local });
    }
    current = after;
  }
}
