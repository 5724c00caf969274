import type { ChangeDesc, ChangeSet } from '@codemirror/state';
import type { Change } from '@dist-space/ot-core';
import type { TextOp } from 'ot-text-unicode';

// What a change does to a document, in one form whatever library made it, so that transform
// results can be compared: the changed ranges of the original document in order, each with the
// text that replaces it, as `from-to:text` joined by `|`. Touching changes merge, since
// inserting and then deleting next to it is the same edit as replacing.

/** One edit applied to the result of the ones before: delete `del` at `pos`, insert `ins`. */
export type Edit = readonly [pos: number, del: number, ins: string];

/** A piece of the edited document: a range of the original one, or inserted text. */
type Piece = { from: number; to: number } | string;

/** The effect of `edits`, applied in order to a document of `length` code units. */
export function effectOfEdits(length: number, edits: Iterable<Edit>): string {
  let pieces: Piece[] = length > 0 ? [{ from: 0, to: length }] : [];
  for (const [pos, del, ins] of edits) pieces = applyEdit(pieces, pos, del, ins);
  const parts: string[] = [];
  let kept = 0;
  let inserted = '';
  const flush = (next: number) => {
    if (next > kept || inserted.length > 0) parts.push(`${kept}-${next}:${inserted}`);
    inserted = '';
  };
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      inserted += piece;
      continue;
    }
    flush(piece.from);
    kept = piece.to;
  }
  flush(length);
  return parts.join('|');
}

function sizeOf(piece: Piece): number {
  return typeof piece === 'string' ? piece.length : piece.to - piece.from;
}

/** The pieces with [pos, pos + del) of the document they make replaced by `ins`. */
function applyEdit(pieces: Piece[], pos: number, del: number, ins: string): Piece[] {
  const total = pieces.reduce((n, p) => n + sizeOf(p), 0);
  const out = take(pieces, 0, pos);
  if (ins.length > 0) out.push(ins);
  for (const piece of take(pieces, pos + del, total)) out.push(piece);
  return out;
}

/** The pieces that make [from, to) of the document, cut to fit. */
function take(pieces: Piece[], from: number, to: number): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const piece of pieces) {
    const size = sizeOf(piece);
    const start = Math.max(at, from);
    const end = Math.min(at + size, to);
    if (end > start) out.push(slicePiece(piece, start - at, end - at));
    at += size;
  }
  return out;
}

function slicePiece(piece: Piece, from: number, to: number): Piece {
  if (typeof piece === 'string') return piece.slice(from, to);
  return { from: piece.from + from, to: piece.from + to };
}

/** Our change as edits. */
export function oursEdits(change: Change): Edit[] {
  return change.map((op) => [
    op.pos,
    op.type === 'insert' ? 0 : op.len,
    op.type === 'delete' ? '' : op.text,
  ]);
}

/** An ot-text-unicode op as edits: skip, insert (then step over it), delete. */
export function otTextEdits(op: TextOp): Edit[] {
  const out: Edit[] = [];
  let pos = 0;
  for (const c of op) {
    if (typeof c === 'number') {
      pos += c;
    } else if (typeof c === 'string') {
      out.push([pos, 0, c]);
      pos += c.length;
    } else {
      out.push([pos, typeof c.d === 'number' ? c.d : c.d.length, '']);
    }
  }
  return out;
}

/** A CodeMirror change set as edits, in document order, at their positions after the earlier ones. */
export function changeSetEdits(cs: ChangeSet): Edit[] {
  const out: Edit[] = [];
  cs.iterChanges((fromA, toA, fromB, _toB, text) => {
    out.push([fromB, toA - fromA, text.toString()]);
  });
  return out;
}

/** A CodeMirror change description as edits, with `?` for each inserted code unit. */
export function changeDescEdits(desc: ChangeDesc): Edit[] {
  const out: Edit[] = [];
  desc.iterChangedRanges((fromA, toA, fromB, toB) => {
    out.push([fromB, toA - fromA, '?'.repeat(toB - fromB)]);
  });
  return out;
}

/** The same edits with every inserted code unit as `?`, to compare with a change description. */
export function blind(edits: readonly Edit[]): Edit[] {
  return edits.map(([pos, del, ins]) => [pos, del, '?'.repeat(ins.length)]);
}
