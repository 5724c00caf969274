import { type Delete, del, type Insert, insert, type Op } from '../op.js';
import type { Side } from './side.js';

// The four pairs of primitive ops. Each returns the ops that do what `a` did, on the document
// after `b`; the table in docs/transform.md gives every case. Callers have removed no-ops.

/** `deleted` of `op` for its code units [from, to), if it carries one. */
function deletedSlice(op: Delete, from: number, to: number): string | undefined {
  return op.deleted === undefined ? undefined : op.deleted.slice(from, to);
}

/** Insert against insert: only a tie at one position consults `side`. */
export function transformInsertInsert(a: Insert, b: Insert, side: Side): Op[] {
  if (a.text.length === 0) return [];
  if (a.pos < b.pos || (a.pos === b.pos && side === 'left') || b.text.length === 0) return [a];
  return [insert(a.pos + b.text.length, a.text)];
}

/** Insert against delete: an insert inside the deleted range survives at the range's start. */
export function transformInsertDelete(a: Insert, b: Delete, _side: Side): Op[] {
  if (a.text.length === 0) return [];
  if (a.pos <= b.pos) return [a];
  if (a.pos >= b.pos + b.len) return b.len === 0 ? [a] : [insert(a.pos - b.len, a.text)];
  return [insert(b.pos, a.text)];
}

/** Delete against insert: an insert inside the range splits the delete so the text survives. */
export function transformDeleteInsert(a: Delete, b: Insert, _side: Side): Op[] {
  if (a.len === 0) return [];
  const n = b.text.length;
  if (n === 0 || b.pos >= a.pos + a.len) return [a];
  if (b.pos <= a.pos) return [del(a.pos + n, a.len, a.deleted)];
  const head = b.pos - a.pos;
  return [
    del(a.pos, head, deletedSlice(a, 0, head)),
    del(a.pos + n, a.len - head, deletedSlice(a, head, a.len)),
  ];
}

/** Delete against delete: what both deleted is deleted once; the rest of `a` stays. */
export function transformDeleteDelete(a: Delete, b: Delete, _side: Side): Op[] {
  if (a.len === 0) return [];
  const aEnd = a.pos + a.len;
  const bEnd = b.pos + b.len;
  if (b.len === 0 || aEnd <= b.pos) return [a];
  if (bEnd <= a.pos) return [del(a.pos - b.len, a.len, a.deleted)];
  const keptBefore = b.pos > a.pos ? b.pos - a.pos : 0;
  const keptAfter = aEnd > bEnd ? aEnd - bEnd : 0;
  const kept = keptBefore + keptAfter;
  if (kept === 0) return [];
  const deleted =
    a.deleted === undefined
      ? undefined
      : a.deleted.slice(0, keptBefore) + a.deleted.slice(a.len - keptAfter);
  return [del(Math.min(a.pos, b.pos), kept, deleted)];
}
