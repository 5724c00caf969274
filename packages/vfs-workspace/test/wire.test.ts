import { insert } from '@dist-space/ot-core';
import {
  DEFAULT_WORKSPACE_LIMITS,
  parseWorkspace,
  parseWorkspaceChange,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { byPath, listing, tree } from './support/table.js';

describe('wire forms of changes', () => {
  it('writes compact tuples', () => {
    const s = tree(['src/', 'src/a.ts=hi']);
    const change = byPath(s, 'A', (b) => [
      b.edit('src/a.ts', [insert(2, '!')]),
      b.rename('src', 'lib'),
      b.delete('lib/a.ts'),
    ]);
    expect(workspaceChangeToWire(change)).toEqual([
      [4, 'base:2', [[0, 2, '!']]],
      [3, 'base:1', 'root', 'lib', [], 'root', 'src', []],
      [2, 'base:2', 'base:1', 'a.ts', ['root'], ['base:2', 'a.ts', 'hi!']],
    ]);
  });
  it('rejects each kind of bad field', () => {
    const code = (v: unknown, limits = {}) => {
      const r = parseWorkspaceChange([v], limits);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code([1, 'a:1', 'root', 'd', []])).toBe('ok');
    expect(code([1, 'root', 'root', 'd', []])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'nobody', 'd', []])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'root', '../d', []])).toBe('INVALID_PATH');
    expect(code([1, 'a:1', 'root', 'd', 'root'])).toBe('INVALID_OP');
    // Chains that fit no workspace: above the root, not ending at it, repeating, or holding the node.
    expect(code([1, 'a:1', 'root', 'd', ['b:1']])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'b:1', 'd', ['b:2']])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'b:1', 'd', ['b:1', 'root']])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'b:1', 'd', ['a:1', 'root']])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'a:1', 'd', ['root']])).toBe('INVALID_OP');
    expect(code([3, 'a:1', 'root', 'd', [], 'a:1', 'd', ['root']])).toBe('INVALID_OP');
    expect(code([1, 'a:1', 'b:1', 'd', ['b:2', 'root']])).toBe('ok');
    expect(code([1, 'a:1', 'root', 'd', Array(65).fill('root')])).toBe('INVALID_OP');
    expect(code([0, 'a:1', 'root', 'f', [], 'x'.repeat(11)], { maxFileSize: 10 })).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(code([0, 'a:1', 'root', 'f', [], '\ud800'])).toBe('SPLITS_SURROGATE_PAIR');
    expect(code([2, 'a:1', 'root', 'f', [], ['a:2', 'f', '']])).toBe('INVALID_OP');
    expect(
      code([
        2,
        'a:1',
        'root',
        'd',
        [],
        [
          'a:1',
          'd',
          [
            ['a:2', 'x', ''],
            ['a:3', 'x', ''],
          ],
        ],
      ]),
    ).toBe('INVALID_OP');
    expect(code([3, 'a:1', 'root', 'f', [], 'root', 'g'])).toBe('INVALID_OP');
    expect(code([4, 'a:1', [[9, 0, 'x']]])).toBe('INVALID_OP');
    expect(code([4, 'a:1', [[0, 0, 'x'.repeat(11)]]], { maxChangeTextLength: 10 })).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(code({ type: 'rename', id: 'a:1' })).toBe('INVALID_OP');
    const many = parseWorkspaceChange(Array(3).fill([4, 'a:1', []]), { maxOpsPerChange: 2 });
    expect(many).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    // A deleted subtree nested deeper than the path depth limit is refused, not recursed into.
    let deep: unknown = ['a:1', 'x', ''];
    for (let i = 2; i < 100; i++) deep = [`a:${i}`, 'x', [deep]];
    expect(code([2, 'a:99', 'root', 'x', [], deep])).toBe('LIMIT_EXCEEDED');
  });

  it('has documented default limits', () => {
    expect(DEFAULT_WORKSPACE_LIMITS).toMatchObject({
      maxNodes: 100_000,
      maxFileSize: 16 * 1024 * 1024,
      maxOpsPerChange: 10_000,
    });
  });
});

describe('wire form of a whole workspace (snapshot)', () => {
  it('lists parents before children', () => {
    const s = tree(['b/', 'b/c/', 'b/c/f=x', 'a=y']);
    expect(workspaceToWire(s)).toEqual({
      format: 1,
      nodes: [
        ['base:4', 'root', 'a', 'y'],
        ['base:1', 'root', 'b'],
        ['base:2', 'base:1', 'c'],
        ['base:3', 'base:2', 'f', 'x'],
      ],
    });
    expect(listing(parseWorkspace(workspaceToWire(s)).ok ? s : s)).toEqual([
      'a = y',
      'b/',
      'b/c/',
      'b/c/f = x',
    ]);
  });
});
