import {
  apply,
  compose,
  DistSpaceError,
  del,
  insert,
  invert,
  isDistSpaceError,
  mapPosition,
  mapSelection,
  normalize,
  opToWire,
  parseChange,
  parseOp,
  replace,
  tryApply,
  withDeletedText,
} from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DistSpaceError) return e.code;
    return `not a DistSpaceError: ${String(e)}`;
  }
  return 'no error';
}

describe('apply to a string', () => {
  it('applies ops in order, each to the result of the one before', () => {
    expect(apply('hello world', [replace(0, 5, 'goodbye'), del(7, 6), insert(7, '!')])).toBe(
      'goodbye!',
    );
  });

  it.each([
    ['negative position', insert(-1, 'x'), 'INVALID_OP'],
    ['fractional position', del(1.5, 1), 'INVALID_OP'],
    ['NaN length', del(0, Number.NaN), 'INVALID_OP'],
    ['insert past the end', insert(4, 'x'), 'OUT_OF_RANGE'],
    ['delete past the end', del(2, 2), 'OUT_OF_RANGE'],
    ['replace past the end', replace(3, 1, 'x'), 'OUT_OF_RANGE'],
    ['insert inside an emoji', insert(2, 'x'), 'SPLITS_SURROGATE_PAIR'],
    ['delete starting inside an emoji', del(2, 1), 'SPLITS_SURROGATE_PAIR'],
    ['delete ending inside an emoji', del(0, 2), 'SPLITS_SURROGATE_PAIR'],
    ['insert of a lone high surrogate', insert(0, '\ud83d'), 'SPLITS_SURROGATE_PAIR'],
    ['insert of a lone low surrogate', insert(0, 'a\ude00'), 'SPLITS_SURROGATE_PAIR'],
    ['delete with the wrong deleted text', del(0, 1, 'z'), 'DELETED_TEXT_MISMATCH'],
  ])('rejects %s with %s', (_name, op, code) => {
    // "a" + "😀" (two code units at 1..3)
    expect(codeOf(() => apply('a😀', [op]))).toBe(code);
    const result = tryApply('a😀', [op]);
    expect(result.ok).toBe(false);
  });

  it('names the failing op in the error and applies nothing', () => {
    const result = tryApply('abc', [insert(0, 'x'), del(10, 1)]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('OUT_OF_RANGE');
      expect(result.error.details).toMatchObject({ index: 1, pos: 10, length: 4 });
      expect(result.error.message).toMatch(/Op 1 \(delete\)/);
    }
  });

  it('accepts positions around emoji and CRLF', () => {
    expect(apply('a😀\r\nb', [insert(3, 'x'), del(4, 2)])).toBe('a😀xb');
  });
});

describe('invert and withDeletedText', () => {
  it('records deleted text so that the change can be undone without the document', () => {
    const doc = 'The quick brown fox';
    const change = withDeletedText(doc, [del(4, 6), replace(4, 5, 'red'), insert(0, '> ')]);
    expect(change).toEqual([del(4, 6, 'quick '), replace(4, 5, 'red', 'brown'), insert(0, '> ')]);
    const after = apply(doc, change);
    expect(after).toBe('> The red fox');
    expect(invert(change)).toEqual([
      del(0, 2, '> '),
      replace(4, 3, 'brown', 'red'),
      insert(4, 'quick '),
    ]);
    expect(apply(after, invert(change))).toBe(doc);
  });

  it('refuses to invert a delete without its text', () => {
    const error = (() => {
      try {
        invert([insert(0, 'a'), del(0, 1)]);
      } catch (e) {
        return e;
      }
    })();
    expect(isDistSpaceError(error, 'NOT_INVERTIBLE')).toBe(true);
    expect((error as DistSpaceError).details).toMatchObject({ index: 1 });
  });
});

describe('normalize and compose', () => {
  it('merges typing into one insert and backspacing into one delete', () => {
    expect(normalize([insert(5, 'a'), insert(6, 'b'), insert(7, 'c')])).toEqual([insert(5, 'abc')]);
    expect(normalize([del(5, 1, 'c'), del(4, 1, 'b'), del(3, 1, 'a')])).toEqual([del(3, 3, 'abc')]);
    expect(normalize([del(3, 1, 'a'), del(3, 1, 'b')])).toEqual([del(3, 2, 'ab')]);
  });

  it('cancels typing that was backspaced and drops no-ops', () => {
    expect(normalize([insert(2, 'xy'), del(3, 1), del(2, 1), insert(9, ''), del(1, 0)])).toEqual(
      [],
    );
  });

  it('turns a delete followed by an insert at its place into a replace', () => {
    expect(normalize([del(2, 3, 'abc'), insert(2, 'XY')])).toEqual([replace(2, 3, 'XY', 'abc')]);
  });

  it('keeps ops that do not touch apart', () => {
    expect(normalize([insert(0, 'a'), insert(5, 'b')])).toEqual([insert(0, 'a'), insert(5, 'b')]);
  });

  it('composes two changes into one with the same effect', () => {
    const a = [insert(0, 'Hello')];
    const b = [insert(5, ', world'), del(0, 1), insert(0, 'J')];
    expect(compose(a, b)).toEqual([insert(0, 'Jello, world')]);
  });
});

