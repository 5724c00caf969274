import { compose, DistSpaceError, invert, isInvertible } from '@dist-space/ot-core';
import type { NodeId } from './ids.js';
import type { NodeSnapshot, Placement, WorkspaceChange, WorkspaceOp } from './ops.js';

/** The creates that rebuild `snapshot` at `at`, each directory before its entries. */
function restoreOps(snapshot: NodeSnapshot, at: Placement, out: WorkspaceOp[]): void {
  if (snapshot.kind === 'file') {
    out.push({
      type: 'createFile',
      id: snapshot.id,
      ...at,
      name: snapshot.name,
      content: snapshot.content,
    });
    return;
  }
  out.push({ type: 'createDir', id: snapshot.id, ...at, name: snapshot.name });
  const inner: readonly NodeId[] = [at.parent, ...at.ancestors];
  for (const child of snapshot.children) {
    restoreOps(child, { parent: snapshot.id, name: child.name, ancestors: inner }, out);
  }
}

function invertOp(op: WorkspaceOp, index: number, out: WorkspaceOp[]): void {
  const at = (p: Placement): Placement => ({
    parent: p.parent,
    name: p.name,
    ancestors: p.ancestors,
  });
  switch (op.type) {
    case 'createFile':
      out.push({
        type: 'delete',
        id: op.id,
        ...at(op),
        removed: { kind: 'file', id: op.id, name: op.name, content: op.content },
      });
      return;
    case 'createDir':
      out.push({
        type: 'delete',
        id: op.id,
        ...at(op),
        removed: { kind: 'dir', id: op.id, name: op.name, children: [] },
      });
      return;
    case 'delete':
      restoreOps(op.removed, at(op), out);
      return;
    case 'move':
      out.push({ type: 'move', id: op.id, ...at(op.from), from: at(op) });
      return;
    case 'edit':
      if (!isInvertible(op.change)) {
        throw new DistSpaceError(
          'NOT_INVERTIBLE',
          `Op ${index} (edit of ${op.id}) has a text delete without its deleted text, so it cannot be undone; build edits with ChangeBuilder or completeChange, which record it.`,
          { index, id: op.id },
        );
      }
      out.push({ type: 'edit', id: op.id, change: invert(op.change) });
  }
}

/**
 * The change that undoes `change`: applied after it, the workspace is as before. It needs no
 * workspace: a delete carries its subtree and contents (its inverse recreates them under the
 * same ids), a move its old placement, an edit its deleted text.
 *
 * @throws DistSpaceError `NOT_INVERTIBLE` when an edit lacks deleted text
 */
export function invertWorkspaceChange(change: WorkspaceChange): WorkspaceOp[] {
  const out: WorkspaceOp[] = [];
  for (let i = change.length - 1; i >= 0; i--) invertOp(change[i]!, i, out);
  return out;
}

/** True when {@link invertWorkspaceChange} can invert `change` (every edit carries its deleted text). */
export function isWorkspaceChangeInvertible(change: WorkspaceChange): boolean {
  return change.every((op) => op.type !== 'edit' || isInvertible(op.change));
}

/**
 * One change with the effect of `a` then `b`: the ops of both in order, with consecutive edits
 * of one file merged by ot-core's `compose` (typing a word becomes one edit). Compose only
 * changes that have not been sent: a sent change is transformed as it was sent (DESIGN.md 3.3).
 */
export function composeWorkspaceChanges(a: WorkspaceChange, b: WorkspaceChange): WorkspaceOp[] {
  const out: WorkspaceOp[] = [];
  for (const op of [...a, ...b]) {
    const last = out[out.length - 1];
    if (op.type === 'edit' && last?.type === 'edit' && last.id === op.id) {
      const merged = compose(last.change, op.change);
      out.pop();
      if (merged.length > 0) out.push({ type: 'edit', id: op.id, change: merged });
    } else out.push(op);
  }
  return out;
}
