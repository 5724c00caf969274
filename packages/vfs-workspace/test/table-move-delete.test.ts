import { insert } from '@dist-space/ot-core';
import { invertWorkspaceChange } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { byId, byPath, listing, merge, outcomes, tree } from './support/table.js';
import { mustApply } from './support/workspace-arbs.js';

// One test per row of docs/transform.md, tables "Move against ..." and "Delete against ...".
// `a` is the op the row is about, `b` the concurrent op; "a first" means a was sequenced first.
// Ids: base:1 = src, base:2 = src/a.ts, base:3 = docs, base:4 = docs/b.md.

const base = () => tree(['src/', 'src/a.ts=hello', 'docs/', 'docs/b.md=notes']);

describe('move against ...', () => {
  it('M1 an edit: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.rename('src/a.ts', 'src/z.ts'));
    const b = byPath(s, 'B', (b) => b.edit('src/a.ts', [insert(5, '!')]));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/', 'src/z.ts = hello!']);
  });

  it('M2 a create at the target path, a first: the created node gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.createFile('docs/a.ts', 'created'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/a (conflict B-1).ts = created',
      'docs/a.ts = hello',
      'docs/b.md = notes',
      'src/',
    ]);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'renamed', name: 'a (conflict B-1).ts' },
    ]);
  });

  it('M3 a create at the target path, a second: the moved node gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.createFile('docs/a.ts', 'created'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/a (conflict base-2).ts = hello',
      'docs/a.ts = created',
      'docs/b.md = notes',
      'src/',
    ]);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'renamed', name: 'a (conflict base-2).ts' },
    ]);
  });

  it('M4 a move of the same node, a first: the later move wins, a is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.rename('src/a.ts', 'src/z.ts'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/', 'src/z.ts = hello']);
    expect(r.aAfterB).toEqual([]);
    expect(r.bAfterA).toMatchObject([
      { type: 'move', id: 'base:2', parent: 'base:1', name: 'z.ts' },
    ]);
    expect(r.bAfterA[0]).toMatchObject({ from: { parent: 'base:3', name: 'a.ts' } });
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'superseded' }]);
    expect(r.notesB).toEqual([]);
  });

  it('M5 a move of the same node, a second: a wins, moving it on from where the other put it', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.rename('src/a.ts', 'src/z.ts'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/a.ts = hello', 'docs/b.md = notes', 'src/']);
    expect(r.aAfterB).toMatchObject([
      { type: 'move', id: 'base:2', parent: 'base:3', name: 'a.ts' },
    ]);
    expect(r.aAfterB[0]).toMatchObject({ from: { parent: 'base:1', name: 'z.ts' } });
    expect(r.bAfterA).toEqual([]);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'superseded' }]);
    expect(r.notesA).toEqual([]);
    // Undoing the winning move puts the file back where the earlier move had put it.
    const undone = mustApply(r.ws, invertWorkspaceChange(r.aAfterB));
    expect(listing(undone)).toEqual(['docs/', 'docs/b.md = notes', 'src/', 'src/z.ts = hello']);
  });

  it('M6 a move of the same node to the same place: nothing left to do, nothing reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const r = merge(s, a, b, 'b');
    expect([r.aAfterB, r.bAfterA, r.notesA, r.notesB]).toEqual([[], [], [], []]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/a.ts = hello', 'docs/b.md = notes', 'src/']);
  });

  it('M7 a move of another node to the same path, a first: the other node gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'x'));
    const b = byPath(s, 'B', (b) => b.move('docs/b.md', 'x'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['docs/', 'src/', 'x (conflict base-4) = notes', 'x = hello']);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'renamed', name: 'x (conflict base-4)' },
    ]);
  });

  it('M8 a move of another node to the same path, a second: a gets its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'x'));
    const b = byPath(s, 'B', (b) => b.move('docs/b.md', 'x'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'src/', 'x (conflict base-2) = hello', 'x = notes']);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'renamed', name: 'x (conflict base-2)' },
    ]);
  });

  it('M9 a crossing move (each directory into the other), a first: the other is put back, a stands', () => {
    const s = tree(['p/', 'p/deep/', 'q/', 'q/f=f']);
    const a = byPath(s, 'A', (b) => b.move('p', 'q/p'));
    const b = byPath(s, 'B', (b) => b.move('q', 'p/deep/q'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['q/', 'q/f = f', 'q/p/', 'q/p/deep/']);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'cycle' }]);
  });

  it('M10 a crossing move, a second: a is dropped and reported', () => {
    const s = tree(['p/', 'p/deep/', 'q/', 'q/f=f']);
    const a = byPath(s, 'A', (b) => b.move('p', 'q/p'));
    const b = byPath(s, 'B', (b) => b.move('q', 'p/deep/q'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['p/', 'p/deep/', 'p/deep/q/', 'p/deep/q/f = f']);
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'cycle' }]);
  });

  it('M11 a move of a directory above the destination: a follows it (ancestors updated)', () => {
    const s = tree(['src/', 'src/a.ts=hello', 'docs/', 'docs/sub/']);
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/sub/a.ts'));
    const b = byPath(s, 'B', (b) => b.move('docs', 'src/manual'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([
      'src/',
      'src/manual/',
      'src/manual/sub/',
      'src/manual/sub/a.ts = hello',
    ]);
    expect(r.notesA).toEqual([]);
  });

  it('M12 a move of a directory above the moved node: a follows it (old place updated)', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.rename('src/a.ts', 'src/z.ts'));
    const b = byPath(s, 'B', (b) => b.move('src', 'docs/src'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/b.md = notes',
      'docs/src/',
      'docs/src/z.ts = hello',
    ]);
    // Undoing the transformed rename puts the file back by its new path.
    const undone = mustApply(r.ws, invertWorkspaceChange(r.aAfterB));
    expect(listing(undone)).toContain('docs/src/a.ts = hello');
  });

  it('M13 a delete of the moved node: the move is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.delete('src/a.ts'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/']);
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
  });

  it('M14 a delete of a directory above the moved node: the move is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.delete('src'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
    expect(outcomes(r.notesA)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
  });

  it('M15 a delete of the destination: relocated to its parent under the conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const b = byPath(s, 'B', (b) => b.delete('docs'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['a (conflict base-2).ts = hello', 'src/']);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'root', name: 'a (conflict base-2).ts' },
    ]);
  });

  it('M16 a delete elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.move('src/a.ts', 'a.ts'));
    const b = byPath(s, 'B', (b) => b.delete('docs'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['a.ts = hello', 'src/']);
  });

  it('M17 a move that leaves its node in place: ignored on both sides', () => {
    const s = base();
    const a = byId(s, [{ type: 'move', id: 'base:2', parent: 'base:1', name: 'a.ts' }]);
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB).toEqual([]);
    expect(r.bAfterA).toEqual(b);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/a.ts = hello', 'docs/b.md = notes', 'src/']);
  });
});

