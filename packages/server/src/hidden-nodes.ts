import { DistSpaceError } from '@dist-space/ot-core';
import type { Capabilities } from '@dist-space/permissions';
import {
  applyWorkspaceChange,
  type NodeId,
  ROOT_ID,
  type TouchedPath,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';

/**
 * True when a session with `caps` may see node `id` of `state`: a file it may read, a directory
 * on the way to what it may read. A node the state does not hold (one the change itself
 * creates) is the session's own.
 */
export function maySee(caps: Capabilities, state: Workspace, id: NodeId): boolean {
  if (id === ROOT_ID) return true;
  const node = state.node(id);
  const path = node === undefined ? undefined : state.pathOf(id);
  if (node === undefined || path === undefined) return true;
  return node.kind === 'file' ? caps.allows('read', path) : caps.mayList(path);
}

/**
 * A permission denial of a change as its author may be told it. A session learns nothing of a
 * file it may not read: when the denied path is hidden from it, the denial names no path, and
 * when the node the op names is hidden too, the answer is the `NOT_FOUND` a missing id gets
 * (the same words as `applyWorkspaceChange`'s), so that a hidden id and an absent one look
 * alike.
 */
export function concealDenial(
  caps: Capabilities,
  state: Workspace,
  change: WorkspaceChange,
  touched: readonly TouchedPath[],
  denied: DistSpaceError,
): DistSpaceError {
  const details = denied.details as { path?: unknown; verb?: unknown };
  const path = details.path;
  if (typeof path !== 'string' || caps.allows('read', path)) return denied;
  const hit = touched.find((t) => t.path === path);
  const index = hit?.index ?? 0;
  const op = change[index];
  if (op === undefined) return denied;
  // The node whose path the denial would give away: the parent a node is created or moved
  // into, else the node the op names.
  const created = op.type === 'createFile' || op.type === 'createDir';
  const named = created || (op.type === 'move' && hit?.access === 'create') ? op.parent : op.id;
  if (!maySee(caps, state, named)) return absentNode(op, index, named);
  return new DistSpaceError(
    'PERMISSION_DENIED',
    `Op ${index} (${op.type} of ${op.id}): it touches paths this session may not read, and needs ${String(details.verb)} rights on them.`,
    { index, id: op.id, verb: details.verb },
  );
}

/**
 * The error of a change that does not apply, as its author may be told it. When the op that
 * failed names a node hidden from the session (the node it edits, deletes or moves, or the
 * directory it creates or moves into), the answer is the `NOT_FOUND` an absent id gets,
 * whatever went wrong: else the failure would be an oracle (an insert past the end tells the
 * file is shorter, a delete recording other content tells the content is not that).
 */
export function concealFailure(
  caps: Capabilities,
  state: Workspace,
  change: WorkspaceChange,
  failure: DistSpaceError,
): DistSpaceError {
  if (caps.readsEverything) return failure;
  const index = (failure.details as { index?: unknown } | undefined)?.index;
  const op = typeof index === 'number' ? change[index] : undefined;
  if (op === undefined || typeof index !== 'number') return failure;
  // In the order apply checks them: the node an op names exists before its target does.
  const named =
    op.type === 'createFile' || op.type === 'createDir'
      ? [op.parent]
      : op.type === 'move'
        ? [op.id, op.parent]
        : [op.id];
  const hidden = named.find((id) => !maySee(caps, state, id));
  if (hidden === undefined) return failure;
  if (hidden === op.id) return absentNode(op, index, hidden);
  // A hidden target directory: apply looks at it only after checks that do not depend on it
  // (the id of a create, the place a move starts from). A failure found before it is told as
  // it is, as it would be for an absent directory; else the answer to a bad op would tell a
  // hidden directory from an absent one.
  const probe = applyWorkspaceChange(
    state,
    change.map((o, i) => (i === index ? ({ ...op, parent: NO_NODE } as WorkspaceOp) : o)),
  );
  const parentMissing = !probe.ok && probe.error.message.includes(NO_NODE);
  return parentMissing ? absentNode(op, index, hidden) : failure;
}

/** An id no workspace holds (ids are `<clientId>:<counter>`), for {@link concealFailure}. */
const NO_NODE = '\u0000no-node';

/** The `NOT_FOUND` apply gives op `index` when node `named` (its own id or its parent) is absent. */
function absentNode(op: WorkspaceOp, index: number, named: NodeId): DistSpaceError {
  const missing =
    named !== op.id
      ? `the parent directory ${named} does not exist`
      : `no ${op.type === 'edit' ? 'file' : 'node'} ${op.id} exists`;
  return new DistSpaceError('NOT_FOUND', `Op ${index} (${op.type} of ${op.id}): ${missing}.`, {
    index,
    id: op.id,
  });
}
