import { createIdGenerator, Workspace, type WorkspaceOp } from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import {
  baseSeedsArb,
  CharSource,
  changeFromWsSeeds,
  crossingMoves,
  crossingSeedArb,
  mustApply,
  showScenario,
  wsSeedsArb,
} from './workspace-arbs.js';

/** How many scenarios really started with crossing moves: proof that the property bites. */
export const counters = { crossings: 0 };

export interface Scenario {
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
        counters.crossings++;
        a.change.unshift(first[0]);
        b.change.unshift(first[1]);
      }
      const scenario = { base, a: a.change, b: b.change, afterA: a.after, afterB: b.after, chars };
      return Object.assign(scenario, { [fc.toStringMethod]: () => showScenario(scenario) });
    });
