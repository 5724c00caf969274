import type { Change, Op } from '../op.js';
import { transformLists } from './lists.js';
import {
  transformDeleteDelete,
  transformDeleteInsert,
  transformInsertDelete,
  transformInsertInsert,
} from './primitive.js';
import {
  transformDeleteReplace,
  transformInsertReplace,
  transformReplaceDelete,
  transformReplaceInsert,
  transformReplaceReplace,
} from './replace.js';
import type { Side } from './side.js';

/**
 * Transforms one op against another concurrent op, dispatching to the nine named pairwise
 * functions. Returns the ops (often one, sometimes none or two) that do what `a` did, on the
 * document after `b`.
 *
 * @param a - the op to transform
 * @param b - a concurrent op made on the same document
 * @param side - where `a` goes when both insert at one position
 */
export function transformOp(a: Op, b: Op, side: Side): Op[] {
  switch (a.type) {
    case 'insert':
      if (b.type === 'insert') return transformInsertInsert(a, b, side);
      if (b.type === 'delete') return transformInsertDelete(a, b, side);
      return transformInsertReplace(a, b, side);
    case 'delete':
      if (b.type === 'insert') return transformDeleteInsert(a, b, side);
      if (b.type === 'delete') return transformDeleteDelete(a, b, side);
      return transformDeleteReplace(a, b, side);
    case 'replace':
      if (b.type === 'insert') return transformReplaceInsert(a, b, side);
      if (b.type === 'delete') return transformReplaceDelete(a, b, side);
      return transformReplaceReplace(a, b, side);
  }
}

/**
 * Transforms `change` so that it applies after `against`, both made on the same document. Text
 * inserted by either change is never dropped; a change that has nothing left to do becomes `[]`.
 * TP1 holds: `apply(apply(d, a), transform(b, a, 'right'))` equals
 * `apply(apply(d, b), transform(a, b, 'left'))`.
 *
 * @param change - the change to transform
 * @param against - a concurrent change made on the same document
 * @param side - `'left'` if `change` was sequenced first (it wins ties), else `'right'`
 * @returns a new change; the inputs are not modified
 */
export function transform(change: Change, against: Change, side: Side): Op[] {
  if (change.length === 1 && against.length === 1)
    return transformOp(change[0]!, against[0]!, side);
  return transformLists(change, against, side, transformOp)[0];
}

/**
 * Transforms two concurrent changes against each other at once.
 *
 * @returns `[a', b']` where `a'` = `transform(a, b, side)` and `b'` = `transform(b, a, opposite)`,
 * so that applying `a` then `b'` gives the same document as `b` then `a'`.
 */
export function transformX(a: Change, b: Change, side: Side): [Op[], Op[]] {
  return transformLists(a, b, side, transformOp);
}
