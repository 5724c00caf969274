import type { RopeNode } from './node.js';

// Reads of the rope. Every function takes a range or position the caller has checked, and walks
// down one path (O(log n)) or visits only the leaves a range covers.

/** The code unit at `pos` (0 <= pos < length). */
export function codeUnitAt(node: RopeNode, pos: number): number {
  while (node.height > 0) {
    const children = node.children;
    let i = 0;
    let child = children[0]!;
    while (pos >= child.len && i < children.length - 1) {
      pos -= child.len;
      child = children[++i]!;
    }
    node = child;
  }
  return node.text.charCodeAt(pos);
}

/** The text in [from, to), appended to `out` leaf piece by leaf piece. */
export function collectSlice(node: RopeNode, from: number, to: number, out: string[]): void {
  if (node.height === 0) {
    out.push(from === 0 && to === node.len ? node.text : node.text.slice(from, to));
    return;
  }
  let start = 0;
  for (const child of node.children) {
    const end = start + child.len;
    if (end > from && start < to) {
      collectSlice(child, Math.max(0, from - start), Math.min(child.len, to - start), out);
    }
    if (end >= to) return;
    start = end;
  }
}

/** The leaf strings under `node`, in order; empty leaves (only an empty root) are skipped. */
export function* leafTexts(node: RopeNode): Generator<string, void, undefined> {
  if (node.height === 0) {
    if (node.len > 0) yield node.text;
    return;
  }
  for (const child of node.children) yield* leafTexts(child);
}

/** How many line breaks lie before `pos`: the 0-based line `pos` is on. */
export function lineOfPosition(node: RopeNode, pos: number): number {
  let line = 0;
  while (node.height > 0) {
    const children = node.children;
    let i = 0;
    let child = children[0]!;
    while (pos > child.len && i < children.length - 1) {
      pos -= child.len;
      line += child.lines;
      child = children[++i]!;
    }
    node = child;
  }
  const text = node.text;
  let at = text.indexOf('\n');
  while (at !== -1 && at < pos) {
    line++;
    at = text.indexOf('\n', at + 1);
  }
  return line;
}

/** Where 0-based `line` starts: just after the line-th line break (0 for line 0). */
export function startOfLine(node: RopeNode, line: number): number {
  if (line === 0) return 0;
  let pos = 0;
  let remaining = line;
  while (node.height > 0) {
    const children = node.children;
    let i = 0;
    let child = children[0]!;
    while (remaining > child.lines && i < children.length - 1) {
      remaining -= child.lines;
      pos += child.len;
      child = children[++i]!;
    }
    node = child;
  }
  let at = -1;
  for (; remaining > 0; remaining--) at = node.text.indexOf('\n', at + 1);
  return pos + at + 1;
}

/** True when the texts under two trees are equal, whatever their leaf boundaries. */
export function sameText(a: RopeNode, b: RopeNode): boolean {
  if (a === b) return true;
  if (a.len !== b.len || a.lines !== b.lines) return false;
  const left = leafTexts(a);
  const right = leafTexts(b);
  let x = '';
  let y = '';
  let i = 0;
  let j = 0;
  for (;;) {
    if (i === x.length) {
      const next = left.next();
      if (next.done) return j === y.length && right.next().done === true;
      x = next.value;
      i = 0;
    }
    if (j === y.length) {
      const next = right.next();
      if (next.done) return false;
      y = next.value;
      j = 0;
    }
    const n = Math.min(x.length - i, y.length - j);
    if (x.slice(i, i + n) !== y.slice(j, j + n)) return false;
    i += n;
    j += n;
  }
}
