import { opFromParts, type Side } from '@dist-space/ot-core';
import { conflictName } from '../conflict-name.js';
import type { NodeId } from '../ids.js';
import type {
  CreateDirOp,
  CreateFileOp,
  MoveOp,
  NodeSnapshot,
  Placement,
  WorkspaceOp,
} from '../ops.js';
import {
  afterMove,
  dropped,
  kept,
  moveOp,
  type PairResult,
  placementOf,
  samePlace,
} from './outcome.js';
import { idsOf } from './records.js';

type CreateOp = CreateFileOp | CreateDirOp;

/**
 * Two nodes want one name: node `a` (being created or moved) and `other`, which the concurrent
 * op has just put at `otherAt`. The one sequenced first keeps the name. If that is `a`, the other
 * node is first renamed to its conflict name (a fix-up); if not, `a` takes its own conflict name.
 * Conflict names are reserved for their node, so neither can collide again.
 */
export function nameClash<A extends CreateOp | MoveOp>(
  a: A,
  other: NodeId,
  otherAt: Placement,
  side: Side,
): PairResult {
  if (side === 'left') {
    const renamed = { ...otherAt, name: conflictName(otherAt.name, other) };
    return { fixups: [moveOp(other, otherAt, renamed)], ops: [a] };
  }
  const name = conflictName(a.name, a.id);
  return { fixups: [], ops: [{ ...a, name }], note: { outcome: 'renamed', name } };
}

/** What a create made, as a delete would record it right after. */
function createdSnapshot(op: CreateOp): NodeSnapshot {
  return op.type === 'createFile'
    ? { kind: 'file', id: op.id, name: op.name, content: op.content }
    : { kind: 'dir', id: op.id, name: op.name, children: [] };
}

/**
 * Two creates of one id: two replicas restoring the same deleted node (undo). The one sequenced
 * first wins: the later one is dropped, and the earlier one, transformed, turns the node the
 * later one made into its own (a move and a whole-text edit, or a delete and a create when the
 * kinds differ). Identical restores simply merge.
 */
function sameIdCreates(a: CreateOp, b: CreateOp, side: Side): PairResult {
  const sameContent =
    a.type !== 'createFile' || (b.type === 'createFile' && a.content === b.content);
  if (a.type === b.type && samePlace(a, b) && sameContent) return dropped();
  if (side === 'right') return dropped('superseded');
  if (a.type !== b.type) {
    const removed = createdSnapshot(b);
    return { fixups: [], ops: [{ type: 'delete', id: b.id, ...placementOf(b), removed }, a] };
  }
  const ops: WorkspaceOp[] = [];
  if (!samePlace(a, b)) ops.push(moveOp(a.id, placementOf(b), placementOf(a)));
  if (a.type === 'createFile' && b.type === 'createFile' && a.content !== b.content) {
    const whole = opFromParts(0, b.content.length, a.content, b.content)!;
    ops.push({ type: 'edit', id: a.id, change: [whole] });
  }
  return { fixups: [], ops };
}

/**
 * A create against a concurrent op. It clashes only with a node put at its name (another
 * create, a move), or with a restore of the same id; a create inside a directory the other side
 * deleted is not lost but relocated to the deleted directory's parent under its conflict name.
 */
export function transformCreate(a: CreateOp, b: WorkspaceOp, side: Side): PairResult {
  switch (b.type) {
    case 'edit':
      return kept(a);
    case 'createFile':
    case 'createDir':
      if (b.id === a.id) return sameIdCreates(a, b, side);
      return samePlace(a, b) ? nameClash(a, b.id, placementOf(b), side) : kept(a);
    case 'move': {
      // A moved directory above the parent changes only the ancestors; one moved into the
      // parent under the same name clashes (the two cannot both happen: that would be a cycle).
      const moved = afterMove(a, b.id, b);
      return samePlace(moved, b) ? nameClash(moved, b.id, placementOf(b), side) : kept(moved);
    }
    case 'delete': {
      if (!idsOf(b.removed).has(a.parent)) return kept(a);
      const name = conflictName(a.name, a.id);
      return {
        fixups: [],
        ops: [{ ...a, parent: b.parent, name, ancestors: b.ancestors }],
        note: { outcome: 'relocated', parent: b.parent, name },
      };
    }
  }
}
