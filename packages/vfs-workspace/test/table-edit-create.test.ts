import { insert } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';
import { byId, byPath, listing, merge, outcomes, tree } from './support/table.js';

// One test per row of docs/transform.md, tables "Edit against ..." and "Create against ...".
// `a` is the op the row is about, `b` the concurrent op; "a first" means a was sequenced first.

const base = () => tree(['src/', 'src/a.ts=hello', 'docs/', 'docs/b.md=notes']);

describe('edit against ...', () => {
  it('E1 an edit of the same file: ot-core transform, the first-sequenced insert first', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(5, '!')]));
    const b = byPath(s, 'B', (b) => b.edit('src/a.ts', [insert(5, '?')]));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/', 'src/a.ts = hello!?']);
    expect(r.notesA).toEqual([]);
  });

  it('E2 an edit of another file: both pass through untouched', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '1 ')]));
    const b = byPath(s, 'B', (b) => b.edit('docs/b.md', [insert(0, '2 ')]));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(r.bAfterA).toEqual(b);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = 2 notes', 'src/', 'src/a.ts = 1 hello']);
  });

  it('E3 a create: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const b = byPath(s, 'B', (b) => b.createFile('src/c.ts', 'new'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = >hello',
      'src/c.ts = new',
    ]);
  });

  it('E4 a move or rename of the file: unchanged, the edit follows the file', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/renamed.ts'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'docs/renamed.ts = >hello',
      'src/',
    ]);
  });

  it('E5 a move of a directory above the file: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(5, ' world')]));
    const b = byPath(s, 'B', (b) => b.rename('src', 'lib'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'lib/', 'lib/a.ts = hello world']);
  });

  it('E6 a delete of the file: the edit is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const b = byPath(s, 'B', (b) => b.delete('src/a.ts'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual([]);
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/']);
  });

  it('E7 a delete of a directory above the file: the edit is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const b = byPath(s, 'B', (b) => b.delete('src'));
    const r = merge(s, a, b, 'a');
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
  });

  it('E8 a delete elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const b = byPath(s, 'B', (b) => b.delete('docs'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['src/', 'src/a.ts = >hello']);
  });
});

describe('create against ...', () => {
  it('C1 an edit: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('src/c.ts', 'c'));
    const b = byPath(s, 'B', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = >hello',
      'src/c.ts = c',
    ]);
  });

  it('C2 a create at the same path, a first: a keeps the name, the other gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('src/n.ts', 'from A'));
    const b = byPath(s, 'B', (b) => b.createFile('src/n.ts', 'from B'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = hello',
      'src/n (conflict B-1).ts = from B',
      'src/n.ts = from A',
    ]);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'renamed', name: 'n (conflict B-1).ts' },
    ]);
    expect(r.notesA).toEqual([]);
  });

  it('C3 a create at the same path, a second: a gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createDir('src/n'));
    const b = byPath(s, 'B', (b) => b.createFile('src/n', 'file'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = hello',
      'src/n (conflict A-1)/',
      'src/n = file',
    ]);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'renamed', name: 'n (conflict A-1)' },
    ]);
  });

  it('C4 a create of the same name elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('src/n.ts', 'A'));
    const b = byPath(s, 'B', (b) => b.createFile('docs/n.ts', 'B'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toContain('src/n.ts = A');
    expect(listing(r.ws)).toContain('docs/n.ts = B');
  });

  it('C5 the same restore (same id, place and content) on both sides: merged into one', () => {
    const s = base();
    const restore = () =>
      byId(s, [{ type: 'createFile', id: 'G:1', parent: 'base:1', name: 'r.ts', content: 'back' }]);
    const r = merge(s, restore(), restore(), 'a');
    expect(r.aAfterB).toEqual([]);
    expect(r.bAfterA).toEqual([]);
    expect(r.notesA).toEqual([]);
    expect(listing(r.ws)).toContain('src/r.ts = back');
  });

  it('C6 a restore of the same id elsewhere or with other content, a first: a wins', () => {
    const s = base();
    const a = byId(s, [
      { type: 'createFile', id: 'G:1', parent: 'base:1', name: 'r.ts', content: 'mine' },
    ]);
    const b = byId(s, [
      { type: 'createFile', id: 'G:1', parent: 'base:3', name: 'r.md', content: 'theirs' },
    ]);
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB.map((op) => op.type)).toEqual(['move', 'edit']);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = hello',
      'src/r.ts = mine',
    ]);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'superseded' }]);
  });

  it('C7 a restore of the same id, a second: a is dropped and reported', () => {
    const s = base();
    const a = byId(s, [{ type: 'createDir', id: 'G:1', parent: 'base:1', name: 'r' }]);
    const b = byId(s, [{ type: 'createDir', id: 'G:1', parent: 'base:3', name: 'r' }]);
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual([]);
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'superseded' }]);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'docs/r/',
      'src/',
      'src/a.ts = hello',
    ]);
  });

  it('C8 a restore of the same id as another kind, a first: the other node is replaced', () => {
    const s = base();
    const a = byId(s, [
      { type: 'createFile', id: 'G:1', parent: 'base:1', name: 'r', content: 'file' },
    ]);
    const b = byId(s, [{ type: 'createDir', id: 'G:1', parent: 'base:1', name: 'r' }]);
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB.map((op) => op.type)).toEqual(['delete', 'createFile']);
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'src/',
      'src/a.ts = hello',
      'src/r = file',
    ]);
  });

  it('C9 a move of another node to the same path, a first: the moved node gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('docs/x.ts', 'created'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/x.ts'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'docs/x (conflict base-2).ts = hello',
      'docs/x.ts = created',
      'src/',
    ]);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'renamed', name: 'x (conflict base-2).ts' },
    ]);
  });

  it('C10 a move of another node to the same path, a second: the created node gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('docs/x.ts', 'created'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/x.ts'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'docs/x (conflict A-1).ts = created',
      'docs/x.ts = hello',
      'src/',
    ]);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'renamed', name: 'x (conflict A-1).ts' },
    ]);
  });

  it('C11 a move of the parent directory: the node is created in it where it went', () => {
    const s = tree(['src/', 'src/inner/', 'docs/']);
    const a = byPath(s, 'A', (b) => b.createFile('src/inner/n.ts', 'n'));
    const b = byPath(s, 'B', (b) => b.move('src', 'docs/old-src'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/old-src/',
      'docs/old-src/inner/',
      'docs/old-src/inner/n.ts = n',
    ]);
    expect(r.notesA).toEqual([]);
  });

  it('C12 a delete of the parent directory: relocated to its parent under the conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('src/n.ts', 'keep me'));
    const b = byPath(s, 'B', (b) => b.delete('src'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'n (conflict A-1).ts = keep me']);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'root', name: 'n (conflict A-1).ts' },
    ]);
  });

  it('C13 a delete of a directory further up: relocated to the parent of the deleted directory', () => {
    const s = tree(['top/', 'top/src/', 'top/src/deep/']);
    const a = byPath(s, 'A', (b) => [
      b.createDir('top/src/deep/d'),
      b.createFile('top/src/deep/d/f', 'f'),
    ]);
    const b = byPath(s, 'B', (b) => b.delete('top/src'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['top/', 'top/d (conflict A-1)/', 'top/d (conflict A-1)/f = f']);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'base:1', name: 'd (conflict A-1)' },
    ]);
  });

  it('C14 a delete elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('src/n.ts', 'n'));
    const b = byPath(s, 'B', (b) => b.delete('docs'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['src/', 'src/a.ts = hello', 'src/n.ts = n']);
  });
});
