import {
  createIdGenerator,
  transformWorkspaceChange,
  transformWorkspaceX,
  validateWorkspace,
  Workspace,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseSeedsArb,
  CharSource,
  changeFromWsSeeds,
  crossingMoves,
  crossingSeedArb,
  describeWorkspace,
  mustApply,
  showScenario,
  wsSeedsArb,
} from './support/workspace-arbs.js';

/** How many scenarios really started with crossing moves: proof that the property bites. */
let crossings = 0;

interface Scenario {
  base: Workspace;
  a: WorkspaceOp[];
  b: WorkspaceOp[];
  afterA: Workspace;
  afterB: Workspace;
  chars: CharSource;
}

/**
 * A base workspace and two concurrent changes on it. With `crossing`, the changes start with
 * two moves that would together make a cycle, when the base allows.
 */
export const scenarioArb = (maxOps: number, crossing = false) =>
  fc
    .tuple(baseSeedsArb, wsSeedsArb(maxOps), wsSeedsArb(maxOps), crossingSeedArb)
    .map(([baseSeeds, seedsA, seedsB, cross]): Scenario => {
      const chars = new CharSource();
      const base = changeFromWsSeeds(
        Workspace.empty,
        baseSeeds,
        createIdGenerator('base'),
        chars,
      ).after;
      const first = crossing ? crossingMoves(base, cross) : undefined;
      const startA = first === undefined ? base : mustApply(base, [first[0]]);
      const startB = first === undefined ? base : mustApply(base, [first[1]]);
      const a = changeFromWsSeeds(startA, seedsA, createIdGenerator('A'), chars);
      const b = changeFromWsSeeds(startB, seedsB, createIdGenerator('B'), chars);
      if (first !== undefined) {
        crossings++;
        a.change.unshift(first[0]);
        b.change.unshift(first[1]);
      }
      const scenario = { base, a: a.change, b: b.change, afterA: a.after, afterB: b.after, chars };
      return Object.assign(scenario, { [fc.toStringMethod]: () => showScenario(scenario) });
    });

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
  it('TP1 for single ops: both orders give the same valid workspace', () => {
    fc.assert(fc.property(scenarioArb(1), (s) => void checkTP1(s)));
  });

  it('TP1 for lists of ops', () => {
    fc.assert(fc.property(scenarioArb(5), (s) => void checkTP1(s)));
  });

  it('TP1 for lists that start with crossing moves of directories (would-be cycles)', () => {
    crossings = 0;
    fc.assert(fc.property(scenarioArb(4, true), (s) => void checkTP1(s)));
    expect(crossings).toBeGreaterThan(fc.readConfigureGlobal().numRuns! / 10);
  });
});
