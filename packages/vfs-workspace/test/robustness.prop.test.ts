import { del, insert, isDistSpaceError } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  type NodeId,
  parseWorkspaceChange,
  ROOT_ID,
  tryTransformWorkspaceChange,
  validateWorkspace,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import { scenarioArb } from './support/scenario.js';

// A change from an untrusted peer can be well-formed (it parses) and still not fit any state:
// wrong ancestors, a made-up deleted subtree, a move from a place the node is not at. The server
// transforms it before applying it, so the transform must never throw on such input, and
// whatever it yields must either be rejected by apply or leave a sound workspace.

interface Mutation {
  op: number;
  field: 'id' | 'parent' | 'ancestors' | 'from' | 'removed' | 'change' | 'name';
  pick: number[];
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.nat(10),
  field: fc.constantFrom('id', 'parent', 'ancestors', 'from', 'removed', 'change', 'name'),
  pick: fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }),
});

/** `ids` as the ancestors above `parent`: as they come, or made plausible (distinct, root last). */
function chain(ids: NodeId[], parent: unknown, plausible: boolean): NodeId[] {
  if (!plausible) return ids;
  if (parent === ROOT_ID) return [];
  return [...new Set(ids.filter((x) => x !== ROOT_ID && x !== parent)), ROOT_ID];
}

function mutate(change: WorkspaceOp[], ids: NodeId[], m: Mutation): unknown[] {
  const out: unknown[] = change.map((op) => structuredClone(op));
  if (out.length === 0) return out;
  const op = out[m.op % out.length] as Record<string, unknown>;
  const id = (k: number) => ids[m.pick[k % m.pick.length]! % ids.length]!;
  switch (m.field) {
    case 'id':
      if (op.type !== 'delete') op.id = id(0);
      break;
    case 'parent':
      if ('parent' in op) op.parent = id(0);
      break;
    case 'ancestors':
      // Half the time a chain that looks right (distinct, ending with the root) but is wrong.
      if ('ancestors' in op) {
        op.ancestors = chain(
          m.pick.map((_, k) => id(k)),
          op.parent,
          m.pick[0]! % 2 === 0,
        );
      }
      break;
    case 'from':
      if (op.type === 'move') {
        const parent = id(0);
        const above = chain(
          m.pick.slice(1).map((_, k) => id(k + 1)),
          parent,
          true,
        );
        op.from = { parent, name: 'a', ancestors: above };
      }
      break;
    case 'removed': {
      if (op.type !== 'delete') break;
      const children = m.pick.map((p, k) =>
        k % 2 === 0
          ? { kind: 'file', id: id(k), name: `n${p}`, content: 'x'.repeat(p % 4) }
          : { kind: 'dir', id: id(k), name: `d${p}`, children: [] },
      );
      op.removed = { kind: 'dir', id: op.id, name: op.name, children };
      break;
    }
    case 'change':
      if (op.type === 'edit')
        op.change = [insert(m.pick[0]! % 7, 'z'), del(m.pick[1 % m.pick.length]! % 5, 1)];
      break;
    case 'name':
      if ('name' in op) op.name = `x${m.pick[0]}`;
      break;
  }
  return out;
}

describe('untrusted changes', () => {
  it('transform never throws on well-formed but ill-fitting changes, and apply rejects or stays sound', async () => {
    let parsed = 0;
    await assertInChunks(
      fc.property(
        scenarioArb(4),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (s, mutations) => {
          const ids = [ROOT_ID, ...[...s.base.nodes()].map((n) => n.id), 'A:1', 'B:1', 'G:1'];
          let hostile: unknown[] = s.a;
          for (const m of mutations) hostile = mutate(hostile as WorkspaceOp[], ids, m);
          const change = parseWorkspaceChange(hostile);
          if (!change.ok) return;
          parsed++;
          for (const side of ['left', 'right'] as const) {
            const x = tryTransformWorkspaceChange(change.value, s.b, side);
            if (!x.ok) {
              expect(x.error.code).toBe('CONTEXT_MISMATCH');
              continue;
            }
            const applied = applyWorkspaceChange(s.afterB, x.value.change);
            if (applied.ok) expect(validateWorkspace(applied.value)).toEqual([]);
            else expect(isDistSpaceError(applied.error)).toBe(true);
          }
        },
      ),
    );
    expect(parsed).toBeGreaterThan(0);
  });
});
