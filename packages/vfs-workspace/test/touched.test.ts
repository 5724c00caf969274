import { insert } from '@dist-space/ot-core';
import { touchedPaths, Workspace } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { byPath, tree } from './support/table.js';

describe('touchedPaths', () => {
  it('lists, op by op against the evolving state, what each op creates, deletes and writes', () => {
    const s = tree(['src/', 'src/a.ts=a', 'src/deep/', 'src/deep/b.ts=b', 'docs/']);
    const change = byPath(s, 'A', (b) => [
      b.edit('src/a.ts', [insert(0, '>')]),
      b.createFile('docs/new.md', ''),
      b.rename('src', 'lib'),
      b.edit('lib/deep/b.ts', [insert(0, '>')]),
      b.delete('lib/deep'),
    ]);
    const r = touchedPaths(s, change);
    expect(
      r.ok && r.value.map((t) => `${t.index} ${t.access} ${t.path}${t.kind === 'dir' ? '/' : ''}`),
    ).toEqual([
      '0 write src/a.ts',
      '1 create docs/new.md',
      '2 delete src/',
      '2 delete src/a.ts',
      '2 delete src/deep/',
      '2 delete src/deep/b.ts',
      '2 create lib/',
      '2 create lib/a.ts',
      '2 create lib/deep/',
      '2 create lib/deep/b.ts',
      '3 write lib/deep/b.ts',
      '4 delete lib/deep/',
      '4 delete lib/deep/b.ts',
    ]);
  });

  it('fails like apply when an op does not fit the state', () => {
    const s = tree(['src/']);
    const change = byPath(s, 'A', (b) => b.createFile('src/a', ''));
    expect(touchedPaths(Workspace.empty, change)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', details: { index: 0 } },
    });
  });
});
