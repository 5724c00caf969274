import { attempt, type Result } from './errors.js';
import type { Change, Op } from './op.js';
import type { MutableText, Text } from './text/text.js';
import { checkDeletedText, checkOpAgainst } from './validate.js';

/** A document ops can be applied to: a plain string or the rope {@link Text}. */
export type Document = string | Text;

function applyOpToString(doc: string, op: Op, index: number): string {
  checkOpAgainst(doc, op, index);
  if (op.type === 'insert') return doc.slice(0, op.pos) + op.text + doc.slice(op.pos);
  const end = op.pos + op.len;
  if (op.deleted !== undefined) checkDeletedText(doc.slice(op.pos, end), op, index);
  return doc.slice(0, op.pos) + (op.type === 'replace' ? op.text : '') + doc.slice(end);
}

function applyOpToText(doc: Text, op: Op, index: number): Text {
  // The rope checks ranges and surrogates itself; the shape check here gives the op's index.
  checkOpAgainst(doc, op, index);
  if (op.type === 'insert') return doc.insert(op.pos, op.text);
  if (op.deleted !== undefined) checkDeletedText(doc.slice(op.pos, op.pos + op.len), op, index);
  return doc.replace(op.pos, op.len, op.type === 'replace' ? op.text : '');
}

/**
 * Applies a change to a document: each op in order, to the result of the one before. The result
 * has the type of the input; a {@link Text} is persistent, so `doc` itself is not changed.
 * Nothing is applied if any op is invalid.
 *
 * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE`, `SPLITS_SURROGATE_PAIR` or
 * `DELETED_TEXT_MISMATCH`; never anything else for ops of the right shape
 */
export function apply(doc: string, change: Change): string;
export function apply(doc: Text, change: Change): Text;
export function apply<D extends Document>(doc: D, change: Change): D;
export function apply(doc: Document, change: Change): Document {
  if (typeof doc === 'string') {
    for (let i = 0; i < change.length; i++) doc = applyOpToString(doc, change[i]!, i);
    return doc;
  }
  for (let i = 0; i < change.length; i++) doc = applyOpToText(doc, change[i]!, i);
  return doc;
}

/** Like {@link apply}, but returns a {@link Result} instead of throwing. */
export function tryApply<D extends Document>(doc: D, change: Change): Result<D> {
  return attempt(() => apply(doc, change));
}

/**
 * Applies a change to a {@link MutableText} in place, editing nodes it owns without copying.
 * Atomic: if an op fails, the ops before it are reverted and the error is thrown, so the text is
 * as it was.
 *
 * @throws the same errors as {@link apply}
 */
export function applyInPlace(doc: MutableText, change: Change): void {
  if (change.length === 1) {
    checkOpAgainst(doc, change[0]!, 0);
    applyCheckedOpInPlace(doc, change[0]!, 0);
    return;
  }
  // Record what each op removed so that a failure part-way can be undone exactly.
  const undo: Array<[pos: number, insertedLength: number, removed: string]> = [];
  try {
    for (let i = 0; i < change.length; i++) {
      const op = change[i]!;
      checkOpAgainst(doc, op, i);
      const len = op.type === 'insert' ? 0 : op.len;
      const removed = len === 0 ? '' : doc.slice(op.pos, op.pos + len);
      applyCheckedOpInPlace(doc, op, i);
      undo.push([op.pos, op.type === 'delete' ? 0 : op.text.length, removed]);
    }
  } catch (e) {
    for (let i = undo.length - 1; i >= 0; i--) {
      const [pos, insertedLength, removed] = undo[i]!;
      doc.replace(pos, insertedLength, removed);
    }
    throw e;
  }
}

function applyCheckedOpInPlace(doc: MutableText, op: Op, index: number): void {
  if (op.type === 'insert') {
    doc.insert(op.pos, op.text);
    return;
  }
  if (op.deleted !== undefined) checkDeletedText(doc.slice(op.pos, op.pos + op.len), op, index);
  doc.replace(op.pos, op.len, op.type === 'replace' ? op.text : '');
}

/**
 * Returns `change` with every delete and replace carrying the text it removes from `doc`, so
 * that {@link invert} can undo it later without the document.
 *
 * @throws the same errors as {@link apply}
 */
export function withDeletedText<D extends Document>(doc: D, change: Change): Op[] {
  const out: Op[] = [];
  let current: Document = doc;
  for (let i = 0; i < change.length; i++) {
    const op = change[i]!;
    if (op.type !== 'insert' && op.deleted === undefined) {
      checkOpAgainst(current, op, i);
      out.push({ ...op, deleted: current.slice(op.pos, op.pos + op.len) });
    } else {
      out.push(op);
    }
    current = apply(current, [op]);
  }
  return out;
}
