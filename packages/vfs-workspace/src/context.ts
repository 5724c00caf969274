import {
  attempt,
  DistSpaceError,
  err,
  ok,
  type Result,
  Text,
  withDeletedText,
} from '@dist-space/ot-core';
import { applyWorkspaceChange } from './apply.js';
import { ROOT_ID } from './ids.js';
import type { WorkspaceChange, WorkspaceOp, WorkspaceOpDraft } from './ops.js';
import { ancestorsAbove, getNode } from './tree.js';
import type { Workspace } from './workspace.js';

function notFound(id: unknown, what: string): DistSpaceError {
  return new DistSpaceError('NOT_FOUND', `No ${what} ${String(id)} exists in the workspace.`, {
    id,
  });
}

/**
 * Fills in the context of one op from the workspace it will apply to: the ancestors of its
 * parent, the old placement of a moved node, the subtree and contents a delete removes, and the
 * text an edit deletes (so that every op can be inverted). The op is not checked further; apply
 * it to find out whether it is valid.
 *
 * @returns the op, or `NOT_FOUND` / `ROOT_IS_FIXED` / an ot-core error when the context cannot be read
 */
export function completeOp(ws: Workspace, draft: WorkspaceOpDraft): Result<WorkspaceOp> {
  const tree = ws.tree;
  switch (draft.type) {
    case 'createFile':
    case 'createDir': {
      if (getNode(tree, draft.parent) === undefined)
        return err(notFound(draft.parent, 'directory'));
      const ancestors = ancestorsAbove(tree, draft.parent);
      return ok(
        draft.type === 'createFile'
          ? {
              type: 'createFile',
              id: draft.id,
              parent: draft.parent,
              name: draft.name,
              ancestors,
              content: draft.content,
            }
          : { type: 'createDir', id: draft.id, parent: draft.parent, name: draft.name, ancestors },
      );
    }
    case 'delete':
    case 'move': {
      if (draft.id === ROOT_ID) {
        return err(
          new DistSpaceError('ROOT_IS_FIXED', 'The root directory cannot be moved or deleted.'),
        );
      }
      const from = ws.placementOf(draft.id);
      if (from === undefined) return err(notFound(draft.id, 'node'));
      if (draft.type === 'delete') {
        return ok({ type: 'delete', id: draft.id, ...from, removed: ws.snapshotOf(draft.id)! });
      }
      if (getNode(tree, draft.parent) === undefined)
        return err(notFound(draft.parent, 'directory'));
      const ancestors = ancestorsAbove(tree, draft.parent);
      return ok({
        type: 'move',
        id: draft.id,
        parent: draft.parent,
        name: draft.name,
        ancestors,
        from,
      });
    }
    case 'edit': {
      if (getNode(tree, draft.id)?.kind !== 'file') return err(notFound(draft.id, 'file'));
      const text = ws.text(draft.id) ?? Text.empty;
      const change = attempt(() => withDeletedText(text, draft.change));
      return change.ok ? ok({ type: 'edit', id: draft.id, change: change.value }) : change;
    }
    default:
      return err(
        new DistSpaceError(
          'INVALID_OP',
          'An op type must be createFile, createDir, delete, move or edit.',
        ),
      );
  }
}

/**
 * Completes a change written by id (see {@link completeOp}), op by op against the state the ops
 * before it leave, and checks that it applies.
 *
 * @returns the complete change, or the first error with `details.index` the op's index
 */
export function completeChange(
  ws: Workspace,
  drafts: readonly WorkspaceOpDraft[],
): Result<WorkspaceChange> {
  const out: WorkspaceOp[] = [];
  let current = ws;
  for (let i = 0; i < drafts.length; i++) {
    const op = completeOp(current, drafts[i]!);
    if (!op.ok) {
      return err(
        new DistSpaceError(op.error.code, `Op ${i}: ${op.error.message}`, {
          ...op.error.details,
          index: i,
        }),
      );
    }
    const next = applyWorkspaceChange(current, [op.value]);
    if (!next.ok) {
      return err(
        new DistSpaceError(next.error.code, next.error.message.replace(/^Op 0/, `Op ${i}`), {
          ...next.error.details,
          index: i,
        }),
      );
    }
    out.push(op.value);
    current = next.value;
  }
  return ok(out);
}
