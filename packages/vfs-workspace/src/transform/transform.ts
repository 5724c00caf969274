import { DistSpaceError, err, ok, type Result, type Side } from '@dist-space/ot-core';
import { hasTreeOp, type WorkspaceChange, type WorkspaceOp } from '../ops.js';
import {
  type NoteSink,
  type Tagged,
  TransformBudgetExceeded,
  transformTaggedLists,
} from './lists.js';
import type { NoteBody } from './outcome.js';

export type { DropReason, NoteBody } from './outcome.js';

/**
 * What the transform did to one op of a change, so that the server can tell its author:
 * `dropped` (with a reason), `renamed` to a conflict name, or `relocated` (a create whose
 * directory was deleted). `index` and `op` are the op's index and the op as it was given.
 */
export type TransformNote = NoteBody & {
  readonly index: number;
  readonly op: WorkspaceOp;
};

/** A transformed change and what happened to it. */
export interface WorkspaceTransformResult {
  /** The change to apply after the concurrent one. */
  readonly change: WorkspaceOp[];
  /**
   * For each op of `change`, the index of the op of the input it comes from, or -1 for a
   * fix-up: an op that adjusts a node of the concurrent change (gives it its conflict name, puts
   * it back from a deleted directory) so that both orders agree.
   */
  readonly origins: number[];
  /** The ops that were dropped, renamed or relocated, in input order; `[]` when none was. */
  readonly notes: TransformNote[];
}

/** True when two edit-only changes touch no common file: they commute untouched. */
function editsOfDifferentFiles(a: WorkspaceChange, b: WorkspaceChange): boolean {
  if (hasTreeOp(a) || hasTreeOp(b)) return false;
  const ids = new Set(a.map((op) => op.id));
  for (const op of b) if (ids.has(op.id)) return false;
  return true;
}

function noteCollector(change: WorkspaceChange, notes: TransformNote[]): NoteSink {
  return (origin, body) => notes.push({ ...body, index: origin, op: change[origin]! });
}

function result(tagged: Tagged[], notes: TransformNote[]): WorkspaceTransformResult {
  notes.sort((x, y) => x.index - y.index);
  return { change: tagged.map((t) => t.op), origins: tagged.map((t) => t.origin), notes };
}

function untouched(change: WorkspaceChange): WorkspaceTransformResult {
  return { change: change.slice(), origins: change.map((_, i) => i), notes: [] };
}

function tag(change: WorkspaceChange): Tagged[] {
  return change.map((op, origin) => ({ op, origin }));
}

/**
 * Like {@link transformWorkspaceChange}, for a change from outside (a peer, an agent): returns a
 * `Result` instead of throwing when the change's context is so inconsistent that it fits no
 * workspace (`CONTEXT_MISMATCH`). A change that transforms may still fail to apply; apply it
 * (or check it with `touchedPaths`) to find out.
 */
export function tryTransformWorkspaceChange(
  change: WorkspaceChange,
  against: WorkspaceChange,
  side: Side,
): Result<WorkspaceTransformResult> {
  try {
    return ok(transformWorkspaceChange(change, against, side));
  } catch (e) {
    if (e instanceof DistSpaceError) return err(e);
    throw e;
  }
}

/**
 * Transforms two concurrent workspace changes against each other: `a` against `b` with `side`,
 * and `b` against `a` with the opposite side, so that `apply(apply(s, a), b')` and
 * `apply(apply(s, b), a')` are the same workspace (TP1). Changes that only edit different files
 * pass through untouched.
 */
export function transformWorkspaceX(
  a: WorkspaceChange,
  b: WorkspaceChange,
  side: Side,
): { a: WorkspaceTransformResult; b: WorkspaceTransformResult } {
  if (editsOfDifferentFiles(a, b)) return { a: untouched(a), b: untouched(b) };
  const notesA: TransformNote[] = [];
  const notesB: TransformNote[] = [];
  try {
    const [aOut, bOut] = transformTaggedLists(
      tag(a),
      tag(b),
      side,
      noteCollector(a, notesA),
      noteCollector(b, notesB),
    );
    return { a: result(aOut, notesA), b: result(bOut, notesB) };
  } catch (e) {
    if (!(e instanceof TransformBudgetExceeded)) throw e;
    throw new DistSpaceError(
      'CONTEXT_MISMATCH',
      'The changes cannot be transformed against each other: the context their ops carry (ancestors, old places, deleted subtrees) fits no workspace. Rebuild the change against the current state.',
      { ops: a.length, against: b.length },
    );
  }
}

/**
 * Transforms `change` so that it applies after `against`, both made on the same workspace.
 * Changes from outside should go through {@link tryTransformWorkspaceChange}.
 * TP1 holds with the tie-break of DESIGN.md 3.3: `side: 'left'` if `change` was sequenced first.
 * Nothing is lost silently: every op that had to yield is in `notes` (see docs/transform.md for
 * every rule). A sent change must be transformed as one unit, never composed with later ones.
 *
 * @param change - the change to transform
 * @param against - a concurrent change made on the same workspace
 * @param side - `'left'` if `change` was sequenced first, `'right'` if after
 * @throws DistSpaceError `CONTEXT_MISMATCH` only for changes whose context fits no workspace
 */
export function transformWorkspaceChange(
  change: WorkspaceChange,
  against: WorkspaceChange,
  side: Side,
): WorkspaceTransformResult {
  if (editsOfDifferentFiles(change, against)) return untouched(change);
  return transformWorkspaceX(change, against, side).a;
}
