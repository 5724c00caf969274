import {
  type Delete,
  del,
  type Insert,
  insert,
  insertedText,
  isNoop,
  type Op,
  type Replace,
  removedLength,
  replace,
} from '../op.js';
import { transformLists } from './lists.js';
import {
  transformDeleteDelete,
  transformDeleteInsert,
  transformInsertDelete,
  transformInsertInsert,
} from './primitive.js';
import type { Side } from './side.js';

// A replace is defined as its expansion [Insert(p, t), Delete(p + |t|, n)], done as one op
// (docs/transform.md). Deriving the five replace pairs from the four primitive ones, rather than
// writing five more case tables, is what keeps them consistent with each other: TP1 for the
// primitive lists carries over to every pair with a replace.

/** Transforms a primitive op (insert or delete) against another primitive op. */
function transformPrimitive(a: Op, b: Op, side: Side): Op[] {
  if (a.type === 'insert') {
    return b.type === 'insert'
      ? transformInsertInsert(a, b, side)
      : transformInsertDelete(a, b as Delete, side);
  }
  return b.type === 'insert'
    ? transformDeleteInsert(a as Delete, b, side)
    : transformDeleteDelete(a as Delete, b as Delete, side);
}

/** The primitive ops a replace stands for, without no-ops. */
export function expandReplace(op: Replace): Op[] {
  const out: Op[] = [];
  if (op.text.length > 0) out.push(insert(op.pos, op.text));
  if (op.len > 0) out.push(del(op.pos + op.text.length, op.len, op.deleted));
  return out;
}

/**
 * Writes an insert directly followed by the delete of the code units after its text back as one
 * replace; every other op is kept as it is.
 */
export function fuseReplaces(ops: Op[]): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const next = ops[i + 1];
    if (
      op.type === 'insert' &&
      next !== undefined &&
      next.type === 'delete' &&
      next.pos === op.pos + op.text.length
    ) {
      out.push(replace(op.pos, next.len, op.text, next.deleted));
      i++;
    } else {
      out.push(op);
    }
  }
  return out;
}

/** `op` moved by `delta` code units. */
function moved(op: Op, delta: number): Op {
  if (op.type === 'insert') return insert(op.pos + delta, op.text);
  if (op.type === 'delete') return del(op.pos + delta, op.len, op.deleted);
  return replace(op.pos + delta, op.len, op.text, op.deleted);
}

/**
 * Transforms `a` against `b` through their expansions; a no-op `b` leaves `a` as it is. Ops
 * whose ranges do not even touch are settled directly, as their expansion would settle them:
 * `b` either lies wholly after `a` and leaves it alone, or wholly before it and moves it.
 */
function transformExpanded(a: Op, b: Op, side: Side): Op[] {
  if (isNoop(a)) return [];
  if (isNoop(b)) return [a];
  const bEnd = b.pos + removedLength(b);
  if (a.pos + removedLength(a) < b.pos) return [a];
  if (a.pos > bEnd) return [moved(a, insertedText(b).length - removedLength(b))];
  const expandedA = a.type === 'replace' ? expandReplace(a) : [a];
  const expandedB = b.type === 'replace' ? expandReplace(b) : [b];
  return fuseReplaces(transformLists(expandedA, expandedB, side, transformPrimitive)[0]);
}

/** Insert against replace: an insert at the range's start ties with the replacement text. */
export function transformInsertReplace(a: Insert, b: Replace, side: Side): Op[] {
  return transformExpanded(a, b, side);
}

/** Delete against replace: the replacement text survives, the ranges merge. */
export function transformDeleteReplace(a: Delete, b: Replace, side: Side): Op[] {
  return transformExpanded(a, b, side);
}

/** Replace against insert: an insert inside the range survives after the replacement text. */
export function transformReplaceInsert(a: Replace, b: Insert, side: Side): Op[] {
  return transformExpanded(a, b, side);
}

/** Replace against delete: the replacement text is kept even if its whole range was deleted. */
export function transformReplaceDelete(a: Replace, b: Delete, side: Side): Op[] {
  return transformExpanded(a, b, side);
}

/** Replace against replace: both texts are kept, in tie order (left first). */
export function transformReplaceReplace(a: Replace, b: Replace, side: Side): Op[] {
  return transformExpanded(a, b, side);
}
