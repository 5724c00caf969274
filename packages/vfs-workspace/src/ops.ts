import type { Change } from '@dist-space/ot-core';
import type { NodeId } from './ids.js';

/**
 * Where a node sits: its parent directory, its name there, and the parent's ancestors. The
 * ancestors (nearest first, ending with the root; `[]` when the parent is the root) are context
 * the transform needs to see cycles between concurrent moves without the workspace; `apply`
 * checks them.
 */
export interface Placement {
  /** The directory holding the node. */
  readonly parent: NodeId;
  /** The node's name in that directory: one valid path segment. */
  readonly name: string;
  /** The ids above `parent`, nearest first, ending with `ROOT_ID`; `[]` when `parent` is the root. */
  readonly ancestors: readonly NodeId[];
}

/** A file and its content, as a delete records it. */
export interface FileSnapshot {
  readonly kind: 'file';
  readonly id: NodeId;
  readonly name: string;
  /** The whole text of the file. */
  readonly content: string;
}

/** A directory and everything beneath it, as a delete records it. */
export interface DirSnapshot {
  readonly kind: 'dir';
  readonly id: NodeId;
  readonly name: string;
  /** The entries of the directory, in any order. */
  readonly children: readonly NodeSnapshot[];
}

/** A node with its subtree and contents: what a delete removed, so that it can be restored. */
export type NodeSnapshot = FileSnapshot | DirSnapshot;

/** Creates a text file `id` with `content` at a {@link Placement}. */
export interface CreateFileOp extends Placement {
  readonly type: 'createFile';
  /** A fresh id (or the id of a deleted node being restored). */
  readonly id: NodeId;
  /** The initial text; well-formed UTF-16. */
  readonly content: string;
}

/** Creates an empty directory `id` at a {@link Placement}. */
export interface CreateDirOp extends Placement {
  readonly type: 'createDir';
  /** A fresh id (or the id of a deleted node being restored). */
  readonly id: NodeId;
}

/**
 * Deletes node `id` and everything beneath it. `removed` records what it deletes (names, ids,
 * contents), which makes the op invertible without the old state and lets the transform see
 * which nodes it covers; `apply` checks that it matches the workspace exactly. The placement is
 * the node's place before the delete.
 */
export interface DeleteOp extends Placement {
  readonly type: 'delete';
  /** The node deleted, never the root. */
  readonly id: NodeId;
  /** The node and its subtree as they are when the op applies; `removed.id === id`. */
  readonly removed: NodeSnapshot;
}

/**
 * Moves and/or renames node `id` to a new {@link Placement}. `from` is where it was, for invert
 * and for the transform (a move may have to be put back where it came from).
 */
export interface MoveOp extends Placement {
  readonly type: 'move';
  /** The node moved, never the root. */
  readonly id: NodeId;
  /** The node's placement before the move. */
  readonly from: Placement;
}

/** Edits the text of file `id` with an ot-core change (positions in UTF-16 code units). */
export interface EditOp {
  readonly type: 'edit';
  /** The file edited. */
  readonly id: NodeId;
  /** The text change; deletes should carry their `deleted` text to make the op invertible. */
  readonly change: Change;
}

/** One workspace operation, discriminated by `type`. Ops are plain data. */
export type WorkspaceOp = CreateFileOp | CreateDirOp | DeleteOp | MoveOp | EditOp;

/**
 * A workspace change: ops applied in order, atomically (all or none), each to the result of the
 * ones before. One change may edit ten files and rename two. `[]` is the identity.
 */
export type WorkspaceChange = readonly WorkspaceOp[];

/** The kinds of {@link WorkspaceOp}. */
export type WorkspaceOpType = WorkspaceOp['type'];

/**
 * An op without its context (ancestors, old placement, deleted subtree, deleted text), as a
 * program that addresses nodes by id writes it; `completeChange` fills the context in from a
 * workspace. A full {@link WorkspaceOp} is also a draft.
 */
export type WorkspaceOpDraft =
  | {
      readonly type: 'createFile';
      readonly id: NodeId;
      readonly parent: NodeId;
      readonly name: string;
      readonly content: string;
    }
  | {
      readonly type: 'createDir';
      readonly id: NodeId;
      readonly parent: NodeId;
      readonly name: string;
    }
  | { readonly type: 'delete'; readonly id: NodeId }
  | { readonly type: 'move'; readonly id: NodeId; readonly parent: NodeId; readonly name: string }
  | EditOp;

/** The full chain of directories above a node at `placement`: its parent first, the root last. */
export function chainOf(placement: Placement): NodeId[] {
  return [placement.parent, ...placement.ancestors];
}

/**
 * True when a change has an op other than an edit: one that can move a path, so a reader of paths
 * (rights, views, transforms) must walk it op by op. Edits alone never do.
 */
export function hasTreeOp(change: WorkspaceChange): boolean {
  for (const op of change) if (op.type !== 'edit') return true;
  return false;
}

/** True for a move that leaves its node where it was. */
export function isNoopMove(op: MoveOp): boolean {
  return op.parent === op.from.parent && op.name === op.from.name;
}
