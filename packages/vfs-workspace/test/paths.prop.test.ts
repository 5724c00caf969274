import {
  checkName,
  conflictName,
  idFromTag,
  idTag,
  joinPath,
  MAX_NAME_BYTES,
  markedIds,
  normalizePath,
  splitPath,
  utf8Length,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('path and name properties', () => {
  it('is idempotent and its output splits into valid names (property)', () => {
    const piece = fc.constantFrom(
      'a',
      'B',
      '.',
      '..',
      '/',
      '\\',
      ' ',
      'e\u0301',
      '😀',
      '\u0000',
      '\ud800',
      '中',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const r = normalizePath(pieces.join(''));
        if (!r.ok) return;
        expect(normalizePath(r.value)).toEqual(r);
        for (const name of splitPath(r.value)) expect(checkName(name)).toBeUndefined();
        expect(joinPath(splitPath(r.value))).toBe(r.value);
      }),
    );
  });

  it('node ids map one to one to conflict tags', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.nat(), (client, n) => {
        const id = `${client}:${n}`;
        expect(idFromTag(idTag(id))).toBe(id);
      }),
    );
  });

  it('are valid names that fit the hard limit, cut at whole characters (property)', () => {
    const piece = fc.constantFrom('a', '.', ' ', '😀', 'é', '中', 'e\u0301', 'x'.repeat(50));
    const client = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 20 }),
        client,
        fc.nat(),
        (pieces, c, n) => {
          const norm = normalizePath(pieces.join('').replace(/^\.+$/, 'dots'));
          fc.pre(norm.ok && norm.value.length > 0);
          if (!norm.ok) return;
          const name = norm.value;
          fc.pre(checkName(name) === undefined);
          const id = `${c}:${n}`;
          const cn = conflictName(name, id);
          expect(checkName(cn)).toBeUndefined();
          expect(utf8Length(cn)).toBeLessThanOrEqual(MAX_NAME_BYTES);
          expect(markedIds(cn)).toContain(id);
          expect(cn).not.toBe(name);
        },
      ),
    );
  });
});
