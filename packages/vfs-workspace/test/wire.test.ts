import { insert } from '@dist-space/ot-core';
import {
  DEFAULT_WORKSPACE_LIMITS,
  parseWorkspace,
  parseWorkspaceChange,
  validateWorkspace,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArb } from './support/scenario.js';
import { byPath, listing, tree } from './support/table.js';
import { describeWorkspace } from './support/workspace-arbs.js';

describe('wire forms of changes', () => {
  it('round-trip through the tuple form, JSON and msgpack (property)', () => {
    fc.assert(
      fc.property(scenarioArb(5), (s) => {
        const wire = workspaceChangeToWire(s.a);
        expect(parseWorkspaceChange(JSON.parse(JSON.stringify(wire)))).toEqual({
          ok: true,
          value: s.a,
        });
        expect(parseWorkspaceChange(decode(encode(wire)))).toEqual({ ok: true, value: s.a });
        // The plain object form is accepted too.
        expect(parseWorkspaceChange(JSON.parse(JSON.stringify(s.a)))).toEqual({
          ok: true,
          value: s.a,
        });
      }),
    );
  });

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

  it('rejects malformed input with a typed error and never throws (property)', () => {
    const junk = fc.anything({ maxDepth: 4, withObjectString: true });
    const tupleish = fc.tuple(fc.integer({ min: -1, max: 5 }), junk, junk, junk, junk, junk);
    fc.assert(
      fc.property(fc.array(fc.oneof(junk, tupleish), { maxLength: 4 }), (value) => {
        const r = parseWorkspaceChange(value);
        if (!r.ok)
          expect(r.error.code).toMatch(
            /^(INVALID_OP|INVALID_PATH|LIMIT_EXCEEDED|SPLITS_SURROGATE_PAIR)$/,
          );
      }),
    );
    expect(parseWorkspaceChange('nope')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_OP' },
    });
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
  it('round-trips through msgpack, keeping ids, names and texts (property)', () => {
    fc.assert(
      fc.property(scenarioArb(3), (s) => {
        const back = parseWorkspace(decode(encode(workspaceToWire(s.afterA))));
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(validateWorkspace(back.value)).toEqual([]);
        expect(describeWorkspace(back.value)).toEqual(describeWorkspace(s.afterA));
      }),
    );
  });

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

  it('rejects malformed snapshots and never throws (property)', () => {
    const node = fc.oneof(
      fc.tuple(
        fc.constantFrom('a:1', 'a:2', 'root', 'x'),
        fc.constantFrom('root', 'a:1', 'a:2'),
        fc.constantFrom('n', 'm', '', '..'),
      ),
      fc.tuple(
        fc.constantFrom('a:1', 'a:2'),
        fc.constantFrom('root', 'a:1'),
        fc.constantFrom('n', 'm'),
        fc.oneof(fc.string(), fc.integer()),
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({ format: fc.constantFrom(1, 2), nodes: fc.array(node, { maxLength: 5 }) }),
        ),
        (value) => {
          const r = parseWorkspace(value);
          if (r.ok) expect(validateWorkspace(r.value)).toEqual([]);
          else expect(r.error.code).toMatch(/^(INVALID_SNAPSHOT|INVALID_PATH|LIMIT_EXCEEDED)$/);
        },
      ),
    );
    const bad = (nodes: unknown[], limits = {}) => {
      const r = parseWorkspace({ format: 1, nodes }, limits);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(
      bad([
        ['a:1', 'a:2', 'x'],
        ['a:2', 'root', 'd'],
      ]),
    ).toBe('INVALID_SNAPSHOT');
    expect(
      bad([
        ['a:1', 'root', 'x'],
        ['a:1', 'root', 'y'],
      ]),
    ).toBe('INVALID_SNAPSHOT');
    expect(
      bad([
        ['a:1', 'root', 'x'],
        ['a:2', 'root', 'x'],
      ]),
    ).toBe('INVALID_SNAPSHOT');
    expect(
      bad([
        ['a:1', 'root', 'f', ''],
        ['a:2', 'a:1', 'x'],
      ]),
    ).toBe('INVALID_SNAPSHOT');
    expect(bad([['a:1', 'root', 'x (conflict b-1)']])).toBe('INVALID_SNAPSHOT');
    expect(bad([['a:1', 'root', 'a\\b']])).toBe('INVALID_PATH');
    expect(
      bad(
        [
          ['a:1', 'root', 'x'],
          ['a:2', 'root', 'y'],
        ],
        { maxNodes: 1 },
      ),
    ).toBe('LIMIT_EXCEEDED');
    expect(bad([['a:1', 'root', 'f', 'xx']], { maxFileSize: 1 })).toBe('LIMIT_EXCEEDED');
    expect(bad([['a:1', 'root', 'f', '\udc00']])).toBe('INVALID_SNAPSHOT');
  });
});
