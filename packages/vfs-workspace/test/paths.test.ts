import {
  baseName,
  checkName,
  conflictName,
  createIdGenerator,
  DEFAULT_PATH_LIMITS,
  idFromTag,
  idTag,
  isNameAllowedFor,
  isNodeId,
  isPathWithin,
  joinPath,
  MAX_NAME_BYTES,
  markedIds,
  normalizePath,
  parentPath,
  ROOT_ID,
  splitPath,
  utf8Length,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';

function reason(path: unknown, limits = {}): unknown {
  const r = normalizePath(path, limits);
  expect(r.ok).toBe(false);
  if (r.ok) return undefined;
  expect(r.error.code).toBe('INVALID_PATH');
  return r.error.details.reason;
}

describe('normalizePath', () => {
  it('accepts relative /-separated paths and returns them unchanged when already normal', () => {
    for (const p of ['a', 'src/a.ts', 'a b/c-d_e.f', '.gitignore', '...', 'a..b', '中/😀.md']) {
      expect(normalizePath(p)).toEqual({ ok: true, value: p });
    }
  });

  it('treats the empty path as the root', () => {
    expect(normalizePath('')).toEqual({ ok: true, value: '' });
    expect(splitPath('')).toEqual([]);
  });

  it('normalises to NFC', () => {
    const nfd = 'cafe\u0301/re\u0301sume\u0301.txt';
    const r = normalizePath(nfd);
    expect(r).toEqual({ ok: true, value: 'caf\u00e9/r\u00e9sum\u00e9.txt' });
  });

  it('rejects each bad form with its reason', () => {
    expect(reason('/a')).toBe('absolute');
    expect(reason('a\\b')).toBe('backslash');
    expect(reason('a/\u0000b')).toBe('control-character');
    expect(reason('a\nb')).toBe('control-character');
    expect(reason('a\u007f')).toBe('control-character');
    expect(reason('a\u0085')).toBe('control-character');
    expect(reason('a//b')).toBe('empty-segment');
    expect(reason('a/')).toBe('empty-segment');
    expect(reason('./a')).toBe('dot-segment');
    expect(reason('a/../b')).toBe('dot-segment');
    expect(reason('..')).toBe('dot-segment');
    expect(reason('a\ud800b')).toBe('lone-surrogate');
    expect(reason(42)).toBe('not-a-string');
    expect(reason(null)).toBe('not-a-string');
  });

  it('enforces the limits in UTF-8 bytes, with documented defaults', () => {
    expect(DEFAULT_PATH_LIMITS).toEqual({ maxSegmentBytes: 255, maxPathBytes: 4096, maxDepth: 64 });
    expect(normalizePath('a'.repeat(255)).ok).toBe(true);
    expect(reason('a'.repeat(256))).toBe('segment-too-long');
    // 64 emoji are 256 UTF-8 bytes but 128 UTF-16 code units.
    expect(reason('😀'.repeat(64))).toBe('segment-too-long');
    expect(normalizePath(Array(64).fill('d').join('/')).ok).toBe(true);
    expect(reason(Array(65).fill('d').join('/'))).toBe('too-deep');
    expect(reason(Array(20).fill('x'.repeat(250)).join('/'))).toBe('path-too-long');
    expect(reason('abc/def', { maxSegmentBytes: 2 })).toBe('segment-too-long');
    expect(reason('a/b/c', { maxDepth: 2 })).toBe('too-deep');
    expect(reason('abc/def', { maxPathBytes: 6 })).toBe('path-too-long');
    // A configured segment limit can lower the hard limit, never raise it.
    expect(reason('a'.repeat(256), { maxSegmentBytes: 1000 })).toBe('segment-too-long');
  });

  it('gives messages a person can act on', () => {
    const r = normalizePath('a/../b');
    expect(!r.ok && r.error.message).toMatch(/"\.\." segment/);
  });
});

describe('path helpers', () => {
  it('split, join, parent and base name', () => {
    expect(splitPath('a/b/c')).toEqual(['a', 'b', 'c']);
    expect(joinPath(['a', 'b'])).toBe('a/b');
    expect(parentPath('a/b/c')).toBe('a/b');
    expect(parentPath('a')).toBe('');
    expect(baseName('a/b/c')).toBe('c');
    expect(baseName('a')).toBe('a');
  });

  it('knows what lies within a directory, without prefix confusion', () => {
    expect(isPathWithin('src/a.ts', 'src')).toBe(true);
    expect(isPathWithin('src', 'src')).toBe(true);
    expect(isPathWithin('srcx/a.ts', 'src')).toBe(false);
    expect(isPathWithin('anything', '')).toBe(true);
  });

  it('measures UTF-8 length', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('中')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('a😀é')).toBe(7);
  });
});

