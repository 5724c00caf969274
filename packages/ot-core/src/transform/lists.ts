import { isNoop, type Op } from '../op.js';
import { opposite, type Side } from './side.js';

/** A pairwise transform: the ops that do what `a` did, on the document after `b`. */
export type PairTransform = (a: Op, b: Op, side: Side) => Op[];

/**
 * The standard double loop. Returns `[a', b']`: `a` transformed against `b` (with `side`) and `b`
 * against `a` (with the opposite side), where both lists are applied in order. Every cell of the
 * grid is one pairwise transform, so the result does not depend on which list drives the loop.
 * Recursion only goes deeper when a pairwise transform splits an op in two, which is rare and
 * bounded by the number of ops.
 */
export function transformLists(
  a: readonly Op[],
  b: readonly Op[],
  side: Side,
  pair: PairTransform,
): [Op[], Op[]] {
  if (a.length === 0 || b.length === 0) return [withoutNoops(a), withoutNoops(b)];
  if (a.length === 1 && b.length === 1) {
    const x = a[0]!;
    const y = b[0]!;
    return [pair(x, y, side), pair(y, x, opposite(side))];
  }
  if (a.length === 1) {
    let current: Op[] = [a[0]!];
    const bOut: Op[] = [];
    for (const y of b) {
      const [aNext, yOut] = transformLists(current, [y], side, pair);
      current = aNext;
      for (const op of yOut) bOut.push(op);
    }
    return [current, bOut];
  }
  let bCurrent: Op[] = b.slice();
  const aOut: Op[] = [];
  for (const x of a) {
    const [xOut, bNext] = transformLists([x], bCurrent, side, pair);
    for (const op of xOut) aOut.push(op);
    bCurrent = bNext;
  }
  return [aOut, bCurrent];
}

function withoutNoops(ops: readonly Op[]): Op[] {
  return ops.filter((op) => !isNoop(op));
}
