import { DistSpaceError } from './errors.js';
import { type Change, del, insert, type Op, replace } from './op.js';

/**
 * Returns the change that undoes `change`: applied after it, the document is as before. Needs
 * no document, because deletes and replaces carry the text they removed (see
 * {@link withDeletedText} to fill it in).
 *
 * @throws DistSpaceError `NOT_INVERTIBLE` when a delete or replace lacks its `deleted` text
 */
export function invert(change: Change): Op[] {
  const out: Op[] = new Array(change.length);
  for (let i = 0; i < change.length; i++) {
    out[change.length - 1 - i] = invertOp(change[i]!, i);
  }
  return out;
}

function invertOp(op: Op, index: number): Op {
  if (op.type === 'insert') return del(op.pos, op.text.length, op.text);
  if (op.deleted === undefined) {
    throw new DistSpaceError(
      'NOT_INVERTIBLE',
      `Op ${index} (${op.type} at ${op.pos}) does not carry the text it deleted, so it cannot be undone; record it with withDeletedText(doc, change) before applying.`,
      { index, pos: op.pos },
    );
  }
  if (op.type === 'delete') return insert(op.pos, op.deleted);
  return replace(op.pos, op.text.length, op.deleted, op.text);
}

/** True when every delete and replace of `change` carries its deleted text. */
export function isInvertible(change: Change): boolean {
  return change.every((op) => op.type === 'insert' || op.deleted !== undefined);
}
