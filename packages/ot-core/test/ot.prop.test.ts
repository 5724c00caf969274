import {
  apply,
  changeToWire,
  compose,
  insert,
  invert,
  isNoop,
  mapPosition,
  mapSelection,
  normalize,
  type Op,
  parseChange,
  splitsSurrogatePair,
  transform,
  transformX,
  withDeletedText,
} from '@dist-space/ot-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import {
  boundaries,
  changeFromSeeds,
  docArb,
  oneSeedArb,
  seedsArb,
} from './support/arbitraries.js';

const insertedLength = (change: readonly Op[]) =>
  change.reduce((n, op) => n + (op.type === 'delete' ? 0 : op.text.length), 0);

describe('transform', () => {
  it('TP1 holds for single ops', async () => {
    await assertInChunks(
      fc.property(docArb, oneSeedArb, oneSeedArb, (doc, sa, sb) => {
        const a = changeFromSeeds(doc, sa);
        const b = changeFromSeeds(doc, sb);
        const viaA = apply(apply(doc, a), transform(b, a, 'right'));
        const viaB = apply(apply(doc, b), transform(a, b, 'left'));
        expect(viaA).toBe(viaB);
      }),
    );
  });

  it('TP1 holds for lists (transformX), and transformX agrees with transform', async () => {
    await assertInChunks(
      fc.property(
        docArb,
        seedsArb(),
        seedsArb(),
        fc.constantFrom('left' as const, 'right' as const),
        (doc, sa, sb, side) => {
          const a = changeFromSeeds(doc, sa);
          const b = changeFromSeeds(doc, sb);
          const [a2, b2] = transformX(a, b, side);
          expect(apply(apply(doc, a), b2)).toBe(apply(apply(doc, b), a2));
          expect(a2).toEqual(transform(a, b, side));
          expect(b2).toEqual(transform(b, a, side === 'left' ? 'right' : 'left'));
        },
      ),
    );
  });

  it('never drops concurrently inserted text', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), seedsArb(), (doc, sa, sb) => {
        const a = changeFromSeeds(doc, sa);
        // b only inserts: everything a's change leaves, plus all of b's text, must be there.
        const b = changeFromSeeds(
          doc,
          sb.map((s) => ({ ...s, kind: 'insert' as const })),
        );
        const afterA = apply(doc, a);
        const merged = apply(afterA, transform(b, a, 'right'));
        expect(merged.length).toBe(afterA.length + insertedLength(b));
      }),
    );
  });

  it('transforms inputs to ops without no-ops, and leaves the inputs untouched', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), seedsArb(), (doc, sa, sb) => {
        const a = changeFromSeeds(doc, sa);
        const b = changeFromSeeds(doc, sb);
        const before = JSON.stringify([a, b]);
        const out = transform(a, b, 'left');
        expect(JSON.stringify([a, b])).toBe(before);
        for (const op of out) expect(isNoop(op)).toBe(false);
      }),
    );
  });

  it('keeps deleted text exact through transform', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), seedsArb(), (doc, sa, sb) => {
        const a = withDeletedText(doc, changeFromSeeds(doc, sa));
        const b = changeFromSeeds(doc, sb);
        // apply checks every carried `deleted` against the document and throws on a mismatch.
        const out = transform(a, b, 'right');
        const end = apply(apply(doc, b), out);
        expect(apply(end, invert(out))).toBe(apply(doc, b));
      }),
    );
  });
});

describe('compose, invert, normalize', () => {
  it('compose agrees with sequential apply', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), seedsArb(), (doc, sa, sb) => {
        const a = changeFromSeeds(doc, sa);
        const mid = apply(doc, a);
        const b = changeFromSeeds(mid, sb);
        expect(apply(doc, compose(a, b))).toBe(apply(mid, b));
      }),
    );
  });

  it('invert undoes a change, and compose(a, invert(a)) is the identity', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), (doc, sa) => {
        const a = withDeletedText(doc, changeFromSeeds(doc, sa));
        const after = apply(doc, a);
        expect(apply(after, invert(a))).toBe(doc);
        expect(apply(doc, compose(a, invert(a)))).toBe(doc);
      }),
    );
  });

  it('normalize keeps meaning, never grows, drops no-ops and is idempotent', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(8), (doc, sa) => {
        const a = changeFromSeeds(doc, sa);
        const n = normalize(a);
        expect(apply(doc, n)).toBe(apply(doc, a));
        expect(n.length).toBeLessThanOrEqual(a.length);
        for (const op of n) expect(isNoop(op)).toBe(false);
        expect(normalize(n)).toEqual(n);
      }),
    );
  });

  it('normalize keeps deleted text exact, so the result stays invertible', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(8), (doc, sa) => {
        const a = withDeletedText(doc, changeFromSeeds(doc, sa));
        const n = normalize(a);
        expect(apply(apply(doc, n), invert(n))).toBe(doc);
      }),
    );
  });
});

describe('position mapping', () => {
  it('stays in bounds, never splits a surrogate, and agrees with transforming a marker insert', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), fc.nat(1000), (doc, sa, at) => {
        const a = changeFromSeeds(doc, sa);
        const after = apply(doc, a);
        const b = boundaries(doc);
        const pos = b[at % b.length]!;
        const marker = [insert(pos, '\u0000')];
        for (const assoc of ['before', 'after'] as const) {
          const mapped = mapPosition(pos, a, assoc);
          expect(mapped.pos).toBeGreaterThanOrEqual(0);
          expect(mapped.pos).toBeLessThanOrEqual(after.length);
          expect(splitsSurrogatePair(after, mapped.pos)).toBe(false);
          // A cursor is a zero-width insert: 'after' behaves like the right side of a tie, and
          // 'before' like the left side wherever the cursor's context survived.
          const moved = transform(marker, a, assoc === 'after' ? 'right' : 'left');
          if (assoc === 'after' || !mapped.deleted) expect(moved[0]!.pos).toBe(mapped.pos);
        }
      }),
    );
  });

  it('maps selections inside the new document without turning them inside out', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), fc.nat(1000), fc.nat(1000), (doc, sa, x, y) => {
        const a = changeFromSeeds(doc, sa);
        const after = apply(doc, a);
        const b = boundaries(doc);
        const anchor = b[x % b.length]!;
        const head = b[y % b.length]!;
        const s = mapSelection({ anchor, head }, a);
        expect(Math.max(s.anchor, s.head)).toBeLessThanOrEqual(after.length);
        expect(Math.min(s.anchor, s.head)).toBeGreaterThanOrEqual(0);
        expect(Math.sign(s.head - s.anchor) * Math.sign(head - anchor)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('plain-data forms', () => {
  it('round-trip through the wire tuple and through JSON', async () => {
    await assertInChunks(
      fc.property(docArb, seedsArb(), (doc, sa) => {
        const a = changeFromSeeds(doc, sa);
        expect(parseChange(changeToWire(a))).toEqual({ ok: true, value: a });
        expect(parseChange(JSON.parse(JSON.stringify(a)))).toEqual({ ok: true, value: a });
      }),
    );
  });

  it('reading arbitrary data never throws and yields only well-shaped ops', async () => {
    await assertInChunks(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true }), (value) => {
        const parsed = parseChange(value);
        if (!parsed.ok) {
          expect(parsed.error.code).toMatch(/^(INVALID_OP|SPLITS_SURROGATE_PAIR|LIMIT_EXCEEDED)$/);
          return;
        }
        for (const op of parsed.value) {
          expect(Number.isSafeInteger(op.pos) && op.pos >= 0).toBe(true);
        }
      }),
    );
  });
});
