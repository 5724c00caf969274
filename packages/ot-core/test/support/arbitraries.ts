import { apply, del, insert, type Op, replace } from '@dist-space/ot-core';
import fc from 'fast-check';

// Documents and texts are built from pieces that stress the edges: surrogate pairs (emoji, one
// with a skin-tone modifier), CRLF and LF, and a character outside ASCII but inside the BMP.
const PIECES = ['a', 'b', 'c', 'x', ' ', '\n', '\r\n', '😀', '👍🏽', 'é', '中'];

/** A random document with emoji and CRLF. */
export const docArb = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 24 })
  .map((p) => p.join(''));

/** Random text to insert (possibly empty). */
export const textArb = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 4 })
  .map((p) => p.join(''));

/**
 * The shape of one op, independent of any document; `opFromSeed` turns it into a valid op on a
 * given document. Seeds shrink well, which keeps counterexamples small.
 */
export interface OpSeed {
  kind: 'insert' | 'delete' | 'replace';
  at: number;
  span: number;
  text: string;
  withDeleted: boolean;
}

export const opSeedArb: fc.Arbitrary<OpSeed> = fc.record({
  kind: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const),
  at: fc.nat(1000),
  span: fc.nat(1000),
  text: textArb,
  withDeleted: fc.boolean(),
});

/** Every position of `doc` that does not fall inside a surrogate pair. */
export function boundaries(doc: string): number[] {
  const out = [0];
  for (let i = 0; i < doc.length; ) {
    const c = doc.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < doc.length ? 2 : 1;
    out.push(i);
  }
  return out;
}

/** A valid op on `doc` made from `seed`. */
export function opFromSeed(doc: string, seed: OpSeed): Op {
  const b = boundaries(doc);
  const i = seed.at % b.length;
  const pos = b[i]!;
  if (seed.kind === 'insert') return insert(pos, seed.text);
  const j = i + (seed.span % Math.min(4, b.length - i));
  const len = b[j]! - pos;
  const deleted = seed.withDeleted ? doc.slice(pos, pos + len) : undefined;
  return seed.kind === 'delete' ? del(pos, len, deleted) : replace(pos, len, seed.text, deleted);
}

/** A valid change on `doc`: each op made on the result of the ones before. */
export function changeFromSeeds(doc: string, seeds: readonly OpSeed[]): Op[] {
  const ops: Op[] = [];
  let current = doc;
  for (const seed of seeds) {
    const op = opFromSeed(current, seed);
    ops.push(op);
    current = apply(current, [op]);
  }
  return ops;
}

/** Seeds for a change of up to `max` ops. */
export const seedsArb = (max = 5) => fc.array(opSeedArb, { maxLength: max });

/** Seeds for a change of exactly one op. */
export const oneSeedArb = fc.array(opSeedArb, { minLength: 1, maxLength: 1 });
