import {
  composeWorkspaceChanges,
  invertWorkspaceChange,
  transformWorkspaceX,
  validateWorkspace,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import { scenarioArb } from './support/scenario.js';
import { describeWorkspace, mustApply } from './support/workspace-arbs.js';

describe('invert and compose properties', () => {
  it('invert undoes a change, deletes of whole subtrees and moves included', async () => {
    await assertInChunks(
      fc.property(scenarioArb(6), (s) => {
        const back = mustApply(s.afterA, invertWorkspaceChange(s.a));
        expect(validateWorkspace(back)).toEqual([]);
        expect(describeWorkspace(back)).toEqual(describeWorkspace(s.base));
      }),
    );
  });

  it('invert undoes a transformed change (what the server applied), needing no old state', async () => {
    await assertInChunks(
      fc.property(scenarioArb(4, true), (s) => {
        const bAfterA = transformWorkspaceX(s.a, s.b, 'left').b.change;
        const both = mustApply(s.afterA, bAfterA);
        const undone = mustApply(both, invertWorkspaceChange(bAfterA));
        expect(describeWorkspace(undone)).toEqual(describeWorkspace(s.afterA));
      }),
    );
  });

  it('compose of two consecutive changes applies like the two in turn', async () => {
    await assertInChunks(
      fc.property(scenarioArb(6), fc.nat(), (s, at) => {
        const k = at % (s.a.length + 1);
        const composed = composeWorkspaceChanges(s.a.slice(0, k), s.a.slice(k));
        expect(composed.length).toBeLessThanOrEqual(s.a.length);
        expect(describeWorkspace(mustApply(s.base, composed))).toEqual(describeWorkspace(s.afterA));
      }),
    );
  });
});