describe('position mapping', () => {
  const change = [insert(2, 'XX'), del(6, 2), replace(0, 1, 'QQQ')];
  // "abcdefgh" -> "abXXcdefgh" -> "abXXcdgh" -> "QQQbXXcdgh"
  it.each([
    [1, 'before', 3, false],
    [2, 'before', 4, false],
    [2, 'after', 6, false],
    [5, 'before', 8, true],
    [5, 'after', 8, true],
    [6, 'before', 8, false],
    [8, 'before', 10, false],
    [0, 'before', 0, false],
    [0, 'after', 3, false],
  ] as const)('maps %i (%s) to %i', (pos, assoc, expected, deleted) => {
    expect(mapPosition(pos, change, assoc)).toEqual({ pos: expected, deleted });
  });

  it('reports a position whose context was deleted', () => {
    expect(mapPosition(5, [del(3, 4)])).toEqual({ pos: 3, deleted: true });
    expect(mapPosition(5, [replace(3, 4, 'xy')], 'after')).toEqual({ pos: 5, deleted: true });
    expect(mapPosition(5, [replace(3, 4, 'xy')], 'before')).toEqual({ pos: 3, deleted: true });
  });

  it('keeps text inserted at the edges of a selection outside it', () => {
    expect(mapSelection({ anchor: 2, head: 5 }, [insert(2, 'ab'), insert(7, 'cd')])).toEqual({
      anchor: 4,
      head: 7,
    });
    expect(mapSelection({ anchor: 5, head: 2 }, [insert(2, 'ab')])).toEqual({ anchor: 7, head: 4 });
    expect(mapSelection({ anchor: 3, head: 3 }, [insert(3, 'ab')], 'after')).toEqual({
      anchor: 5,
      head: 5,
    });
  });

  it('collapses a selection whose text was deleted', () => {
    expect(mapSelection({ anchor: 2, head: 5 }, [del(1, 6)])).toEqual({ anchor: 1, head: 1 });
  });
});

describe('plain-data forms', () => {
  it('writes compact tuples', () => {
    expect(opToWire(insert(3, 'a'))).toEqual([0, 3, 'a']);
    expect(opToWire(del(3, 2))).toEqual([1, 3, 2]);
    expect(opToWire(del(3, 1, 'x'))).toEqual([1, 3, 1, 'x']);
    expect(opToWire(replace(3, 1, 'y', 'x'))).toEqual([2, 3, 1, 'y', 'x']);
  });

  it.each([
    ['not an array', { type: 'insert' }, 'INVALID_OP'],
    ['unknown type', [{ type: 'move', pos: 1 }], 'INVALID_OP'],
    ['negative pos', [{ type: 'insert', pos: -1, text: 'a' }], 'INVALID_OP'],
    ['string pos', [{ type: 'delete', pos: '1', len: 1 }], 'INVALID_OP'],
    ['huge pos', [[0, 2 ** 60, 'a']], 'INVALID_OP'],
    ['text not a string', [[0, 1, 7]], 'INVALID_OP'],
    ['tuple too long', [[0, 1, 'a', 'b']], 'INVALID_OP'],
    ['unknown tuple kind', [[3, 1, 1]], 'INVALID_OP'],
    ['deleted text of the wrong length', [[1, 0, 2, 'a']], 'INVALID_OP'],
    ['lone surrogate', [[0, 0, '\ud800']], 'SPLITS_SURROGATE_PAIR'],
  ])('rejects %s', (_name, value, code) => {
    const result = parseChange(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('enforces the op-count and text-size limits', () => {
    const many = Array.from({ length: 11 }, () => [0, 0, 'a']);
    const r1 = parseChange(many, { maxOps: 10 });
    expect(!r1.ok && r1.error.code).toBe('LIMIT_EXCEEDED');
    const r2 = parseChange([[0, 0, 'abcdef']], { maxTextLength: 5 });
    expect(!r2.ok && r2.error.code).toBe('LIMIT_EXCEEDED');
  });

  it('reads both forms of one op to the same value', () => {
    expect(parseOp([2, 1, 2, 'xy', 'ab'])).toEqual(
      parseOp({ type: 'replace', pos: 1, len: 2, text: 'xy', deleted: 'ab' }),
    );
  });
});
