import { insert } from '@dist-space/ot-core';
import {
  ChangeBuilder,
  createIdGenerator,
  validateWorkspace,
  Workspace,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { listing, tree } from './support/table.js';

const builder = (ws = tree(['src/', 'src/a.ts=hello', 'docs/'])) =>
  new ChangeBuilder(ws, createIdGenerator('A'));

describe('the path API', () => {
  it('builds a change by path and moves its state along', () => {
    const b = builder();
    expect(b.createDir('lib')).toEqual({ ok: true, value: 'A:1' });
    expect(b.createFile('lib/x.ts', 'x')).toEqual({ ok: true, value: 'A:2' });
    expect(b.rename('lib', 'pkg')).toEqual({ ok: true, value: 'A:1' });
    expect(b.edit('pkg/x.ts', [insert(1, 'y')])).toEqual({ ok: true, value: 'A:2' });
    expect(b.delete('src/a.ts')).toEqual({ ok: true, value: 'base:2' });
    expect(b.change.map((op) => op.type)).toEqual([
      'createDir',
      'createFile',
      'move',
      'edit',
      'delete',
    ]);
    expect(listing(b.workspace)).toEqual(['docs/', 'pkg/', 'pkg/x.ts = xy', 'src/']);
  });

  it('normalises paths (NFC) and records edits with their deleted text, so they can be inverted', () => {
    const b = builder();
    expect(b.createFile('docs/re\u0301sume\u0301.md', '').ok).toBe(true);
    expect(b.workspace.resolve('docs/r\u00e9sum\u00e9.md').ok).toBe(true);
    b.edit('src/a.ts', [{ type: 'delete', pos: 0, len: 2 }]);
    expect(b.change[1]).toMatchObject({
      type: 'edit',
      change: [{ type: 'delete', pos: 0, len: 2, deleted: 'he' }],
    });
  });

  it('fails with typed errors and records nothing for a failed call', () => {
    const b = builder();
    const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
    expect(code(b.createFile('src/a.ts'))).toBe('ALREADY_EXISTS');
    expect(code(b.createFile('nope/a.ts'))).toBe('NOT_FOUND');
    expect(code(b.createFile('src/a.ts/x'))).toBe('NOT_A_DIRECTORY');
    expect(code(b.createFile('/abs'))).toBe('INVALID_PATH');
    expect(code(b.createFile(''))).toBe('INVALID_PATH');
    expect(code(b.createFile('x (conflict B-3).ts'))).toBe('RESERVED_NAME');
    expect(code(b.move('src', 'src/inner'))).toBe('MOVE_INTO_DESCENDANT');
    expect(code(b.move('src/a.ts', 'docs'))).toBe('ALREADY_EXISTS');
    expect(code(b.move('missing', 'x'))).toBe('NOT_FOUND');
    expect(code(b.move('', 'x'))).toBe('ROOT_IS_FIXED');
    expect(code(b.delete(''))).toBe('ROOT_IS_FIXED');
    expect(code(b.edit('src', []))).toBe('NOT_A_FILE');
    expect(code(b.edit('src/zz', []))).toBe('NOT_FOUND');
    expect(b.change).toHaveLength(0);
    const moved = b.move('src/a.ts', 'src/a.ts');
    expect(moved.ok).toBe(true);
    expect(b.change).toHaveLength(0);
  });

  it('reads by path: read, list, stat', () => {
    const ws = tree(['src/', 'src/b.ts=two\nlines', 'src/a.ts=x', 'docs/']);
    expect(ws.read('src/b.ts')).toEqual({ ok: true, value: 'two\nlines' });
    expect(ws.read('src')).toMatchObject({ ok: false, error: { code: 'NOT_A_FILE' } });
    expect(ws.list('src')).toEqual({
      ok: true,
      value: [
        { name: 'a.ts', id: 'base:3', kind: 'file' },
        { name: 'b.ts', id: 'base:2', kind: 'file' },
      ],
    });
    expect(ws.list().ok && ws.list().ok).toBe(true);
    expect(ws.list('src/a.ts')).toMatchObject({ ok: false, error: { code: 'NOT_A_DIRECTORY' } });
    expect(ws.stat('src/b.ts')).toEqual({
      ok: true,
      value: { id: 'base:2', kind: 'file', path: 'src/b.ts', parent: 'base:1', size: 9, lines: 2 },
    });
    expect(ws.stat('')).toMatchObject({
      ok: true,
      value: { kind: 'dir', path: '', parent: null, size: 2 },
    });
    expect(ws.stat('a/../b')).toMatchObject({ ok: false, error: { code: 'INVALID_PATH' } });
    expect(ws.pathOf('base:2')).toBe('src/b.ts');
    expect(ws.pathOf('nobody:1')).toBeUndefined();
    expect(validateWorkspace(ws)).toEqual([]);
    expect(Workspace.empty.size).toBe(0);
  });
});
