// The rope's tree: one node class for leaves and branches, so that every property access on the
// hot path sees one hidden class (monomorphic) whatever the node's kind.

/**
 * Most code units in a leaf. Large leaves keep the tree shallow and make a keystroke one short
 * string splice. Replaying automerge-paper (benchmarks/, replay suite) with 256, 512 and 1,024
 * gave the same times within the noise, 128 was slower, 2,048 slower still: a keystroke copies
 * its leaf once (V8 flattens the leaf's string when it is next read), so leaves much larger
 * than this cost more than the shallower tree saves.
 */
export const LEAF_MAX = 1024;
/** Fewest code units in a leaf other than a lone root leaf; smaller leaves merge with a neighbour. */
export const LEAF_MIN = LEAF_MAX >> 2;
/** The size a leaf is cut to when a long string is split, leaving room to type without a split. */
const LEAF_TARGET = (LEAF_MAX * 3) >> 2;
/** Most children of a branch. */
export const BRANCH_MAX = 32;
/** Fewest children of a branch other than the root. */
export const BRANCH_MIN = BRANCH_MAX >> 2;

/**
 * Who may edit a node in place: the token of the {@link MutableText} edit session that created
 * it, or null for a node no one may change (made by `Text.of` or a persistent edit). A node is
 * never changed by anyone else, and a session gives up its token when it takes a snapshot, so a
 * node reachable from a snapshot is never changed again.
 */
export type Owner = object | null;

/** A node of the rope. A leaf has `height` 0 and `text`; a branch has `children`, all one height. */
export class RopeNode {
  constructor(
    /** 0 for a leaf; a branch is one more than its children. */
    public height: number,
    /** Code units below this node. */
    public len: number,
    /** Line breaks (`\n`) below this node. */
    public lines: number,
    /** A leaf's text; '' for a branch. */
    public text: string,
    /** A branch's children; empty for a leaf. */
    public children: RopeNode[],
    /** The edit session that may change this node in place. */
    public owner: Owner,
  ) {}
}

const NO_CHILDREN: RopeNode[] = [];

/** A leaf holding `text`. */
export function leaf(text: string, owner: Owner): RopeNode {
  return new RopeNode(0, text.length, countLines(text, 0, text.length), text, NO_CHILDREN, owner);
}

/** A branch over `children`, which must share one height. */
export function branch(children: RopeNode[], owner: Owner): RopeNode {
  let len = 0;
  let lines = 0;
  for (let i = 0; i < children.length; i++) {
    len += children[i]!.len;
    lines += children[i]!.lines;
  }
  return new RopeNode(children[0]!.height + 1, len, lines, '', children, owner);
}

/**
 * `node` itself if `owner` may change it in place, else a shallow copy that `owner` owns. The
 * null owner (a persistent edit, or `Text.of`) may change nothing in place: it always copies.
 */
export function own(node: RopeNode, owner: Owner): RopeNode {
  if (owner !== null && node.owner === owner) return node;
  return new RopeNode(
    node.height,
    node.len,
    node.lines,
    node.text,
    node.height === 0 ? NO_CHILDREN : node.children.slice(),
    owner,
  );
}

/** How many `\n` code units `text` holds in [from, to). */
export function countLines(text: string, from: number, to: number): number {
  let count = 0;
  let at = text.indexOf('\n', from);
  while (at !== -1 && at < to) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}

/** True when a cut of `text` before `pos` would separate a surrogate pair (never at 0 or the end). */
export function cutsPair(text: string, pos: number): boolean {
  const low = text.charCodeAt(pos);
  if (low < 0xdc00 || low > 0xdfff) return false;
  const high = text.charCodeAt(pos - 1);
  return high >= 0xd800 && high <= 0xdbff;
}

/**
 * Cuts `text` into leaves of at most {@link LEAF_MAX} code units, of nearly equal size, never
 * between the two halves of a surrogate pair (so that every chunk of a well-formed text is
 * well-formed on its own). The empty string gives no leaves.
 */
export function leavesOf(text: string, owner: Owner): RopeNode[] {
  const n = text.length;
  if (n === 0) return [];
  if (n <= LEAF_MAX) return [leaf(text, owner)];
  const count = Math.ceil(n / LEAF_TARGET);
  const out: RopeNode[] = new Array(count);
  let start = 0;
  for (let i = 1; i <= count; i++) {
    let end = i === count ? n : Math.round((n * i) / count);
    if (end < n && cutsPair(text, end)) end++;
    out[i - 1] = leaf(ownCopy(text, start, end), owner);
    start = end;
  }
  return out;
}

/**
 * `text.slice(from, to)` backed by a string of its own. V8 makes a slice of 13 or more code
 * units a view into the whole string, so leaves cut from one long string would keep all of it
 * alive for as long as any of them is unchanged: after an edit across leaves rebuilt them from
 * the concatenated text, a replay of rustcode held four times its text. Slicing a fresh
 * concatenation copies the piece into a new string only this leaf refers to.
 */
function ownCopy(text: string, from: number, to: number): string {
  return `${text.slice(from, to)} `.slice(0, -1);
}

/**
 * Groups nodes of one height under as few branches as fit, of nearly equal size, so that each
 * new branch has at least {@link BRANCH_MIN} children when there are that many nodes in all.
 */
export function groupIntoBranches(nodes: RopeNode[], owner: Owner): RopeNode[] {
  const n = nodes.length;
  if (n <= BRANCH_MAX) return [branch(nodes, owner)];
  const count = Math.ceil(n / BRANCH_MAX);
  const out: RopeNode[] = new Array(count);
  let start = 0;
  for (let i = 1; i <= count; i++) {
    const end = i === count ? n : Math.round((n * i) / count);
    out[i - 1] = branch(nodes.slice(start, end), owner);
    start = end;
  }
  return out;
}

/** Builds a balanced tree over `nodes` (all one height); an empty list gives an empty leaf. */
export function buildTree(nodes: RopeNode[], owner: Owner): RopeNode {
  if (nodes.length === 0) return leaf('', owner);
  while (nodes.length > 1) nodes = groupIntoBranches(nodes, owner);
  return nodes[0]!;
}

/** True when a node holds less than a non-root node should. */
export function isUnderfull(node: RopeNode): boolean {
  return node.height === 0 ? node.len < LEAF_MIN : node.children.length < BRANCH_MIN;
}

/**
 * Merges two neighbouring nodes of one height into one, or two of balanced size when one would
 * be too big.
 */
export function mergeNeighbours(left: RopeNode, right: RopeNode, owner: Owner): RopeNode[] {
  if (left.height === 0) return leavesOf(left.text + right.text, owner);
  const children = left.children.concat(right.children);
  // An underfull node can sit at the edge of a branch that is itself underfull only because
  // it had no sibling to merge with; joining the branches makes them siblings, so merge them
  // now, down to the leaves, or small leaves would pile up and deepen the tree.
  const seam = left.children.length;
  if (isUnderfull(children[seam - 1]!) || isUnderfull(children[seam]!)) {
    children.splice(seam - 1, 2, ...mergeNeighbours(children[seam - 1]!, children[seam]!, owner));
  }
  if (children.length <= BRANCH_MAX) return [branch(children, owner)];
  const half = children.length >> 1;
  return [branch(children.slice(0, half), owner), branch(children.slice(half), owner)];
}
