import { DistSpaceError } from '@dist-space/ot-core';
import type { Capabilities } from '@dist-space/permissions';
import {
  type NodeId,
  ROOT_ID,
  type TouchedPath,
  type Workspace,
  type WorkspaceChange,
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
  const where = `Op ${index} (${op.type} of ${op.id})`;
  if (!maySee(caps, state, named)) {
    const missing =
      named !== op.id
        ? `the parent directory ${named} does not exist`
        : `no ${op.type === 'edit' ? 'file' : 'node'} ${op.id} exists`;
    return new DistSpaceError('NOT_FOUND', `${where}: ${missing}.`, { index, id: op.id });
  }
  return new DistSpaceError(
    'PERMISSION_DENIED',
    `${where}: it touches paths this session may not read, and needs ${String(details.verb)} rights on them.`,
    { index, id: op.id, verb: details.verb },
  );
}
