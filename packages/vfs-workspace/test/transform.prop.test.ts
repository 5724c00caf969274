import {
  transformWorkspaceChange,
  transformWorkspaceX,
  validateWorkspace,
  type Workspace,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import { counters, type Scenario, scenarioArb } from './support/scenario.js';
import { describeWorkspace, mustApply } from './support/workspace-arbs.js';

function checkTP1(s: Scenario): Workspace {
  const { a: aRes, b: bRes } = transformWorkspaceX(s.a, s.b, 'left');
  // a was sequenced first: the server applies a, then b transformed on the right.
  const viaA = mustApply(s.afterA, bRes.change);
  const viaB = mustApply(s.afterB, aRes.change);
  expect(validateWorkspace(viaA)).toEqual([]);
  expect(validateWorkspace(viaB)).toEqual([]);
  expect(describeWorkspace(viaB)).toEqual(describeWorkspace(viaA));
  // transformWorkspaceChange agrees with transformWorkspaceX.
  expect(transformWorkspaceChange(s.b, s.a, 'right').change).toEqual(bRes.change);
  expect(transformWorkspaceChange(s.a, s.b, 'left').change).toEqual(aRes.change);
  return viaA;
}

describe('workspace transform properties', () => {
  it('TP1 for single ops: both orders give the same valid workspace', async () => {
    await assertInChunks(fc.property(scenarioArb(1), (s) => void checkTP1(s)));
  });

  it('TP1 for lists of ops', async () => {
    await assertInChunks(fc.property(scenarioArb(5), (s) => void checkTP1(s)));
  });

  it('TP1 for lists that start with crossing moves of directories (would-be cycles)', async () => {
    counters.crossings = 0;
    await assertInChunks(fc.property(scenarioArb(4, true), (s) => void checkTP1(s)));
    expect(counters.crossings).toBeGreaterThan(fc.readConfigureGlobal().numRuns! / 10);
  });
});
