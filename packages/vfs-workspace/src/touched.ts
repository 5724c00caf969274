import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { applyWorkspaceChange } from './apply.js';
import type { NodeSnapshot, WorkspaceChange } from './ops.js';
import type { TreeNode } from './tree.js';
import type { Workspace } from './workspace.js';

/**
 * How an op touches a path, as capability scopes see it (DESIGN.md 3.10): `create` a new path,
 * `delete` an existing one, `write` a file's text. A move deletes every path under its source and
 * creates every path under its target.
 */
export type PathAccess = 'create' | 'delete' | 'write';

/** One path one op touches. */
export interface TouchedPath {
  /** The op's index in the change. */
  readonly index: number;
  readonly access: PathAccess;
  /** The normalised path. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
}

function pathsBelow(
  ws: Workspace,
  node: TreeNode,
  path: string,
  out: Array<[string, 'file' | 'dir']>,
): void {
  out.push([path, node.kind]);
  if (node.kind !== 'dir') return;
  for (const name of Object.keys(node.children)) {
    pathsBelow(ws, ws.node(node.children[name]!)!, `${path}/${name}`, out);
  }
}

function snapshotPaths(s: NodeSnapshot, path: string, out: Array<[string, 'file' | 'dir']>): void {
  out.push([path, s.kind]);
  if (s.kind === 'dir') for (const c of s.children) snapshotPaths(c, `${path}/${c.name}`, out);
}

function join(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

/**
 * Every path a change touches, op by op, each against the state the ops before it leave: what a
 * permission check needs. Call it with the workspace the change is about to be applied to (at
 * the server, the current state and the transformed change). Directory deletes and moves list
 * every path beneath them. Edits cost one path lookup; no tree is drafted for them.
 *
 * @returns the paths, or the error of the first op that does not apply
 */
export function touchedPaths(ws: Workspace, change: WorkspaceChange): Result<TouchedPath[]> {
  const out: TouchedPath[] = [];
  let current = ws;
  for (let index = 0; index < change.length; index++) {
    const op = change[index]!;
    const add = (access: PathAccess, paths: Array<[string, 'file' | 'dir']>) => {
      for (const [path, kind] of paths) out.push({ index, access, path, kind });
    };
    const node = current.node(op.id);
    if (op.type === 'edit') {
      if (node?.kind === 'file') add('write', [[current.pathOf(op.id)!, 'file']]);
    } else if (op.type === 'createFile' || op.type === 'createDir') {
      const parent = current.pathOf(op.parent);
      if (parent !== undefined)
        add('create', [[join(parent, op.name), op.type === 'createFile' ? 'file' : 'dir']]);
    } else if (node !== undefined) {
      const from: Array<[string, 'file' | 'dir']> = [];
      const path = current.pathOf(op.id)!;
      if (op.type === 'delete') snapshotPaths(op.removed, path, from);
      else pathsBelow(current, node, path, from);
      add('delete', from);
      if (op.type === 'move') {
        const target = current.pathOf(op.parent);
        if (target !== undefined) {
          const to = join(target, op.name);
          add(
            'create',
            from.map(([p, kind]) => [to + p.slice(path.length), kind]),
          );
        }
      }
    }
    // Move on to the state this op leaves, which also checks it applies.
    const next = applyWorkspaceChange(current, [op]);
    if (!next.ok) {
      const e = next.error;
      return err(
        new DistSpaceError(e.code, e.message.replace(/^Op 0/, `Op ${index}`), {
          ...e.details,
          index,
        }),
      );
    }
    current = next.value;
  }
  return ok(out);
}

/**
 * The paths of a change the caller has already applied to `ws` (the server's sequencer applies
 * a change before checking rights): the same list as {@link touchedPaths}, cheaper. `ws` is the
 * state before the change, the one it was applied to, not the state it produced. Edits move
 * no path, so a change of edits alone costs one path lookup per op and no apply; a change with
 * a tree op is walked op by op as `touchedPaths` walks it.
 *
 * @returns the paths; for a change that does not apply to `ws` after all, the error of the first
 * op that does not (from that walk), or, for edits alone, the paths of the edits whose file exists
 */
export function touchedPathsOfApplied(
  ws: Workspace,
  change: WorkspaceChange,
): Result<TouchedPath[]> {
  const out: TouchedPath[] = [];
  for (let index = 0; index < change.length; index++) {
    const op = change[index]!;
    if (op.type !== 'edit') return touchedPaths(ws, change);
    const path = ws.pathOf(op.id);
    if (path !== undefined && ws.node(op.id)?.kind === 'file') {
      out.push({ index, access: 'write', path, kind: 'file' });
    }
  }
  return ok(out);
}
