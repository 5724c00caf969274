import { BRANCH_MAX, BRANCH_MIN, LEAF_MAX, LEAF_MIN, type RopeNode } from '../../src/text/node.js';

/**
 * Checks the rope's structural invariants under `root` and throws naming the first one broken:
 * every leaf at one depth, cached lengths and line counts equal to what lies below, leaves and
 * branches within their size bounds (only the root may be underfull), and no leaf that starts
 * with the low half of a surrogate pair whose high half ends the leaf before.
 */
export function checkRopeInvariants(root: RopeNode): void {
  let previousLeafEnd = -1;
  const walk = (node: RopeNode, isRoot: boolean): { len: number; lines: number } => {
    if (node.height === 0) {
      if (node.text.length !== node.len) throw new Error(`leaf len ${node.len} != text length`);
      if (node.len > LEAF_MAX) throw new Error(`leaf of ${node.len} > ${LEAF_MAX}`);
      if (!isRoot && node.len < LEAF_MIN)
        throw new Error(`non-root leaf of ${node.len} < ${LEAF_MIN}`);
      const lines = node.text.split('\n').length - 1;
      if (lines !== node.lines) throw new Error(`leaf lines ${node.lines} != ${lines}`);
      const first = node.text.charCodeAt(0);
      if (
        previousLeafEnd >= 0xd800 &&
        previousLeafEnd <= 0xdbff &&
        first >= 0xdc00 &&
        first <= 0xdfff
      ) {
        throw new Error('a leaf boundary splits a surrogate pair');
      }
      if (node.len > 0) previousLeafEnd = node.text.charCodeAt(node.len - 1);
      return { len: node.len, lines };
    }
    const n = node.children.length;
    if (n > BRANCH_MAX) throw new Error(`branch of ${n} children > ${BRANCH_MAX}`);
    if (isRoot ? n < 2 : n < BRANCH_MIN) throw new Error(`branch of ${n} children is underfull`);
    let len = 0;
    let lines = 0;
    for (const child of node.children) {
      if (child.height !== node.height - 1) throw new Error('leaves at different depths');
      const sub = walk(child, false);
      len += sub.len;
      lines += sub.lines;
    }
    if (len !== node.len) throw new Error(`branch len ${node.len} != ${len}`);
    if (lines !== node.lines) throw new Error(`branch lines ${node.lines} != ${lines}`);
    return { len, lines };
  };
  walk(root, true);
}
