import type { Change } from './op.js';

/**
 * Where a position goes when text is inserted exactly at it: `'before'` keeps it before the new
 * text (it stays put), `'after'` moves it past the new text.
 */
export type Assoc = 'before' | 'after';

/** A mapped position: where it is now, and whether the text around it was deleted. */
export interface MappedPosition {
  /** The position in the document after the change. */
  readonly pos: number;
  /**
   * True when the position was strictly inside a range the change deleted or replaced, so the
   * context it pointed at is gone.
   */
  readonly deleted: boolean;
}

/** A selection: `anchor` stays where it started, `head` moves with the cursor. */
export interface Selection {
  readonly anchor: number;
  readonly head: number;
}

/**
 * Maps a position through a change, for cursors and anchors: an insert before it shifts it, a
 * delete before it pulls it back, an insert exactly at it moves it only with `assoc: 'after'`,
 * and a position inside a deleted range lands at the range's edge (start with `'before'`, after
 * any replacement text with `'after'`) and is reported as `deleted`. The result is always inside
 * the new document and never splits a surrogate pair if the input did not.
 */
export function mapPosition(pos: number, change: Change, assoc: Assoc = 'before'): MappedPosition {
  let deleted = false;
  for (let i = 0; i < change.length; i++) {
    const op = change[i]!;
    if (pos < op.pos) continue;
    const removed = op.type === 'insert' ? 0 : op.len;
    const inserted = op.type === 'delete' ? 0 : op.text.length;
    if (pos === op.pos) {
      // At the op's start: its text (if any) goes in here, so `assoc` decides.
      if (assoc === 'after') pos += inserted;
    } else if (pos >= op.pos + removed) {
      pos += inserted - removed;
    } else {
      deleted = true;
      pos = assoc === 'after' ? op.pos + inserted : op.pos;
    }
  }
  return { pos, deleted };
}

/**
 * Maps a selection through a change. A collapsed selection (a cursor) maps with `assoc`; a range
 * keeps text inserted at its edges outside it, as editors do, so its start maps `'after'` and
 * its end `'before'`.
 */
export function mapSelection(
  selection: Selection,
  change: Change,
  assoc: Assoc = 'before',
): Selection {
  const { anchor, head } = selection;
  if (anchor === head) {
    const pos = mapPosition(anchor, change, assoc).pos;
    return { anchor: pos, head: pos };
  }
  const forward = anchor < head;
  const from = mapPosition(forward ? anchor : head, change, 'after').pos;
  let to = mapPosition(forward ? head : anchor, change, 'before').pos;
  // A range whose text was all deleted collapses rather than turning inside out.
  if (to < from) to = from;
  return forward ? { anchor: from, head: to } : { anchor: to, head: from };
}
