import {
  touchedPaths,
  touchedPathsOfApplied,
  Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { scenarioArb } from './support/scenario.js';

describe('touchedPathsOfApplied', () => {
  it('lists what touchedPaths lists for any change that applies, edits alone or with tree ops', async () => {
    await assertInChunks(
      fc.property(scenarioArb(6), (s) => {
        // The edits before the first tree op apply on their own: the path the shortcut takes.
        const firstTreeOp = s.a.findIndex((op) => op.type !== 'edit');
        const editsOnly = firstTreeOp === -1 ? s.a : s.a.slice(0, firstTreeOp);
        for (const change of [s.a, editsOnly]) {
          const walked = touchedPaths(s.base, change);
          expect(walked.ok).toBe(true);
          expect(touchedPathsOfApplied(s.base, change)).toEqual(walked);
        }
      }),
    );
  });
});

describe('touchedPathsOfApplied on a change that does not apply', () => {
  it("returns the walk's error for a tree op that does not apply, never throws", () => {
    const ws = Workspace.empty;
    // A create into a directory the workspace does not hold: the op-by-op walk fails on it.
    const change: WorkspaceChange = [
      { type: 'createFile', id: 'A:1', parent: 'ghost', ancestors: [], name: 'x', content: '' },
    ];
    const paths = touchedPathsOfApplied(ws, change);
    expect(paths.ok).toBe(false);
    expect(paths).toEqual(touchedPaths(ws, change));
  });
});