describe('checkName', () => {
  it('accepts exact valid names and rejects names that need normalising', () => {
    expect(checkName('a.ts')).toBeUndefined();
    expect(checkName('__proto__')).toBeUndefined();
    expect(checkName('e\u0301')?.details.reason).toBe('not-nfc');
    expect(checkName('a/b')?.code).toBe('INVALID_PATH');
    expect(checkName('')?.details.reason).toBe('empty-segment');
    expect(checkName('.')?.details.reason).toBe('dot-segment');
    expect(checkName(7)?.details.reason).toBe('not-a-string');
    expect(checkName('x'.repeat(MAX_NAME_BYTES + 1))?.details.reason).toBe('segment-too-long');
  });
});

describe('node ids', () => {
  it('are made per client and counted', () => {
    const next = createIdGenerator('alice');
    expect([next(), next()]).toEqual(['alice:1', 'alice:2']);
    expect(createIdGenerator('b-2_x', 0)()).toBe('b-2_x:0');
    expect(() => createIdGenerator('no spaces')).toThrow(RangeError);
    expect(() => createIdGenerator('a', -1)).toThrow(RangeError);
  });

  it('have a grammar that excludes the root id', () => {
    expect(isNodeId('alice:1')).toBe(true);
    expect(isNodeId(ROOT_ID)).toBe(false);
    expect(isNodeId('alice:01')).toBe(false);
    expect(isNodeId('alice:')).toBe(false);
    expect(isNodeId(':1')).toBe(false);
    expect(isNodeId('a:b:1')).toBe(false);
    expect(isNodeId('alice:99999999999999999')).toBe(false);
    expect(isNodeId(`${'x'.repeat(65)}:1`)).toBe(false);
  });
});

describe('conflict tags', () => {
  it('map node ids to tags and back', () => {
    expect(idTag('alice:7')).toBe('alice-7');
    expect(idFromTag('a-b-7')).toBe('a-b:7');
    expect(idFromTag('nodash')).toBeUndefined();
  });
});

describe('conflict names', () => {
  it('put the id tag before the extension', () => {
    expect(conflictName('a.ts', 'bob:3')).toBe('a (conflict bob-3).ts');
    expect(conflictName('Makefile', 'bob:3')).toBe('Makefile (conflict bob-3)');
    expect(conflictName('.gitignore', 'bob:3')).toBe('.gitignore (conflict bob-3)');
    expect(conflictName('a.tar.gz', 'bob:3')).toBe('a.tar (conflict bob-3).gz');
    expect(conflictName(`x.${'e'.repeat(40)}`, 'bob:3')).toBe(
      `x.${'e'.repeat(40)} (conflict bob-3)`,
    );
  });

  it('reserve the name for its node', () => {
    const name = conflictName('a.ts', 'bob:3');
    expect(markedIds(name)).toEqual(['bob:3']);
    expect(isNameAllowedFor(name, 'bob:3')).toBe(true);
    expect(isNameAllowedFor(name, 'bob:4')).toBe(false);
    expect(isNameAllowedFor('report (conflict of interest).md', 'bob:4')).toBe(true);
    expect(isNameAllowedFor('plain.md', 'bob:4')).toBe(true);
  });
});
