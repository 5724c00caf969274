import {
  parseWorkspace,
  parseWorkspaceChange,
  validateWorkspace,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import { scenarioArb } from './support/scenario.js';
import { describeWorkspace } from './support/workspace-arbs.js';

describe('wire forms of changes (properties)', () => {
  it('round-trip through the tuple form, JSON and msgpack (property)', async () => {
    await assertInChunks(
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

  it('rejects malformed input with a typed error and never throws (property)', async () => {
    const junk = fc.anything({ maxDepth: 4, withObjectString: true });
    const tupleish = fc.tuple(fc.integer({ min: -1, max: 5 }), junk, junk, junk, junk, junk);
    await assertInChunks(
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
});

describe('wire form of a whole workspace (properties)', () => {
  it('round-trips through msgpack, keeping ids, names and texts (property)', async () => {
    await assertInChunks(
      fc.property(scenarioArb(3), (s) => {
        const back = parseWorkspace(decode(encode(workspaceToWire(s.afterA))));
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(validateWorkspace(back.value)).toEqual([]);
        expect(describeWorkspace(back.value)).toEqual(describeWorkspace(s.afterA));
      }),
    );
  });

  it('rejects malformed snapshots and never throws (property)', async () => {
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
    await assertInChunks(
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
