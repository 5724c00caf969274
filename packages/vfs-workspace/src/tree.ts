import { type Draft, freeze, Immer } from 'immer';
import { hashOf } from './hash.js';
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

/** How many shards the node map is split into. */
export const SHARD_COUNT = 256;

/**
 * The file tree: plain objects managed by immer (structural sharing between versions, frozen).
 * Every node, the root's included, is in `shards[shardOf(id)]` under its id: a flat map of
 * 10,000 entries would make immer copy and walk all of them on every tree op, while a change
 * that moves a directory touches three or four shards of a few dozen entries. `count` is the
 * number of nodes without the root. Shards and `children` have no prototype, so ids and names
 * are safe keys. Read it through `Workspace.node(id)` rather than directly.
 */
export interface WorkspaceTree {
  readonly shards: readonly Readonly<Record<NodeId, TreeNode>>[];
  readonly count: number;
}

/** The shard that holds node `id`. */
export function shardOf(id: NodeId): number {
  return hashOf(id) & (SHARD_COUNT - 1);
}

/** The node `id` of a tree or of a draft of one, or undefined. */
export function getNode(tree: WorkspaceTree, id: unknown): TreeNode | undefined {
  return typeof id === 'string' ? tree.shards[shardOf(id)]![id] : undefined;
}

/** Puts `node` into a draft tree (not counting it). */
export function putNode(tree: Draft<WorkspaceTree>, node: TreeNode): void {
  (tree.shards[shardOf(node.id)] as Record<NodeId, TreeNode>)[node.id] = node;
}

/** Takes node `id` out of a draft tree (not counting it). */
export function dropNode(tree: Draft<WorkspaceTree>, id: NodeId): void {
  delete tree.shards[shardOf(id)]![id];
}

/** Every node of a tree, the root's included, in no particular order. */
export function* allNodes(tree: WorkspaceTree): Generator<TreeNode> {
  for (const shard of tree.shards) for (const id in shard) yield shard[id]!;
}

/** An empty object without prototype, for records keyed by names and ids. */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** Empty shards, ready to be filled and then frozen. */
export function emptyShards(): Record<NodeId, TreeNode>[] {
  return Array.from({ length: SHARD_COUNT }, () => emptyRecord<TreeNode>());
}

/** The root directory of a new tree. */
export function rootNode(): DirNode {
  return { kind: 'dir', id: ROOT_ID, parent: null, name: '', children: emptyRecord() };
}

/** The tree holding only the root directory. */
export const EMPTY_TREE: WorkspaceTree = (() => {
  const shards = emptyShards();
  shards[shardOf(ROOT_ID)]![ROOT_ID] = rootNode();
  return freeze({ shards, count: 0 }, true);
})();

/**
 * The ids above directory `dir`, nearest first, ending with the root: the `ancestors` of a
 * placement whose parent is `dir`. Bounded by the number of nodes, so a corrupt tree with a
 * cycle cannot hang it.
 */
export function ancestorsAbove(tree: WorkspaceTree, dir: NodeId): NodeId[] {
  const out: NodeId[] = [];
  let current = getNode(tree, dir)?.parent ?? null;
  while (current !== null && out.length <= 1_000_000) {
    out.push(current);
    current = getNode(tree, current)?.parent ?? null;
  }
  return out;
}

/**
 * The immer instance that drafts trees. Its own auto-freeze is off because immer deep-freezes
 * the whole result, which calls `Object.isFrozen` on every shard and costs time proportional to
 * the workspace (V8 checks each property of a large object); {@link freezeChanges} freezes
 * exactly what a change made, so a tree op costs time proportional to what it touched.
 */
export const treeImmer = new Immer({ autoFreeze: false });

/** Freezes every object of `next` that is not shared with `base`: the copies a change made. */
export function freezeChanges(base: WorkspaceTree, next: WorkspaceTree): void {
  if (next === base) return;
  Object.freeze(next);
  if (next.shards === base.shards) return;
  Object.freeze(next.shards);
  for (let i = 0; i < next.shards.length; i++) {
    const shard = next.shards[i]!;
    const old = base.shards[i]!;
    if (shard === old) continue;
    Object.freeze(shard);
    for (const id in shard) {
      const node = shard[id]!;
      const before = old[id];
      if (node === before) continue;
      Object.freeze(node);
      if (node.kind === 'dir' && (before?.kind !== 'dir' || before.children !== node.children)) {
        Object.freeze(node.children);
      }
    }
  }
}
