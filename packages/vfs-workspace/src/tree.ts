import { freeze } from 'immer';
import { type NodeId, ROOT_ID } from './ids.js';

/** A text file in the tree. Its content lives outside the tree, in the workspace's documents. */
export interface FileNode {
  readonly kind: 'file';
  readonly id: NodeId;
  readonly parent: NodeId;
  readonly name: string;
}

/** A directory in the tree; `children` maps each entry's name to its id. */
export interface DirNode {
  readonly kind: 'dir';
  readonly id: NodeId;
  /** The parent directory; `null` only for the root. */
  readonly parent: NodeId | null;
  /** The name in the parent; `""` for the root. */
  readonly name: string;
  /** Entry name -> id. An object without prototype, so that any valid name is a safe key. */
  readonly children: Readonly<Record<string, NodeId>>;
}

/** A node of the file tree. */
export type TreeNode = FileNode | DirNode;

/**
 * The file tree: plain objects managed by immer (structural sharing between versions, frozen).
 * `nodes` maps every id, the root's included, to its node; `count` is the number of nodes
 * without the root. Both objects have no prototype, so ids and names are safe keys.
 */
export interface WorkspaceTree {
  readonly nodes: Readonly<Record<NodeId, TreeNode>>;
  readonly count: number;
}

/** An empty object without prototype, for records keyed by names and ids. */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** The tree holding only the root directory. */
export const EMPTY_TREE: WorkspaceTree = freeze(
  {
    nodes: Object.assign(emptyRecord<TreeNode>(), {
      [ROOT_ID]: { kind: 'dir', id: ROOT_ID, parent: null, name: '', children: emptyRecord() },
    }),
    count: 0,
  },
  true,
);

/**
 * The ids above directory `dir`, nearest first, ending with the root: the `ancestors` of a
 * placement whose parent is `dir`. Bounded by the number of nodes, so a corrupt tree with a
 * cycle cannot hang it.
 */
export function ancestorsAbove(nodes: Readonly<Record<NodeId, TreeNode>>, dir: NodeId): NodeId[] {
  const out: NodeId[] = [];
  let current = nodes[dir]?.parent ?? null;
  while (current !== null && out.length <= 1_000_000) {
    out.push(current);
    current = nodes[current]?.parent ?? null;
  }
  return out;
}
