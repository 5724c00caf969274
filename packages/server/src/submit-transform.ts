import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  hasTreeOp,
  type TransformNote,
  tryTransformWorkspaceChange,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import type { SubmitRequest } from './sequencer.js';
import type { SequencedChange } from './sequencer-log.js';

/** A submitted change transformed to apply after the changes sequenced since its base. */
export interface TransformedSubmit {
  /** The change as it applies to the newest sequenced state. */
  readonly change: WorkspaceChange;
  /** Ops the transform dropped, renamed or relocated, indexed as in the change as submitted. */
  readonly notes: TransformNote[];
  /** True when a change it was transformed against held tree ops. */
  readonly crossedTreeOps: boolean;
}

/**
 * Transforms a submitted change as one unit against each concurrent change in order
 * (DESIGN.md 3.3), naming in its notes the ops as the author sent them.
 *
 * @param concurrent the changes sequenced after the submit's base revision, oldest first
 * @returns the transformed change, `INVALID_REVISION` when the client's own earlier change is
 * among them, or the transform's refusal of a change that fits no workspace
 */
export function transformSubmit(
  request: SubmitRequest,
  concurrent: readonly SequencedChange[],
): Result<TransformedSubmit> {
  let change: WorkspaceChange = request.change;
  const notes: TransformNote[] = [];
  // The index in the submitted change of each op of `change` (-1 for a fix-up op), so that
  // notes name the ops as the author sent them; undefined while they are the same.
  let origins: number[] | undefined;
  let crossedTreeOps = false;
  for (const other of concurrent) {
    if (other.clientId === request.clientId) {
      // The client's own earlier change is already under this one: the client sent before
      // its previous change was acknowledged, which the protocol does not allow.
      return err(
        new DistSpaceError(
          'INVALID_REVISION',
          `Change ${request.seq} is based on revision ${request.baseRevision}, before this client's own change ${other.seq} (revision ${other.revision}); wait for each Ack before sending the next change.`,
          { baseRevision: request.baseRevision, ownRevision: other.revision },
        ),
      );
    }
    if (change.length === 0) break;
    if (hasTreeOp(other.change)) crossedTreeOps = true;
    // The change comes from a peer: a context that fits no workspace is a typed reject,
    // never an exception in the request path.
    const transformed = tryTransformWorkspaceChange(change, other.change, 'right');
    if (!transformed.ok) return transformed;
    change = transformed.value.change;
    for (const note of transformed.value.notes) {
      const index = origins ? origins[note.index]! : note.index;
      if (index >= 0) notes.push({ ...note, index });
    }
    const step = transformed.value.origins;
    origins = origins ? step.map((o) => (o < 0 ? -1 : origins![o]!)) : step;
  }
  return ok({ change, notes, crossedTreeOps });
}
