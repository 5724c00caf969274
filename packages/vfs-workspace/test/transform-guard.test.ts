import { transformWorkspaceX, tryTransformWorkspaceChange } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import {
  hostileChange as hostile,
  concurrentWithHostile as valid,
} from '../../../test-support/hostile-changes.js';
import { byPath, listing, merge, tree } from './support/table.js';

describe('the transform work bound', () => {
  it('stops a transform of changes that fit no workspace with CONTEXT_MISMATCH', () => {
    const r = tryTransformWorkspaceChange(hostile, valid, 'right');
    expect(r).toMatchObject({ ok: false, error: { code: 'CONTEXT_MISMATCH' } });
    expect(() => transformWorkspaceX(hostile, valid, 'right')).toThrow(/fits no workspace/);
  });

  it('never stops valid changes whose fix-ups grow the other list with every op', () => {
    // Each create into the deleted directory adds a fix-up to the delete's side, so the grid
    // grows as 500 * 500 / 2 cells although the changes have 500 ops and 1: work a budget
    // of |a| * |b| cells refused.
    const s = tree(['d/', 'd/f=x']);
    const n = 500;
    const a = byPath(s, 'A', (b) => Array.from({ length: n }, (_, i) => b.createFile(`d/n${i}`)));
    const b = byPath(s, 'B', (b) => b.delete('d'));
    for (const first of ['a', 'b'] as const) {
      const r = merge(s, a, b, first);
      expect(listing(r.ws)).toHaveLength(n);
      expect(r.notesA).toHaveLength(n);
    }
  });
});
