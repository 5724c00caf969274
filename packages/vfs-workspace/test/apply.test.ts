import { insert, replace } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  completeChange,
  createIdGenerator,
  ROOT_ID,
  validateWorkspace,
  Workspace,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { byId, byPath, listing, tree } from './support/table.js';

const base = () => tree(['src/', 'src/a.ts=hello', 'docs/']);

function codeOf(ws: Workspace, change: WorkspaceOp[]): string {
  const r = applyWorkspaceChange(ws, change);
  return r.ok ? 'ok' : r.error.code;
}

describe('applyWorkspaceChange', () => {
  it('applies every kind of op in order, one change editing and renaming several files', () => {
    const s = base();
    const change = byPath(s, 'A', (b) => [
      b.createDir('lib'),
      b.createFile('lib/b.ts', 'b'),
      b.edit('src/a.ts', [insert(5, '!')]),
      b.move('src/a.ts', 'lib/a.ts'),
      b.edit('lib/b.ts', [replace(0, 1, 'B')]),
      b.delete('src'),
    ]);
    const r = applyWorkspaceChange(s, change);
    expect(r.ok && listing(r.value)).toEqual([
      'docs/',
      'lib/',
      'lib/a.ts = hello!',
      'lib/b.ts = B',
    ]);
    expect(r.ok && validateWorkspace(r.value)).toEqual([]);
  });

  it('is atomic: a failing op leaves nothing applied, and the old workspace is untouched', () => {
    const s = base();
    const good = byPath(s, 'A', (b) => b.createFile('docs/x', 'x'));
    const bad = byId(s, [{ type: 'createDir', id: 'A:9', parent: ROOT_ID, name: 'src2' }]).map(
      (op) => ({ ...op, parent: 'nowhere:1' }),
    );
    const r = applyWorkspaceChange(s, [...good, ...bad]);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { index: 1 } } });
    expect(listing(s)).toEqual(['docs/', 'src/', 'src/a.ts = hello']);
  });

  it('never runs immer over the tree for an edit: the tree object is the very same', () => {
    const s = base();
    const edit = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const r = applyWorkspaceChange(s, edit);
    expect(r.ok && r.value.tree).toBe(s.tree);
    expect(r.ok && r.value.read('src/a.ts')).toEqual({ ok: true, value: '>hello' });
    expect(s.read('src/a.ts')).toEqual({ ok: true, value: 'hello' });
  });

  it('shares structure and freezes the tree', () => {
    const s = tree(['src/', 'src/a.ts=a', 'docs/', 'docs/b.md=b']);
    const r = applyWorkspaceChange(
      s,
      byPath(s, 'A', (b) => b.rename('src/a.ts', 'src/z.ts')),
    );
    if (!r.ok) throw r.error;
    expect(Object.isFrozen(r.value.tree.shards)).toBe(true);
    expect(Object.isFrozen(r.value.node('base:1'))).toBe(true);
    expect(r.value.node('base:3')).toBe(s.node('base:3'));
    expect(r.value.node('base:1')).not.toBe(s.node('base:1'));
    // Only the shards holding a changed node are new; the others are shared.
    const changed = r.value.tree.shards.filter((shard, i) => shard !== s.tree.shards[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(2);
  });

  it('rejects each broken op with its code', () => {
    const s = base();
    const create = (over: Record<string, unknown>) => [
      {
        ...byId(s, [
          { type: 'createFile', id: 'A:1', parent: 'base:1', name: 'n', content: '' },
        ])[0]!,
        ...over,
      } as WorkspaceOp,
    ];
    expect(codeOf(s, create({}))).toBe('ok');
    expect(codeOf(s, create({ name: 'a.ts' }))).toBe('ALREADY_EXISTS');
    expect(codeOf(s, create({ id: 'base:2' }))).toBe('ALREADY_EXISTS');
    expect(codeOf(s, create({ id: ROOT_ID }))).toBe('ROOT_IS_FIXED');
    expect(codeOf(s, create({ id: 'bad id' }))).toBe('INVALID_OP');
    expect(codeOf(s, create({ parent: 'base:2', ancestors: ['base:1', 'root'] }))).toBe(
      'NOT_A_DIRECTORY',
    );
    expect(codeOf(s, create({ name: 'a/b' }))).toBe('INVALID_PATH');
    expect(codeOf(s, create({ name: 'e\u0301' }))).toBe('INVALID_PATH');
    expect(codeOf(s, create({ name: 'n (conflict B-1)' }))).toBe('RESERVED_NAME');
    expect(codeOf(s, create({ name: 'n (conflict A-1)' }))).toBe('ok');
    expect(codeOf(s, create({ ancestors: [] }))).toBe('CONTEXT_MISMATCH');
    expect(codeOf(s, create({ content: 'a\ud800' }))).toBe('SPLITS_SURROGATE_PAIR');
    const move = (over: Record<string, unknown>) => [
      {
        ...byId(s, [{ type: 'move', id: 'base:1', parent: 'base:3', name: 'src' }])[0]!,
        ...over,
      } as WorkspaceOp,
    ];
    expect(codeOf(s, move({}))).toBe('ok');
    expect(codeOf(s, move({ from: { parent: ROOT_ID, name: 'other', ancestors: [] } }))).toBe(
      'CONTEXT_MISMATCH',
    );
    expect(codeOf(s, move({ id: ROOT_ID }))).toBe('ROOT_IS_FIXED');
    expect(codeOf(s, move({ id: 'x:1' }))).toBe('NOT_FOUND');
    const intoSelf = byId(tree(['p/', 'p/q/']), [
      { type: 'createDir', id: 'A:1', parent: 'base:2', name: 'x' },
    ]);
    expect(intoSelf).toHaveLength(1);
    const p = tree(['p/', 'p/q/']);
    expect(
      completeChange(p, [{ type: 'move', id: 'base:1', parent: 'base:2', name: 'p' }]),
    ).toMatchObject({ ok: false, error: { code: 'MOVE_INTO_DESCENDANT' } });
    const del = byId(s, [{ type: 'delete', id: 'base:1' }])[0]!;
    expect(codeOf(s, [del])).toBe('ok');
    expect(
      codeOf(s, [
        {
          ...del,
          removed: { kind: 'dir', id: 'base:1', name: 'src', children: [] },
        } as WorkspaceOp,
      ]),
    ).toBe('CONTEXT_MISMATCH');
    expect(
      codeOf(s, [
        {
          ...del,
          removed: {
            kind: 'dir',
            id: 'base:1',
            name: 'src',
            children: [{ kind: 'file', id: 'base:2', name: 'a.ts', content: 'other' }],
          },
        } as WorkspaceOp,
      ]),
    ).toBe('CONTEXT_MISMATCH');
    expect(codeOf(s, [{ type: 'edit', id: 'base:1', change: [] }])).toBe('NOT_A_FILE');
    expect(codeOf(s, [{ type: 'edit', id: 'x:1', change: [] }])).toBe('NOT_FOUND');
    expect(codeOf(s, [{ type: 'edit', id: 'base:2', change: [insert(99, 'x')] }])).toBe(
      'OUT_OF_RANGE',
    );
    expect(codeOf(s, [{ type: 'nonsense' } as unknown as WorkspaceOp])).toBe('INVALID_OP');
  });

  it('enforces optional limits on the result', () => {
    const s = base();
    const grow = byPath(s, 'A', (b) => [b.createFile('docs/x', 'x'.repeat(20))]);
    expect(applyWorkspaceChange(s, grow, { maxNodes: 3 })).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED' },
    });
    expect(applyWorkspaceChange(s, grow, { maxFileSize: 10 })).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED' },
    });
    expect(applyWorkspaceChange(s, grow, { maxNodes: 4, maxFileSize: 20 }).ok).toBe(true);
  });

  it('accepts names that are keys of Object.prototype', () => {
    const b = new ChangeBuilder(Workspace.empty, createIdGenerator('A'));
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(b.createDir(name).ok).toBe(true);
      expect(b.createFile(`${name}/__proto__`, name).ok).toBe(true);
    }
    expect(b.workspace.read('constructor/__proto__')).toEqual({ ok: true, value: 'constructor' });
    expect(b.workspace.resolve('valueOf')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(validateWorkspace(b.workspace)).toEqual([]);
  });
});
