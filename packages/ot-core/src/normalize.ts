import type { Change, Op } from './op.js';
import { insertedText, opFromParts, removedLength } from './op.js';

/**
 * Merges `next` into `prev` when `next` touches or overlaps the text `prev` inserted (or the
 * point where `prev` deleted), giving one op with the same effect as both in order. Returns
 * `undefined` when they do not touch, and `null` when together they do nothing.
 */
function mergePair(prev: Op, next: Op): Op | null | undefined {
  const p1 = prev.pos;
  const l1 = removedLength(prev);
  const t1 = insertedText(prev);
  const p2 = next.pos;
  const l2 = removedLength(next);
  const t2 = insertedText(next);
  const t1End = p1 + t1.length;
  const e2 = p2 + l2;
  if (p2 > t1End || e2 < p1) return undefined;
  // In coordinates of the document before `prev`: `next` may reach left of `prev` (p2 < p1) and
  // right past its inserted text (e2 > t1End), where a post-`prev` offset x is x - |t1| + l1.
  const pos = Math.min(p1, p2);
  const end = Math.max(p1 + l1, e2 - t1.length + l1);
  const text = t1.slice(0, Math.max(0, p2 - p1)) + t2 + (e2 < t1End ? t1.slice(e2 - p1) : '');
  let deleted: string | undefined;
  const d1 = prev.type === 'insert' ? '' : prev.deleted;
  const d2 = next.type === 'insert' ? '' : next.deleted;
  if (d1 !== undefined && d2 !== undefined) {
    const before = p2 < p1 ? d2.slice(0, p1 - p2) : '';
    const after = e2 > t1End ? d2.slice(t1End - p2) : '';
    deleted = before + d1 + after;
  }
  return opFromParts(pos, end - pos, text, deleted);
}

/**
 * Returns a change with the same effect and fewer ops: no-ops are dropped and each op that
 * touches the one before it is merged into it (typing a word becomes one insert; typing and
 * backspacing cancels out). Deleted text carried by the ops is kept when every merged op has it.
 */
export function normalize(change: Change): Op[] {
  const out: Op[] = [];
  for (const op of change) {
    let current: Op | null = opFromParts(
      op.pos,
      removedLength(op),
      insertedText(op),
      op.type === 'insert' ? undefined : op.deleted,
    );
    // A merge can make the result touch the op before it, or cancel out: keep folding left.
    while (current !== null && out.length > 0) {
      const merged = mergePair(out[out.length - 1]!, current);
      if (merged === undefined) break;
      out.pop();
      current = merged;
    }
    if (current !== null) out.push(current);
  }
  return out;
}

/**
 * Composes two consecutive changes into one: applying the result equals applying `a` then `b`.
 * The result is normalised (see {@link normalize}). Compose only changes that have not been sent:
 * a sent change is transformed as it was sent (DESIGN.md 3.3).
 */
export function compose(a: Change, b: Change): Op[] {
  return normalize(a.concat(b));
}
