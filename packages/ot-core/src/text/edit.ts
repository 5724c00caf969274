import {
  buildTree,
  countLines,
  groupIntoBranches,
  isUnderfull,
  LEAF_MAX,
  LEAF_MIN,
  leavesOf,
  mergeNeighbours,
  type Owner,
  own,
  type RopeNode,
} from './node.js';

// Edits of the rope: replace [from, to) of the tree under `root` by `text`, for the edit session
// `owner`. Nodes `owner` owns are changed in place; every other node on the way is copied first
// (copy on write), so whatever else shares it never sees the change. The caller has checked the
// range. Returns the new root.

/** Child indexes on the path to the edited leaf; a rope deeper than this cannot fit in memory. */
const path = new Int32Array(64);

/**
 * Replaces [from, to) of the tree under `root` by `text`. Takes the fast path when the edit
 * stays inside one leaf, which is what typing does; anything else rebuilds the touched part.
 */
export function replaceInTree(
  root: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
): RopeNode {
  return (
    replaceInLeaf(root, from, to, text, owner) ?? replaceAcrossLeaves(root, from, to, text, owner)
  );
}

/**
 * The fast path: walks down to the leaf holding [from, to) (an insertion at a boundary goes to
 * the end of the left leaf), and splices it if it stays between the leaf size bounds. Returns
 * null, having changed nothing, when the edit does not fit in one leaf.
 */
function replaceInLeaf(
  root: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
): RopeNode | null {
  let node = root;
  let depth = 0;
  while (node.height > 0) {
    const children = node.children;
    const last = children.length - 1;
    let i = 0;
    let child = children[0]!;
    while (i < last && from > child.len) {
      from -= child.len;
      to -= child.len;
      child = children[++i]!;
    }
    if (to > child.len) return null;
    path[depth++] = i;
    node = child;
  }
  const newLen = node.len - (to - from) + text.length;
  if (newLen > LEAF_MAX || (newLen < LEAF_MIN && depth > 0)) return null;

  const old = node.text;
  const lineDelta =
    (text.length === 1 ? (text === '\n' ? 1 : 0) : countLines(text, 0, text.length)) -
    (to === from ? 0 : countLines(old, from, to));
  const lenDelta = newLen - node.len;

  const newRoot = own(root, owner);
  node = newRoot;
  for (let d = 0; d < depth; d++) {
    node.len += lenDelta;
    node.lines += lineDelta;
    const i = path[d]!;
    const child = node.children[i]!;
    const owned = own(child, owner);
    if (owned !== child) node.children[i] = owned;
    node = owned;
  }
  node.text = old.slice(0, from) + text + old.slice(to);
  node.len = newLen;
  node.lines += lineDelta;
  return newRoot;
}

/**
 * The general path: rebuilds the nodes that [from, to) touches, drops those it covers, and
 * rebalances on the way up, so every leaf stays at one depth and every node on the edited path
 * stays within its size bounds. Costs O(log n) plus the size of the inserted text and the number
 * of nodes removed.
 */
function replaceAcrossLeaves(
  root: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
): RopeNode {
  let top = buildTree(replaceInNode(root, from, to, text, owner), owner);
  // A root with one child is a level too many.
  while (top.height > 0 && top.children.length === 1) top = top.children[0]!;
  return top;
}

/** Replaces [from, to) in `node`; returns the nodes, of `node`'s height, that take its place. */
function replaceInNode(
  node: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
): RopeNode[] {
  if (node.height === 0) {
    const old = node.text;
    return leavesOf(old.slice(0, from) + text + old.slice(to), owner);
  }
  const children = node.children;
  const last = children.length - 1;
  let first = 0;
  let firstStart = 0;
  while (first < last && from > firstStart + children[first]!.len) {
    firstStart += children[first]!.len;
    first++;
  }
  let end = first;
  let endStart = firstStart;
  while (end < last && to > endStart + children[end]!.len) {
    endStart += children[end]!.len;
    end++;
  }
  const kept: RopeNode[] = children.slice(0, first);
  const touchedFrom = kept.length;
  if (first === end) {
    append(kept, replaceInNode(children[first]!, from - firstStart, to - firstStart, text, owner));
  } else {
    const head = children[first]!;
    append(kept, replaceInNode(head, from - firstStart, head.len, text, owner));
    append(kept, replaceInNode(children[end]!, 0, to - endStart, '', owner));
  }
  const touchedTo = kept.length;
  for (let i = end + 1; i <= last; i++) kept.push(children[i]!);
  mergeUnderfull(kept, touchedFrom, touchedTo, owner);
  return kept.length === 0 ? kept : groupIntoBranches(kept, owner);
}

/**
 * Merges each underfull node in nodes[from, to) (the ones an edit rebuilt) with a neighbour,
 * so that only the root can stay underfull.
 */
function mergeUnderfull(nodes: RopeNode[], from: number, to: number, owner: Owner): void {
  for (let i = Math.min(to, nodes.length) - 1; i >= from; i--) {
    if (i >= nodes.length || nodes.length < 2 || !isUnderfull(nodes[i]!)) continue;
    const at = i + 1 < nodes.length ? i : i - 1;
    const merged = mergeNeighbours(nodes[at]!, nodes[at + 1]!, owner);
    nodes.splice(at, 2, ...merged);
  }
}

function append(into: RopeNode[], items: RopeNode[]): void {
  for (let i = 0; i < items.length; i++) into.push(items[i]!);
}
