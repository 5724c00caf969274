import type { Side } from '@dist-space/ot-core';
import { conflictName } from '../conflict-name.js';
import type { NodeId } from '../ids.js';
import type { DeleteOp, MoveOp, Placement, WorkspaceOp } from '../ops.js';
import { afterMove, dropped, kept, moveOp, type PairResult, placementOf } from './outcome.js';
import { findIn, idsOf, withEditedContent, withMovedSubtree, withoutSubtree } from './records.js';

/**
 * The fix-up that takes node `b.id`, which `b` has just put inside the subtree `a` deletes
 * without `a` having seen it, to the deleted directory's parent under its conflict name.
 */
function rescue(a: DeleteOp, b: Placement & { readonly id: NodeId }): MoveOp {
  const to = { parent: a.parent, name: conflictName(b.name, b.id), ancestors: a.ancestors };
  return moveOp(b.id, placementOf(b), to);
}

/**
 * A delete against a concurrent op. The rule: a delete removes exactly the nodes it saw (its
 * recorded subtree), wherever they are by then, and nothing it did not see. So its record
 * follows concurrent edits, renames and moves within it; a node of it moved out is deleted at
 * its new place; a node created or moved into it is first moved to the deleted directory's
 * parent under its conflict name.
 */
export function transformDelete(a: DeleteOp, b: WorkspaceOp, _side: Side): PairResult {
  const ids = idsOf(a.removed);
  switch (b.type) {
    case 'edit':
      if (!ids.has(b.id)) return kept(a);
      return kept({ ...a, removed: withEditedContent(a.removed, b.id, b.change) });
    case 'createFile':
    case 'createDir': {
      if (!ids.has(b.parent)) return kept(a);
      const rescued = {
        parent: a.parent,
        name: conflictName(b.name, b.id),
        ancestors: a.ancestors,
      };
      return { fixups: [moveOp(b.id, placementOf(b), rescued)], ops: [a] };
    }
    case 'move': {
      const intoDeleted = ids.has(b.parent);
      if (!ids.has(b.id)) {
        if (intoDeleted) return { fixups: [rescue(a, b)], ops: [a] };
        return kept(afterMove(a, b.id, b));
      }
      if (intoDeleted) {
        return kept({ ...a, removed: withMovedSubtree(a.removed, b.id, b.parent, b.name) });
      }
      if (b.id === a.id) {
        return kept({ ...a, ...placementOf(b), removed: { ...a.removed, name: b.name } });
      }
      const movedOut: DeleteOp = {
        type: 'delete',
        id: b.id,
        ...placementOf(b),
        removed: { ...findIn(a.removed, b.id)!, name: b.name },
      };
      return { fixups: [], ops: [movedOut, { ...a, removed: withoutSubtree(a.removed, b.id) }] };
    }
    case 'delete':
      if (idsOf(b.removed).has(a.id)) return dropped();
      if (!ids.has(b.id)) return kept(a);
      return kept({ ...a, removed: withoutSubtree(a.removed, b.id) });
  }
}
