import { opposite, type Side } from '@dist-space/ot-core';
import type { WorkspaceOp } from '../ops.js';
import type { NoteBody, PairResult } from './outcome.js';
import { transformPair } from './pair.js';
import { cellSide } from './rules-move.js';

/** An op with the index of the op of its change it came from; -1 for a fix-up. */
export interface Tagged {
  readonly op: WorkspaceOp;
  readonly origin: number;
}

/** Receives what happened to the op at `origin` of one side. */
export type NoteSink = (origin: number, note: NoteBody) => void;

/**
 * Thrown when a transform does far more work than any two changes that fit a workspace need:
 * only changes whose context fits no state (from a faulty or hostile peer) can make fix-ups
 * breed fix-ups without end.
 */
export class TransformBudgetExceeded extends Error {}

/** How much work a transform may do: pairwise transforms left, and how deep the lists nest. */
export interface TransformBudget {
  cells: number;
  depth: number;
}

/**
 * The budget for two changes: far above what valid changes use. Not |a| * |b| cells: fix-ups
 * grow the lists as they go (each create into a directory deleted concurrently adds one to the
 * delete's side), so valid work reaches about (|a| + |b|)^2 / 2 cells, 500 creates against one
 * delete 125,000.
 */
export function budgetFor(a: number, b: number): TransformBudget {
  return { cells: 64 * (a + b + 1) ** 2 + 4096, depth: 0 };
}

const MAX_DEPTH = 400;

function tagged(result: PairResult, origin: number): Tagged[] {
  const out: Tagged[] = [];
  for (const op of result.fixups) out.push({ op, origin: -1 });
  for (const op of result.ops) out.push({ op, origin });
  return out;
}

/**
 * The standard double loop over two concurrent lists (as in ot-core): returns `[a', b']`, `a`
 * transformed against `b` with `side` and `b` against `a` with the opposite side. Each cell of
 * the grid is one pairwise transform on a state both ops apply to, so TP1 of the pairs gives
 * TP1 of the lists.
 */
export function transformTaggedLists(
  a: readonly Tagged[],
  b: readonly Tagged[],
  side: Side,
  noteA: NoteSink,
  noteB: NoteSink,
  budget: TransformBudget = budgetFor(a.length, b.length),
): [Tagged[], Tagged[]] {
  if (a.length === 0 || b.length === 0) return [a.slice(), b.slice()];
  if (budget.depth > MAX_DEPTH) throw new TransformBudgetExceeded();
  budget.depth++;
  try {
    return transformGrid(a, b, side, noteA, noteB, budget);
  } finally {
    budget.depth--;
  }
}

function transformGrid(
  a: readonly Tagged[],
  b: readonly Tagged[],
  side: Side,
  noteA: NoteSink,
  noteB: NoteSink,
  budget: TransformBudget,
): [Tagged[], Tagged[]] {
  if (a.length === 1 && b.length === 1) {
    if (--budget.cells < 0) throw new TransformBudgetExceeded();
    const x = a[0]!;
    const y = b[0]!;
    const s = cellSide(x.op, x.origin < 0, y.op, y.origin < 0, side);
    const ra = transformPair(x.op, y.op, s);
    const rb = transformPair(y.op, x.op, opposite(s));
    // Fix-ups are not the author's ops: what happens to them is not reported.
    if (ra.note !== undefined && x.origin >= 0) noteA(x.origin, ra.note);
    if (rb.note !== undefined && y.origin >= 0) noteB(y.origin, rb.note);
    return [tagged(ra, x.origin), tagged(rb, y.origin)];
  }
  if (a.length === 1) {
    let current: Tagged[] = [a[0]!];
    const bOut: Tagged[] = [];
    for (const y of b) {
      const [aNext, yOut] = transformTaggedLists(current, [y], side, noteA, noteB, budget);
      current = aNext;
      for (const t of yOut) bOut.push(t);
    }
    return [current, bOut];
  }
  let bCurrent: Tagged[] = b.slice();
  const aOut: Tagged[] = [];
  for (const x of a) {
    const [xOut, bNext] = transformTaggedLists([x], bCurrent, side, noteA, noteB, budget);
    for (const t of xOut) aOut.push(t);
    bCurrent = bNext;
  }
  return [aOut, bCurrent];
}
