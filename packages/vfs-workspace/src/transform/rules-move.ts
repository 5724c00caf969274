import type { Side } from '@dist-space/ot-core';
import { conflictName } from '../conflict-name.js';
import type { MoveOp, WorkspaceOp } from '../ops.js';
import {
  afterMove,
  dropped,
  isAbove,
  kept,
  moveOp,
  type PairResult,
  placementOf,
  samePlace,
} from './outcome.js';
import { idsOf } from './records.js';
import { nameClash } from './rules-create.js';

/**
 * Two moves. Of one node: the one sequenced later wins, last-writer-wins (the earlier is
 * dropped; the later, transformed, moves the node on from where the earlier put it). Of two nodes
 * that would end up inside each other: the later is dropped, and the earlier first puts the other
 * node back. To one name: the later takes its conflict name. Otherwise both stand, with the
 * ancestors updated.
 */
function moveAgainstMove(a: MoveOp, b: MoveOp, side: Side): PairResult {
  if (a.id === b.id) {
    if (samePlace(a, b)) return dropped();
    if (side === 'left') return dropped('superseded');
    return kept(moveOp(a.id, placementOf(b), placementOf(a)));
  }
  if (isAbove(a.id, b) && isAbove(b.id, a)) {
    if (side === 'right') return dropped('cycle');
    return { fixups: [moveOp(b.id, placementOf(b), b.from)], ops: [a] };
  }
  const target = afterMove(a, b.id, b);
  const from = afterMove(a.from, b.id, b);
  const moved = target === a && from === a.from ? a : { ...target, from };
  return samePlace(moved, b) ? nameClash(moved, b.id, placementOf(b), side) : kept(moved);
}

/**
 * The side to transform two ops of one cell with, when one of them is a fix-up. Two moves of one
 * node go to the later-sequenced (`'right'`), but a fix-up has no place in the sequence of its
 * own: it only adjusts a node of the other change (puts it out of a deleted directory, gives it
 * its conflict name, puts it back) so that both orders meet, and a move of that node by its
 * author makes the adjustment moot. So a fix-up always yields to an author's move of the same
 * node; otherwise `side` decides. Either way both ops of the cell are transformed with opposite
 * sides, so TP1 holds.
 */
export function cellSide(
  a: WorkspaceOp,
  aIsFixup: boolean,
  b: WorkspaceOp,
  bIsFixup: boolean,
  side: Side,
): Side {
  if (aIsFixup === bIsFixup || a.type !== 'move' || b.type !== 'move' || a.id !== b.id) {
    return side;
  }
  return aIsFixup ? 'left' : 'right';
}

/**
 * A move against a concurrent op. A move of a node the other side deleted is dropped (the
 * delete removes what it saw). A move into a directory the other side deleted must not lose the
 * node, which the delete did not see: it goes to the deleted directory's parent instead, under
 * its conflict name. (Not back where it came from: that place may be gone too, deleted by a
 * later op of the same change.)
 */
export function transformMove(a: MoveOp, b: WorkspaceOp, side: Side): PairResult {
  switch (b.type) {
    case 'edit':
      return kept(a);
    case 'createFile':
    case 'createDir':
      return samePlace(a, b) ? nameClash(a, b.id, placementOf(b), side) : kept(a);
    case 'move':
      return moveAgainstMove(a, b, side);
    case 'delete': {
      const ids = idsOf(b.removed);
      if (ids.has(a.id)) return dropped('deleted');
      if (!ids.has(a.parent)) return kept(a);
      const name = conflictName(a.name, a.id);
      return {
        fixups: [],
        ops: [{ ...a, parent: b.parent, name, ancestors: b.ancestors }],
        note: { outcome: 'relocated', parent: b.parent, name },
      };
    }
  }
}
