import { MutableText, Text } from '@dist-space/ot-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { checkRopeInvariants } from './support/rope-invariants.js';

// Pieces with surrogate pairs, CRLF and LF, so that leaf cuts and line counts meet them.
const PIECES = ['a', 'bc', ' ', '\n', '\r\n', '😀', 'é', '中文', 'xyz'.repeat(40)];

/** A base document of a size chosen to give ropes one, two or three levels deep. */
const baseArb = fc
  .tuple(fc.constantFrom(0, 1, 300, 5_000, 60_000, 400_000), fc.nat(1000))
  .map(([size, salt]) => {
    const parts: string[] = [];
    let n = 0;
    for (let i = salt; n < size; i++) {
      const piece = PIECES[(i * 7919) % PIECES.length]!;
      parts.push(piece);
      n += piece.length;
    }
    return parts.join('');
  });

/** The text an edit inserts: empty, a keystroke, or a paste long enough to span many leaves. */
const insertArb = fc.oneof(
  fc.constant(''),
  fc.constantFrom(...PIECES),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 400 }).map((p) => p.join('')),
);

interface EditSeed {
  at: number;
  span: number;
  text: string;
  snapshot: boolean;
}

const editArb: fc.Arbitrary<EditSeed> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  // Mostly short deletes; sometimes a large part of the document.
  span: fc.oneof(fc.nat(4), fc.double({ min: 0, max: 1, noNaN: true })),
  text: insertArb,
  snapshot: fc.boolean(),
});

/** Moves a position off the middle of a surrogate pair. */
function snap(s: string, pos: number): number {
  const c = s.charCodeAt(pos);
  return pos > 0 && c >= 0xdc00 && c <= 0xdfff ? pos - 1 : pos;
}

function resolve(s: string, seed: EditSeed): [number, number, string] {
  const pos = snap(s, Math.floor(seed.at * s.length));
  const rest = s.length - pos;
  const raw = Number.isInteger(seed.span)
    ? Math.min(seed.span, rest)
    : Math.floor(seed.span * rest);
  const end = snap(s, pos + raw);
  return [pos, end - pos, seed.text];
}

describe('the rope agrees with plain strings', () => {
  it('for every edit, persistent and in place, and old versions never change', async () => {
    await assertInChunks(
      fc.property(baseArb, fc.array(editArb, { maxLength: 12 }), (base, edits) => {
        let expected = base;
        let persistent = Text.of(base);
        const mutable = new MutableText(base);
        const kept: Array<[Text, string]> = [[persistent, base]];
        for (const seed of edits) {
          const [pos, len, text] = resolve(expected, seed);
          expected = expected.slice(0, pos) + text + expected.slice(pos + len);
          persistent = persistent.replace(pos, len, text);
          mutable.replace(pos, len, text);
          kept.push([persistent, expected]);
          if (seed.snapshot) kept.push([mutable.snapshot(), expected]);
        }
        expect(persistent.toString()).toBe(expected);
        expect(mutable.toString()).toBe(expected);
        expect(persistent.length).toBe(expected.length);
        expect(persistent.lineCount).toBe(expected.split('\n').length);
        checkRopeInvariants(persistent.root);
        checkRopeInvariants(mutable.root);
        for (const [text, content] of kept) expect(text.toString()).toBe(content);
      }),
      Math.max(20, Math.floor((fc.readConfigureGlobal().numRuns ?? 100) / 10)),
    );
  });

  it('for runs of nearby edits in place, as typing makes them, with snapshots in between', async () => {
    // Each edit lands a few code units from the one before, so that most reuse the leaf the
    // last one edited; sometimes one jumps elsewhere or spans leaves.
    const stepArb = fc.record({
      move: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -5000, max: 5000 })),
      span: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(3000)),
      text: fc.oneof(fc.constantFrom('', 'a', '\n', '😀', 'é', '\r\n'), insertArb),
      snapshot: fc.boolean(),
    });
    await assertInChunks(
      fc.property(baseArb, fc.nat(), fc.array(stepArb, { maxLength: 60 }), (base, at, steps) => {
        let expected = base;
        const mutable = new MutableText(base);
        const kept: Array<[Text, string]> = [];
        let cursor = expected.length === 0 ? 0 : at % expected.length;
        for (const step of steps) {
          const pos = snap(expected, Math.max(0, Math.min(expected.length, cursor + step.move)));
          const end = snap(expected, Math.min(expected.length, pos + step.span));
          expected = expected.slice(0, pos) + step.text + expected.slice(end);
          mutable.replace(pos, end - pos, step.text);
          cursor = pos + step.text.length;
          if (step.snapshot) kept.push([mutable.snapshot(), expected]);
        }
        expect(mutable.toString()).toBe(expected);
        expect(mutable.lineCount).toBe(expected.split('\n').length);
        checkRopeInvariants(mutable.root);
        for (const [text, content] of kept) expect(text.toString()).toBe(content);
      }),
      Math.max(20, Math.floor((fc.readConfigureGlobal().numRuns ?? 100) / 10)),
    );
  });

  it('for slices, code units and line/column conversion', async () => {
    await assertInChunks(
      fc.property(
        baseArb,
        fc.array(editArb, { maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (base, edits, a, b) => {
          let expected = base;
          let text = Text.of(base);
          for (const seed of edits) {
            const [pos, len, ins] = resolve(expected, seed);
            expected = expected.slice(0, pos) + ins + expected.slice(pos + len);
            text = text.replace(pos, len, ins);
          }
          const from = Math.floor(Math.min(a, b) * expected.length);
          const to = Math.floor(Math.max(a, b) * expected.length);
          expect(text.slice(from, to)).toBe(expected.slice(from, to));
          expect(text.charCodeAt(from)).toBe(expected.charCodeAt(from));
          const lc = text.positionToLineColumn(to);
          const before = expected.slice(0, to);
          const line = before.split('\n').length - 1;
          expect(lc).toEqual({ line, column: to - (before.lastIndexOf('\n') + 1) });
          expect(text.lineColumnToPosition(lc.line, lc.column)).toBe(to);
          expect(text.lineAt(line).text).toBe(expected.split('\n')[line]);
        },
      ),
      Math.max(20, Math.floor((fc.readConfigureGlobal().numRuns ?? 100) / 10)),
    );
  });
});
