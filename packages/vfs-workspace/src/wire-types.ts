import type { WireOp } from '@dist-space/ot-core';
import type { NodeId } from './ids.js';
import type { NodeSnapshot } from './ops.js';

/**
 * A {@link NodeSnapshot} on the wire: `[id, name, content]` for a file, `[id, name, children]`
 * for a directory.
 */
export type WireSnapshot =
  | readonly [id: NodeId, name: string, content: string]
  | readonly [id: NodeId, name: string, children: readonly WireSnapshot[]];

/**
 * The compact wire form of a workspace op, for msgpack and JSON: a tuple led by a kind number.
 *
 * - `[0, id, parent, name, ancestors, content]` createFile
 * - `[1, id, parent, name, ancestors]` createDir
 * - `[2, id, parent, name, ancestors, removed]` delete
 * - `[3, id, parent, name, ancestors, fromParent, fromName, fromAncestors]` move
 * - `[4, id, textChange]` edit, with the text change as ot-core `WireOp` tuples
 */
export type WireWorkspaceOp =
  | readonly [0, NodeId, NodeId, string, readonly NodeId[], string]
  | readonly [1, NodeId, NodeId, string, readonly NodeId[]]
  | readonly [2, NodeId, NodeId, string, readonly NodeId[], WireSnapshot]
  | readonly [3, NodeId, NodeId, string, readonly NodeId[], NodeId, string, readonly NodeId[]]
  | readonly [4, NodeId, readonly WireOp[]];

/** A node of a workspace snapshot: `[id, parent, name]` for a directory, `[id, parent, name, content]` for a file. */
export type WireNode =
  | readonly [id: NodeId, parent: NodeId, name: string]
  | readonly [id: NodeId, parent: NodeId, name: string, content: string];

/**
 * A whole workspace on the wire: every node but the root, each after its parent, files with
 * their content. `format` is 1.
 */
export interface WireWorkspace {
  readonly format: 1;
  readonly nodes: readonly WireNode[];
}
