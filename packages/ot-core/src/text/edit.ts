import {
  buildTree,
  countLines,
  cutsPair,
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
import { codeUnitAt } from './query.js';

// Edits of the rope: replace [from, to) of the tree under `root` by `text`, for the edit session
// `owner`. Nodes `owner` owns are changed in place; every other node on the way is copied first
// (copy on write), so whatever else shares it never sees the change. The caller has checked the
// range and the text; the edit itself finds out, without a second walk down the tree, whether a
// position would cut a surrogate pair, and then changes nothing.

/** Child indexes on the path to the edited leaf; a rope deeper than this cannot fit in memory. */
const path = new Int32Array(64);

/**
 * Where the last in-place edit of a {@link MutableText} happened: the leaf, its position, and
 * the nodes above it, all owned by the edit session. Typing is local, so the next edit usually
 * falls in the same leaf and needs no walk down the tree. Valid while the tree's shape stays as
 * it was: an edit that rebuilds nodes or a snapshot (which gives up ownership) clears it.
 */
export class EditCursor {
  /** The leaf, or null when there is no usable cursor. */
  leaf: RopeNode | null = null;
  /** Where the leaf starts in the text. */
  start = 0;
  /** The nodes from the root down to the leaf's parent. */
  readonly ancestors: RopeNode[] = [];

  /** Forgets the leaf, after the tree changed shape or ownership. */
  clear(): void {
    this.leaf = null;
    this.ancestors.length = 0;
  }
}

/**
 * Replaces [from, to) of the tree under `root` by `text` and returns the new root, or null,
 * having changed nothing, if `from` or `to` falls between the halves of a surrogate pair. Takes
 * the fast path when the edit stays inside one leaf, which is what typing does (and then reuses
 * `cursor`, the session's last edited leaf, when the edit falls in it); anything else rebuilds
 * the touched part.
 */
export function replaceInTree(
  root: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
  cursor: EditCursor | null,
): RopeNode | null {
  if (cursor !== null && cursor.leaf !== null) {
    const done = replaceInCursorLeaf(root, cursor, from, to, text);
    if (done !== undefined) return done ? root : null;
  }
  const done = replaceInLeaf(root, from, to, text, owner, cursor);
  if (done !== undefined) return done;
  if (cutsPairAt(root, from) || (to > from && cutsPairAt(root, to))) return null;
  cursor?.clear();
  return replaceAcrossLeaves(root, from, to, text, owner);
}

/**
 * The cursor's leaf, if [from, to) lies in it and the edit keeps it within its size bounds:
 * edits it in place and returns true, or false for a cut surrogate pair. Returns undefined,
 * having changed nothing, when the edit is not for this leaf.
 */
function replaceInCursorLeaf(
  root: RopeNode,
  cursor: EditCursor,
  from: number,
  to: number,
  text: string,
): boolean | undefined {
  const leaf = cursor.leaf!;
  const ancestors = cursor.ancestors;
  // A cursor from before someone replaced the root is stale.
  if ((ancestors.length === 0 ? leaf : ancestors[0]) !== root) {
    cursor.clear();
    return undefined;
  }
  from -= cursor.start;
  to -= cursor.start;
  if (from < 0 || to > leaf.len) return undefined;
  const newLen = leaf.len - (to - from) + text.length;
  if (newLen > LEAF_MAX || (newLen < LEAF_MIN && ancestors.length > 0)) return undefined;
  const old = leaf.text;
  if (cutsPair(old, from) || (to > from && cutsPair(old, to))) return false;
  const lineDelta = lineDeltaOf(old, from, to, text);
  spliceLeaf(leaf, old, from, to, text, newLen, lineDelta);
  const lenDelta = text.length - (to - from);
  for (let i = 0; i < ancestors.length; i++) {
    const node = ancestors[i]!;
    node.len += lenDelta;
    node.lines += lineDelta;
  }
  return true;
}

/**
 * The fast path: walks down to the leaf holding [from, to) (an insertion at a boundary goes to
 * the end of the left leaf), and splices it if it stays between the leaf size bounds. Returns
 * the new root, null for a cut surrogate pair, or undefined, having changed nothing, when the
 * edit does not fit in one leaf. Records the leaf in `cursor`, if given.
 */
function replaceInLeaf(
  root: RopeNode,
  from: number,
  to: number,
  text: string,
  owner: Owner,
  cursor: EditCursor | null,
): RopeNode | null | undefined {
  let node = root;
  let depth = 0;
  let start = 0;
  while (node.height > 0) {
    const children = node.children;
    const last = children.length - 1;
    let i = 0;
    let child = children[0]!;
    while (i < last && from > child.len) {
      from -= child.len;
      to -= child.len;
      start += child.len;
      child = children[++i]!;
    }
    if (to > child.len) return undefined;
    path[depth++] = i;
    node = child;
  }
  const newLen = node.len - (to - from) + text.length;
  if (newLen > LEAF_MAX || (newLen < LEAF_MIN && depth > 0)) return undefined;
  // Leaf boundaries never split a pair, so only a cut inside this leaf can.
  const old = node.text;
  if (cutsPair(old, from) || (to > from && cutsPair(old, to))) return null;

  const lenDelta = newLen - node.len;
  const lineDelta = lineDeltaOf(old, from, to, text);
  const ancestors = cursor?.ancestors;
  if (ancestors !== undefined) ancestors.length = 0;
  const newRoot = own(root, owner);
  node = newRoot;
  for (let d = 0; d < depth; d++) {
    node.len += lenDelta;
    node.lines += lineDelta;
    ancestors?.push(node);
    const i = path[d]!;
    const child = node.children[i]!;
    const owned = own(child, owner);
    if (owned !== child) node.children[i] = owned;
    node = owned;
  }
  spliceLeaf(node, old, from, to, text, newLen, lineDelta);
  if (cursor !== null) {
    cursor.leaf = node;
    cursor.start = start;
  }
  return newRoot;
}

/** How many line breaks replacing [from, to) of `old` by `text` adds (negative: removes). */
function lineDeltaOf(old: string, from: number, to: number, text: string): number {
  const added = text.length === 1 ? (text === '\n' ? 1 : 0) : countLines(text, 0, text.length);
  return to === from ? added : added - countLines(old, from, to);
}

/** Replaces [from, to) of a leaf whose text is `old` by `text`, of the given effect on its size. */
function spliceLeaf(
  leaf: RopeNode,
  old: string,
  from: number,
  to: number,
  text: string,
  newLen: number,
  lineDelta: number,
): void {
  leaf.text = old.slice(0, from) + text + old.slice(to);
  leaf.len = newLen;
  leaf.lines += lineDelta;
}

/** True when a cut before `pos` (0 < pos < length) would separate a surrogate pair. */
function cutsPairAt(root: RopeNode, pos: number): boolean {
  if (pos <= 0 || pos >= root.len) return false;
  const low = codeUnitAt(root, pos);
  if (low < 0xdc00 || low > 0xdfff) return false;
  const high = codeUnitAt(root, pos - 1);
  return high >= 0xd800 && high <= 0xdbff;
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
