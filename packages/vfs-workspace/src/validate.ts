import { isNameAllowedFor } from './conflict-name.js';
import { isNodeId, type NodeId, ROOT_ID } from './ids.js';
import { checkName } from './paths.js';
import { allNodes, getNode, shardOf } from './tree.js';
import type { Workspace } from './workspace.js';

/** The invariants of a workspace, as `validateWorkspace` names them. */
export type WorkspaceInvariant =
  | 'root-is-directory'
  | 'valid-id'
  | 'parent-exists'
  | 'parent-is-directory'
  | 'listed-in-parent'
  | 'entry-points-back'
  | 'valid-name'
  | 'name-reserved'
  | 'no-cycle'
  | 'reachable'
  | 'file-has-text'
  | 'text-has-file'
  | 'node-count';

/** One broken invariant. */
export interface InvariantViolation {
  readonly invariant: WorkspaceInvariant;
  /** The node concerned. */
  readonly id: NodeId;
  readonly message: string;
}

/**
 * Checks every invariant of the tree and returns the broken ones (`[]` for a sound workspace):
 * the root is a directory; every other node has a valid id and name, a parent that exists, is a
 * directory and lists it under its name (so sibling names are unique); every entry points back;
 * no cycle; every node is reachable from the root; every file has a text and every text a file;
 * the node count is right. Apply keeps these by construction; the tests call this after every
 * step, and a loader of untrusted state can call it too.
 */
export function validateWorkspace(ws: Workspace): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const tree = ws.tree;
  const nodeOf = (id: NodeId) => getNode(tree, id);
  const add = (invariant: WorkspaceInvariant, id: NodeId, message: string) => {
    out.push({ invariant, id, message });
  };
  const root = nodeOf(ROOT_ID);
  if (root === undefined || root.kind !== 'dir' || root.parent !== null) {
    add('root-is-directory', ROOT_ID, 'The root is missing, not a directory, or has a parent.');
    return out;
  }
  tree.shards.forEach((shard, s) => {
    for (const key in shard) {
      if (shard[key]!.id !== key || shardOf(key) !== s) {
        add('valid-id', key, `Node ${key} is filed under the wrong key or shard.`);
      }
    }
  });
  const all = [...allNodes(tree)];
  for (const node of all) {
    const id = node.id;
    if (node.kind === 'dir') {
      for (const name of Object.keys(node.children)) {
        const child = nodeOf(node.children[name]!);
        if (child === undefined || child.parent !== id || child.name !== name) {
          add(
            'entry-points-back',
            id,
            `Entry "${name}" of ${id} does not point to a node placed there.`,
          );
        }
      }
    }
    if (id === ROOT_ID) continue;
    if (!isNodeId(id)) add('valid-id', id, `Node ${id} has an invalid id.`);
    if (checkName(node.name) !== undefined)
      add('valid-name', id, `Node ${id} has an invalid name.`);
    else if (!isNameAllowedFor(node.name, id)) {
      add('name-reserved', id, `Node ${id} carries another node's conflict marker.`);
    }
    const parent = node.parent === null ? undefined : nodeOf(node.parent);
    if (parent === undefined) add('parent-exists', id, `The parent of ${id} does not exist.`);
    else if (parent.kind !== 'dir')
      add('parent-is-directory', id, `The parent of ${id} is a file.`);
    else if (parent.children[node.name] !== id) {
      add('listed-in-parent', id, `${id} is not listed in its parent under "${node.name}".`);
    }
    let steps = 0;
    let up: NodeId | null = node.parent;
    while (up !== null && up !== ROOT_ID && steps <= all.length) {
      up = nodeOf(up)?.parent ?? null;
      steps++;
    }
    if (up !== ROOT_ID) add('no-cycle', id, `Walking up from ${id} never reaches the root.`);
    if (node.kind === 'file' && ws.documents.get(id) === undefined) {
      add('file-has-text', id, `File ${id} has no text.`);
    }
  }
  const seen = new Set<NodeId>([ROOT_ID]);
  const stack: NodeId[] = [ROOT_ID];
  while (stack.length > 0) {
    const node = nodeOf(stack.pop()!);
    if (node?.kind !== 'dir') continue;
    for (const child of Object.values(node.children)) {
      if (!seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  for (const node of all) {
    if (!seen.has(node.id))
      add('reachable', node.id, `${node.id} cannot be reached from the root.`);
  }
  for (const [id] of ws.documents.entries()) {
    if (nodeOf(id)?.kind !== 'file')
      add('text-has-file', id, `There is a text for ${id}, which is not a file.`);
  }
  if (tree.count !== all.length - 1) {
    add(
      'node-count',
      ROOT_ID,
      `The node count is ${tree.count}, but there are ${all.length - 1} nodes.`,
    );
  }
  return out;
}
