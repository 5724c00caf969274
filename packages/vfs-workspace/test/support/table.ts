import type { Result } from '@dist-space/ot-core';
import {
  ChangeBuilder,
  completeChange,
  createIdGenerator,
  type TransformNote,
  transformWorkspaceX,
  validateWorkspace,
  Workspace,
  type WorkspaceOp,
  type WorkspaceOpDraft,
} from '@dist-space/vfs-workspace';
import { expect } from 'vitest';
import { describeWorkspace, mustApply } from './workspace-arbs.js';

// Helpers for the transform table tests: a readable base tree, changes built by path, and a
// merge that checks both orders.

/**
 * A workspace from a list of entries: `"dir/"` makes a directory, `"dir/file=text"` a file
 * (text may be empty). Parents come before their entries. Ids are `base:1`, `base:2`, ...
 */
export function tree(entries: readonly string[]): Workspace {
  const b = new ChangeBuilder(Workspace.empty, createIdGenerator('base'));
  for (const entry of entries) {
    const r = entry.endsWith('/')
      ? b.createDir(entry.slice(0, -1))
      : b.createFile(
          entry.slice(0, entry.indexOf('=') < 0 ? undefined : entry.indexOf('=')),
          entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : '',
        );
    if (!r.ok) throw r.error;
  }
  return b.workspace;
}

/** A change by path, built by `client` (ids `<client>:1`, ...). */
export function byPath(
  ws: Workspace,
  client: string,
  build: (b: ChangeBuilder) => Result<unknown> | Array<Result<unknown>>,
): WorkspaceOp[] {
  const b = new ChangeBuilder(ws, createIdGenerator(client));
  for (const r of [build(b)].flat()) if (!r.ok) throw r.error;
  return b.change as WorkspaceOp[];
}

/** A change by id, completed against `ws`. */
export function byId(ws: Workspace, drafts: WorkspaceOpDraft[]): WorkspaceOp[] {
  const r = completeChange(ws, drafts);
  if (!r.ok) throw r.error;
  return r.value as WorkspaceOp[];
}

/** The tree as sorted lines: `"dir/"` for a directory, `"path = text"` for a file. */
export function listing(ws: Workspace): string[] {
  const out: string[] = [];
  for (const node of ws.walk()) {
    const path = ws.pathOf(node.id)!;
    out.push(node.kind === 'dir' ? `${path}/` : `${path} = ${ws.text(node.id)!.toString()}`);
  }
  return out.sort();
}

/**
 * Merges two concurrent changes, `first` sequenced first, in both orders, and checks that the
 * orders agree and the result is sound.
 *
 * @returns the merged workspace and what the transform reported for each change
 */
export function merge(
  base: Workspace,
  a: WorkspaceOp[],
  b: WorkspaceOp[],
  first: 'a' | 'b',
): {
  ws: Workspace;
  notesA: TransformNote[];
  notesB: TransformNote[];
  aAfterB: WorkspaceOp[];
  bAfterA: WorkspaceOp[];
} {
  const x = transformWorkspaceX(a, b, first === 'a' ? 'left' : 'right');
  const viaA = mustApply(mustApply(base, a), x.b.change);
  const viaB = mustApply(mustApply(base, b), x.a.change);
  expect(validateWorkspace(viaA)).toEqual([]);
  expect(describeWorkspace(viaB)).toEqual(describeWorkspace(viaA));
  return {
    ws: viaA,
    notesA: x.a.notes,
    notesB: x.b.notes,
    aAfterB: x.a.change,
    bAfterA: x.b.change,
  };
}

/** The notes without the ops they quote, for compact expectations. */
export function outcomes(notes: readonly TransformNote[]): Array<Record<string, unknown>> {
  return notes.map(({ op: _op, ...rest }) => rest);
}