// Two moves of one node inside longer changes, and moves of a node that a fix-up moves too
// (docs/transform.md, "Lists").
describe('moves of one node in longer changes', () => {
  const superseded = [
    { index: 0, outcome: 'dropped', reason: 'superseded' },
    { index: 1, outcome: 'dropped', reason: 'superseded' },
  ];

  it.each([
    { first: 'a', winner: "b's", at: ['docs/', 'docs/b.md = notes', 'docs/q.ts = hello', 'src/'] },
    { first: 'b', winner: "a's", at: ['docs/', 'docs/b.md = notes', 'src/', 'src/y.ts = hello'] },
  ] as const)(
    'both sides move the same node twice, $first first: $winner last move wins',
    (row) => {
      const s = base();
      const a = byPath(s, 'A', (b) => [
        b.rename('src/a.ts', 'src/x.ts'),
        b.rename('src/x.ts', 'src/y.ts'),
      ]);
      const b = byPath(s, 'B', (b) => [
        b.rename('src/a.ts', 'src/p.ts'),
        b.move('src/p.ts', 'docs/q.ts'),
      ]);
      const r = merge(s, a, b, row.first);
      expect(listing(r.ws)).toEqual(row.at);
      // Both moves of the earlier change are reported; the later change's are not.
      const [earlier, later] = row.first === 'a' ? [r.notesA, r.notesB] : [r.notesB, r.notesA];
      expect([outcomes(earlier), later]).toEqual([superseded, []]);
    },
  );

  // a moves the file into docs and on to the root; b deletes docs.
  const throughDocs = (s: ReturnType<typeof base>) => ({
    a: byPath(s, 'A', (b) => [b.move('src/a.ts', 'docs/a.ts'), b.move('docs/a.ts', 'a.ts')]),
    b: byPath(s, 'B', (b) => b.delete('docs')),
  });

  it('a move out of a directory deleted later beats the fix-up that would rescue the node from it', () => {
    // The delete (second), transformed, first rescues the file that a put in docs (a fix-up),
    // but a's second move takes it out anyway, and a fix-up yields to its author's move: b' is
    // the delete alone.
    const s = base();
    const { a, b } = throughDocs(s);
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['a.ts = hello', 'src/']);
    expect(r.bAfterA.map((op) => op.type)).toEqual(['delete']);
    expect(r.notesB).toEqual([]);
  });

  it('a move out of a directory deleted earlier: relocated first, then moved on as its author asked', () => {
    const s = base();
    const { a, b } = throughDocs(s);
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['a.ts = hello', 'src/']);
    expect(outcomes(r.notesA)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'root', name: 'a (conflict base-2).ts' },
    ]);
  });

  it('a crossing move sequenced second, then a move of the same directory out: the later move stands', () => {
    // a (first) moves p into q; b (second) moves q into p (a cycle: dropped), then q to the
    // root as r. a's fix-up puts q back, and b's second move wins over it.
    const s = tree(['p/', 'p/deep/', 'q/', 'q/f=f']);
    const a = byPath(s, 'A', (b) => b.move('p', 'q/p'));
    const b = byPath(s, 'B', (b) => [b.move('q', 'p/deep/q'), b.move('p/deep/q', 'r')]);
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['r/', 'r/f = f', 'r/p/', 'r/p/deep/']);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'cycle' }]);
    expect(r.notesA).toEqual([]);
  });

  it('a name taken first, then the clashing node moved on: the later move stands, no conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.createFile('docs/a.ts', 'created'));
    const b = byPath(s, 'B', (b) => [b.move('src/a.ts', 'docs/a.ts'), b.move('docs/a.ts', 'x.ts')]);
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([
      'docs/',
      'docs/a.ts = created',
      'docs/b.md = notes',
      'src/',
      'x.ts = hello',
    ]);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'renamed', name: 'a (conflict base-2).ts' },
    ]);
  });
});

