import type { Op } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  completeOp,
  conflictName,
  type NodeId,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
  type WorkspaceOpDraft,
} from '@dist-space/vfs-workspace';
import { mergeText } from './text-merge.js';

/** Pending changes moved onto a new server state, and what could not be. */
export interface RebaseResult {
  /** The pending changes as one change on the new state. */
  readonly change: WorkspaceOp[];
  /** The state with it applied. */
  readonly local: Workspace;
  /** Tree ops that no longer made sense on the new state (their node or directory is gone). */
  readonly dropped: WorkspaceOp[];
}

function draftOf(op: WorkspaceOp): WorkspaceOpDraft {
  switch (op.type) {
    case 'createFile':
      return {
        type: 'createFile',
        id: op.id,
        parent: op.parent,
        name: op.name,
        content: op.content,
      };
    case 'createDir':
      return { type: 'createDir', id: op.id, parent: op.parent, name: op.name };
    case 'delete':
      return { type: 'delete', id: op.id };
    case 'move':
      return { type: 'move', id: op.id, parent: op.parent, name: op.name };
    case 'edit':
      return op;
  }
}

function tryApply(
  ws: Workspace,
  draft: WorkspaceOpDraft,
): { ws: Workspace; op: WorkspaceOp } | undefined {
  const op = completeOp(ws, draft);
  if (!op.ok) return undefined;
  const next = applyWorkspaceChange(ws, [op.value]);
  return next.ok ? { ws: next.value, op: op.value } : undefined;
}

/**
 * Moves pending changes made on `base` (giving `local`) onto `target`, a newer server state
 * whose history from `base` is unknown (the server no longer keeps it): the REBASE_REQUIRED
 * recovery of DESIGN.md 3.8. Tree ops are replayed by id on `target` (a name taken meanwhile
 * gives the node its conflict name; an op whose node or directory is gone is dropped and
 * reported). The text of every file the pending changes touched is merged three ways (base,
 * mine, theirs) by transforming my diff past theirs, so no pending text is lost.
 */
export function rebasePending(
  base: Workspace,
  local: Workspace,
  pending: WorkspaceChange,
  target: Workspace,
): RebaseResult {
  let state = target;
  const out: WorkspaceOp[] = [];
  const dropped: WorkspaceOp[] = [];
  const touched = new Set<NodeId>();
  for (const op of pending) {
    touched.add(op.id);
    if (op.type === 'edit') continue;
    let done = tryApply(state, draftOf(op));
    if (!done && (op.type === 'createFile' || op.type === 'createDir' || op.type === 'move')) {
      done = tryApply(state, {
        ...draftOf(op),
        name: conflictName(op.name, op.id),
      } as WorkspaceOpDraft);
    }
    if (!done) {
      dropped.push(op);
      continue;
    }
    state = done.ws;
    out.push(done.op);
  }
  for (const id of touched) {
    const node = state.node(id);
    const mine = local.text(id);
    if (node?.kind !== 'file' || mine === undefined) continue;
    const theirs = state.text(id)?.toString() ?? '';
    const baseText = base.text(id)?.toString();
    const ops: Op[] =
      baseText === undefined
        ? mergeText(theirs, mine.toString(), theirs) // created by us: our text wins whole
        : mergeText(baseText, mine.toString(), theirs);
    if (ops.length === 0) continue;
    const edit: WorkspaceOp = { type: 'edit', id, change: ops };
    const next = applyWorkspaceChange(state, [edit]);
    if (!next.ok) throw next.error;
    state = next.value;
    out.push(edit);
  }
  return { change: out, local: state, dropped };
}
