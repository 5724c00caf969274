import type { NodeId } from '../ids.js';
import { chainOf, type MoveOp, type Placement, type WorkspaceOp } from '../ops.js';

/** Why the transform dropped an op. */
export type DropReason =
  /** Its node (an edited file, a moved node) was deleted by the concurrent change. */
  | 'deleted'
  /** A move that, with a concurrent move sequenced first, would have made a cycle. */
  | 'cycle'
  /**
   * A concurrent change sequenced later moved the same node (last-writer-wins), or one
   * sequenced first restored the same id.
   */
  | 'superseded';

/** What happened to one op of a transformed change, without the op's index. */
export type NoteBody =
  | { readonly outcome: 'dropped'; readonly reason: DropReason }
  /** The name was taken concurrently: the node gets its conflict name. */
  | { readonly outcome: 'renamed'; readonly name: string }
  /**
   * A create or move into a directory that was deleted concurrently: the node went to the
   * deleted directory's parent instead, under its conflict name.
   */
  | { readonly outcome: 'relocated'; readonly parent: NodeId; readonly name: string };

/**
 * The result of transforming one op against one op: `fixups` adjust nodes of the concurrent
 * change so that both orders agree (they come first), `ops` carry out the op's own intent.
 */
export interface PairResult {
  readonly fixups: readonly WorkspaceOp[];
  readonly ops: readonly WorkspaceOp[];
  readonly note?: NoteBody;
}

/** The op unchanged. */
export function kept(op: WorkspaceOp): PairResult {
  return { fixups: [], ops: [op] };
}

/** Nothing left to do; `reason` is reported unless the op's intent is fulfilled anyway. */
export function dropped(reason?: DropReason): PairResult {
  return reason === undefined
    ? { fixups: [], ops: [] }
    : { fixups: [], ops: [], note: { outcome: 'dropped', reason } };
}

/** A move of `id` between two placements. */
export function moveOp(id: NodeId, from: Placement, to: Placement): MoveOp {
  return {
    type: 'move',
    id,
    parent: to.parent,
    name: to.name,
    ancestors: to.ancestors,
    from: { parent: from.parent, name: from.name, ancestors: from.ancestors },
  };
}

/** The placement part of a create, move or delete. */
export function placementOf(p: Placement): Placement {
  return { parent: p.parent, name: p.name, ancestors: p.ancestors };
}

/**
 * `p` after node `moved` was moved to `to`: if `moved` is one of the directories above `p`, the
 * chain above it is now `to`'s. Returns `p` itself when nothing changes.
 */
export function afterMove<P extends Placement>(p: P, moved: NodeId, to: Placement): P {
  if (p.parent !== moved && !p.ancestors.includes(moved)) return p;
  const chain = chainOf(p);
  const at = chain.indexOf(moved);
  const next = [...chain.slice(0, at + 1), ...chainOf(to)];
  return { ...p, ancestors: next.slice(1) };
}

/** True when `id` is the parent of `p` or above it. */
export function isAbove(id: NodeId, p: Placement): boolean {
  return p.parent === id || p.ancestors.includes(id);
}

/** True when two placements name the same entry (same parent and name). */
export function samePlace(a: Placement, b: Placement): boolean {
  return a.parent === b.parent && a.name === b.name;
}
