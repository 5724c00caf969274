import {
  apply,
  DistSpaceError,
  del,
  insert,
  isWellFormed,
  MutableText,
  replace,
  Text,
} from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';
import { checkRopeInvariants } from './support/rope-invariants.js';

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DistSpaceError);
    expect((e as DistSpaceError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** A text long enough for a rope three levels deep (more than 32 leaves of up to 1,024). */
const big = Array.from({ length: 6000 }, (_, i) => `line ${i} é\r\n`).join('');

describe('Text', () => {
  it('builds from strings of every size and reads them back', () => {
    for (const s of ['', 'a', 'x'.repeat(1024), 'y'.repeat(1025), big]) {
      const t = Text.of(s);
      expect(t.length).toBe(s.length);
      expect(t.toString()).toBe(s);
      expect([...t.chunks()].join('')).toBe(s);
      checkRopeInvariants(t.root);
    }
    expect(Text.of('')).toBe(Text.empty);
  });

  it('edits return new texts and leave the old ones as they were', () => {
    const v1 = Text.of(big);
    const v2 = v1.insert(70_000, 'HELLO');
    const v3 = v2.delete(5, 50_000);
    const v4 = v3.replace(0, 3, 'LI');
    expect(v1.toString()).toBe(big);
    expect(v2.toString()).toBe(`${big.slice(0, 70_000)}HELLO${big.slice(70_000)}`);
    expect(v3.toString()).toBe(
      `${big.slice(0, 5)}${big.slice(50_005, 70_000)}HELLO${big.slice(70_000)}`,
    );
    expect(v4.toString()).toBe(`LI${v3.toString().slice(3)}`);
    for (const v of [v1, v2, v3, v4]) checkRopeInvariants(v.root);
  });

  it('an edit shares every untouched node with the version before it', () => {
    const v1 = Text.of(big);
    const v2 = v1.insert(10, 'x');
    const shared = v1.root.children.filter((c) => v2.root.children.includes(c));
    expect(shared.length).toBe(v1.root.children.length - 1);
  });

  it('slices, code units and equality', () => {
    const t = Text.of(big);
    expect(t.slice(12_345, 67_890)).toBe(big.slice(12_345, 67_890));
    expect(t.slice(7, 7)).toBe('');
    expect(t.charCodeAt(70_001)).toBe(big.charCodeAt(70_001));
    expect(Number.isNaN(t.charCodeAt(big.length))).toBe(true);
    expect(Number.isNaN(t.charCodeAt(-1))).toBe(true);
    expect(t.equals(big)).toBe(true);
    expect(t.equals(`${big}!`)).toBe(false);
    // Same content, different leaf boundaries.
    const rebuilt = Text.of(big.slice(0, 3)).insert(3, big.slice(3));
    expect(rebuilt.equals(t)).toBe(true);
    expect(rebuilt.insert(0, 'z').equals(t)).toBe(false);
    expectCode(() => t.slice(5, 4), 'OUT_OF_RANGE');
    expectCode(() => t.slice(0, big.length + 1), 'OUT_OF_RANGE');
    expectCode(() => t.slice(-1, 2), 'OUT_OF_RANGE');
  });

  it('converts between positions and lines/columns, with CRLF kept in the line', () => {
    const t = Text.of('ab\r\ncd\n\nef');
    expect(t.lineCount).toBe(4);
    expect(t.lineAt(0)).toEqual({ number: 0, from: 0, to: 3, text: 'ab\r' });
    expect(t.lineAt(2)).toEqual({ number: 2, from: 7, to: 7, text: '' });
    expect(t.lineAt(3)).toEqual({ number: 3, from: 8, to: 10, text: 'ef' });
    expect(t.positionToLineColumn(0)).toEqual({ line: 0, column: 0 });
    expect(t.positionToLineColumn(4)).toEqual({ line: 1, column: 0 });
    expect(t.positionToLineColumn(10)).toEqual({ line: 3, column: 2 });
    expect(t.lineColumnToPosition(1, 2)).toBe(6);
    expect(t.lineColumnToPosition(3, 2)).toBe(10);
    expectCode(() => t.lineColumnToPosition(1, 3), 'INVALID_POSITION');
    expectCode(() => t.lineColumnToPosition(4, 0), 'INVALID_POSITION');
    expectCode(() => t.lineAt(-1), 'INVALID_POSITION');
    expectCode(() => t.positionToLineColumn(11), 'OUT_OF_RANGE');
  });

  it('finds lines in a deep rope', () => {
    const t = Text.of(big);
    const lines = big.split('\n');
    expect(t.lineCount).toBe(lines.length);
    for (const n of [0, 1, 999, 3001, 5999, 6000]) {
      const line = t.lineAt(n);
      expect(line.text).toBe(lines[n]);
      expect(t.positionToLineColumn(line.to)).toEqual({ line: n, column: lines[n]!.length });
      expect(t.lineColumnToPosition(n, 0)).toBe(line.from);
    }
  });

  it('rejects bad edits with typed errors and stays unchanged', () => {
    const t = Text.of('a😀b');
    expectCode(() => t.insert(2, 'x'), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => t.delete(1, 1), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => t.insert(0, '\ud800'), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => t.insert(5, 'x'), 'OUT_OF_RANGE');
    expectCode(() => t.delete(3, 2), 'OUT_OF_RANGE');
    expectCode(() => t.replace(-1, 0, 'x'), 'INVALID_OP');
    expectCode(() => t.replace(0.5, 0, 'x'), 'INVALID_OP');
    expectCode(() => t.insert(0, 5 as unknown as string), 'INVALID_OP');
    expectCode(() => Text.of(null as unknown as string), 'INVALID_OP');
    expect(t.toString()).toBe('a😀b');
  });

  it('never cuts a surrogate pair between leaves', () => {
    // 1,023 ASCII characters then emoji: a naive cut at 1,024 would split the first pair.
    const s = `${'a'.repeat(1023)}${'😀'.repeat(2000)}`;
    const t = Text.of(s);
    checkRopeInvariants(t.root);
    for (const chunk of t.chunks()) expect(isWellFormed(chunk)).toBe(true);
  });
});

describe('MutableText', () => {
  it('edits in place and snapshots that never change afterwards', () => {
    const m = new MutableText(big);
    m.insert(0, 'A');
    const s1 = m.snapshot();
    m.delete(0, 1);
    m.replace(50_000, 10, 'B');
    const s2 = m.snapshot();
    m.insert(m.length, 'C');
    expect(s1.toString()).toBe(`A${big}`);
    expect(s2.toString()).toBe(`${big.slice(0, 50_000)}B${big.slice(50_010)}`);
    expect(m.toString()).toBe(`${s2.toString()}C`);
    checkRopeInvariants(m.root);
  });

  it('does not change the Text it started from', () => {
    const t = Text.of(big);
    const m = t.mutable();
    for (let i = 0; i < 2000; i++) m.insert(i * 7, 'x');
    expect(t.toString()).toBe(big);
    checkRopeInvariants(m.root);
  });

  it('rejects a bad edit and keeps its content', () => {
    const m = new MutableText('abc');
    expectCode(() => m.delete(2, 5), 'OUT_OF_RANGE');
    expect(m.toString()).toBe('abc');
  });

  it('rejects a cut through a surrogate pair in the leaf it edited last, in another, and across leaves', () => {
    const s = 'ab😀'.repeat(20_000);
    const m = new MutableText(s);
    m.insert(4000, 'x'); // the leaf around 4000 is now the one edited last
    const expected = `${s.slice(0, 4000)}x${s.slice(4000)}`;
    // Before the 'x', 4k + 3 falls inside a pair; after it, 4k + 4.
    const inPair = 4016;
    expectCode(() => m.insert(inPair, 'y'), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => m.delete(inPair - 1, 1), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => m.insert(40_004, 'y'), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => m.delete(1000, 20_004), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => Text.of(expected).replace(1000, 20_004, ''), 'SPLITS_SURROGATE_PAIR');
    expectCode(() => Text.of(expected).insert(inPair, 'y'), 'SPLITS_SURROGATE_PAIR');
    expect(m.toString()).toBe(expected);
    m.insert(inPair + 1, 'z');
    expect(m.toString()).toBe(`${expected.slice(0, inPair + 1)}z${expected.slice(inPair + 1)}`);
    checkRopeInvariants(m.root);
  });
});

describe('apply to the rope', () => {
  it('agrees with apply to a string and keeps the input text', () => {
    const change = [insert(3, 'X'), del(0, 2), replace(1, 2, 'YZ')];
    const t = Text.of('hello world');
    const out = apply(t, change);
    expect(out.toString()).toBe(apply('hello world', change));
    expect(t.toString()).toBe('hello world');
  });

  it('costs microseconds for a keystroke in a 1 MB document', () => {
    // Not a timing assertion (those live in benchmarks/): checks the edit copies only one path,
    // which is what makes it cheap, by counting the nodes the new version does not share.
    const t = Text.of('x'.repeat(1 << 20));
    const u = t.insert(512 * 1024, 'k');
    const fresh = new Set<unknown>();
    const walk = (n: typeof t.root, seen: Set<unknown>) => {
      seen.add(n);
      for (const c of n.children) walk(c, seen);
    };
    const before = new Set<unknown>();
    walk(t.root, before);
    const after = new Set<unknown>();
    walk(u.root, after);
    for (const n of after) if (!before.has(n)) fresh.add(n);
    expect(fresh.size).toBeLessThanOrEqual(u.root.height + 1);
  });
});
