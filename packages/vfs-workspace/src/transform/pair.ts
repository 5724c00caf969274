import type { Side } from '@dist-space/ot-core';
import { isNoopMove, type WorkspaceOp } from '../ops.js';
import { dropped, kept, type PairResult } from './outcome.js';
import { transformCreate } from './rules-create.js';
import { transformDelete } from './rules-delete.js';
import { transformEdit } from './rules-edit.js';
import { transformMove } from './rules-move.js';

/**
 * Transforms op `a` so that it applies after the concurrent op `b`, both made on the same state.
 * TP1 holds for every pair: applying `b` then `transformPair(a, b, side)` gives the same
 * workspace as `a` then `transformPair(b, a, opposite(side))`. A move that leaves its node in
 * place changes nothing, so it is dropped and ignored.
 */
export function transformPair(a: WorkspaceOp, b: WorkspaceOp, side: Side): PairResult {
  if (b.type === 'move' && isNoopMove(b)) return kept(a);
  switch (a.type) {
    case 'edit':
      return transformEdit(a, b, side);
    case 'createFile':
    case 'createDir':
      return transformCreate(a, b, side);
    case 'move':
      return isNoopMove(a) ? dropped() : transformMove(a, b, side);
    case 'delete':
      return transformDelete(a, b, side);
  }
}
