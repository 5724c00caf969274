import { type Change, tryApply } from '@dist-space/ot-core';
import type { NodeId } from '../ids.js';
import type { DirSnapshot, NodeSnapshot } from '../ops.js';

// Functions on the subtree a delete records. They rebuild only the path from the root of the
// snapshot to the node concerned and share the rest.

const idSets = new WeakMap<NodeSnapshot, ReadonlySet<NodeId>>();

/** Every id in a snapshot, its root's included; cached per snapshot object. */
export function idsOf(snapshot: NodeSnapshot): ReadonlySet<NodeId> {
  let ids = idSets.get(snapshot);
  if (ids === undefined) {
    const set = new Set<NodeId>();
    const stack: NodeSnapshot[] = [snapshot];
    while (stack.length > 0) {
      const s = stack.pop()!;
      set.add(s.id);
      if (s.kind === 'dir') stack.push(...s.children);
    }
    ids = set;
    idSets.set(snapshot, ids);
  }
  return ids;
}

/** The snapshot of node `id` within `snapshot`, or undefined. */
export function findIn(snapshot: NodeSnapshot, id: NodeId): NodeSnapshot | undefined {
  if (snapshot.id === id) return snapshot;
  if (snapshot.kind === 'file' || !idsOf(snapshot).has(id)) return undefined;
  for (const child of snapshot.children) {
    const found = findIn(child, id);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `snapshot` with the node `id` replaced by `fn(node)` (or removed when `fn` returns undefined). */
function updateIn(
  snapshot: NodeSnapshot,
  id: NodeId,
  fn: (node: NodeSnapshot) => NodeSnapshot | undefined,
): NodeSnapshot | undefined {
  if (snapshot.id === id) return fn(snapshot);
  if (snapshot.kind === 'file' || !idsOf(snapshot).has(id)) return snapshot;
  const children: NodeSnapshot[] = [];
  for (const child of snapshot.children) {
    const next = idsOf(child).has(id) ? updateIn(child, id, fn) : child;
    if (next !== undefined) children.push(next);
  }
  return { ...snapshot, children };
}

/** `snapshot` without the subtree of `id` (which must be strictly inside it). */
export function withoutSubtree(snapshot: NodeSnapshot, id: NodeId): NodeSnapshot {
  return updateIn(snapshot, id, () => undefined) ?? snapshot;
}

// The functions below never throw: for a record that does not fit the concurrent op (which
// only an invalid change can carry), they leave it as it is, and apply rejects the change later
// with CONTEXT_MISMATCH.

/** `snapshot` with the file `id`'s content changed by `change` (valid on that content). */
export function withEditedContent(
  snapshot: NodeSnapshot,
  id: NodeId,
  change: Change,
): NodeSnapshot {
  return updateIn(snapshot, id, (node) => {
    if (node.kind !== 'file') return node;
    const edited = tryApply(node.content, change);
    return edited.ok ? { ...node, content: edited.value } : node;
  })!;
}

/**
 * `snapshot` with the subtree of `id` moved under directory `parent` as `name`; both inside
 * `snapshot`, `id` not the root of it and not an ancestor of `parent`.
 */
export function withMovedSubtree(
  snapshot: NodeSnapshot,
  id: NodeId,
  parent: NodeId,
  name: string,
): NodeSnapshot {
  const subtree = findIn(snapshot, id);
  const target = findIn(snapshot, parent);
  if (
    subtree === undefined ||
    subtree === snapshot ||
    target?.kind !== 'dir' ||
    idsOf(subtree).has(parent)
  ) {
    return snapshot;
  }
  const moved = { ...subtree, name };
  const without = withoutSubtree(snapshot, id);
  return updateIn(without, parent, (dir) => ({
    ...(dir as DirSnapshot),
    children: [...(dir as DirSnapshot).children, moved],
  }))!;
}