describe('delete against ...', () => {
  it('D1 an edit inside: the delete records the edited text, the edit is dropped and reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.edit('src/a.ts', [insert(5, ' world')]));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
    // The text is recoverable: undoing the delete as applied after the edit brings it back.
    const viaB = mustApply(mustApply(s, b), r.aAfterB);
    expect(listing(mustApply(viaB, invertWorkspaceChange(r.aAfterB)))).toContain(
      'src/a.ts = hello world',
    );
  });

  it('D2 an edit elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('docs'));
    const b = byPath(s, 'B', (b) => b.edit('src/a.ts', [insert(0, '>')]));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['src/', 'src/a.ts = >hello']);
  });

  it('D3 a create inside: the created node is first moved out to the parent, under its conflict name', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.createFile('src/n.ts', 'new'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB.map((op) => op.type)).toEqual(['move', 'delete']);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'n (conflict B-1).ts = new']);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'root', name: 'n (conflict B-1).ts' },
    ]);
  });

  it('D4 a create elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.createFile('docs/n.ts', 'new'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'docs/n.ts = new']);
  });

  it('D5 a move of the deleted node: it is deleted at its new place; the move is reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src/a.ts'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/moved.ts'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes', 'src/']);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
    expect(r.aAfterB).toMatchObject([{ type: 'delete', parent: 'base:3', name: 'moved.ts' }]);
  });

  it('D6 a move within the deleted subtree: the record follows it, and undo restores the moved layout', () => {
    const s = tree(['src/', 'src/sub/', 'src/a.ts=hello']);
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'src/sub/a.ts'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual([]);
    const viaB = mustApply(mustApply(s, b), r.aAfterB);
    expect(listing(mustApply(viaB, invertWorkspaceChange(r.aAfterB)))).toEqual([
      'src/',
      'src/sub/',
      'src/sub/a.ts = hello',
    ]);
  });

  it('D7 a move of a node out of the deleted subtree: it is deleted at its new place too', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/saved.ts'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB.map((op) => op.type)).toEqual(['delete', 'delete']);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
    expect(outcomes(r.notesB)).toEqual([{ index: 0, outcome: 'dropped', reason: 'deleted' }]);
  });

  it('D8 a move of another node into the deleted subtree: it is moved out to the parent first', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('docs'));
    const b = byPath(s, 'B', (b) => b.move('src/a.ts', 'docs/a.ts'));
    const r = merge(s, a, b, 'a');
    expect(listing(r.ws)).toEqual(['a (conflict base-2).ts = hello', 'src/']);
    expect(outcomes(r.notesB)).toEqual([
      { index: 0, outcome: 'relocated', parent: 'root', name: 'a (conflict base-2).ts' },
    ]);
  });

  it('D9 a move of a directory above the deleted node: the delete follows it', () => {
    const s = tree(['src/', 'src/deep/', 'src/deep/f=f', 'docs/']);
    const a = byPath(s, 'A', (b) => b.delete('src/deep'));
    const b = byPath(s, 'B', (b) => b.move('src', 'docs/src'));
    const r = merge(s, a, b, 'b');
    expect(listing(r.ws)).toEqual(['docs/', 'docs/src/']);
    expect(r.notesA).toEqual([]);
  });

  it('D10 a delete of the same node: nothing left to do, nothing reported', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.delete('src'));
    const r = merge(s, a, b, 'a');
    expect([r.aAfterB, r.bAfterA, r.notesA, r.notesB]).toEqual([[], [], [], []]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
  });

  it('D11 a delete of a directory above: nothing left to do', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src/a.ts'));
    const b = byPath(s, 'B', (b) => b.delete('src'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual([]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
  });

  it('D12 a delete of a node inside: the record loses that subtree', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.delete('src/a.ts'));
    const r = merge(s, a, b, 'a');
    expect(r.aAfterB).toMatchObject([{ type: 'delete', removed: { id: 'base:1', children: [] } }]);
    expect(listing(r.ws)).toEqual(['docs/', 'docs/b.md = notes']);
  });

  it('D13 a delete elsewhere: unchanged', () => {
    const s = base();
    const a = byPath(s, 'A', (b) => b.delete('src'));
    const b = byPath(s, 'B', (b) => b.delete('docs/b.md'));
    const r = merge(s, a, b, 'b');
    expect(r.aAfterB).toEqual(a);
    expect(listing(r.ws)).toEqual(['docs/']);
  });
});
