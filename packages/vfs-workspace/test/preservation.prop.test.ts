import {
  type NodeId,
  type NodeSnapshot,
  transformWorkspaceX,
  type Workspace,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import { scenarioArb } from './support/scenario.js';
import { mustApply, trackedChars } from './support/workspace-arbs.js';

// Nothing is lost except by an explicit delete. Every character is unique (see CharSource), so
// the model knows who inserted each one and can tell where it went.

function idsIn(snapshot: NodeSnapshot, out: Set<NodeId>): void {
  out.add(snapshot.id);
  if (snapshot.kind === 'dir') for (const c of snapshot.children) idsIn(c, out);
}

/** Every node a change deletes explicitly. */
function deletedBy(change: readonly WorkspaceOp[]): Set<NodeId> {
  const out = new Set<NodeId>();
  for (const op of change) if (op.type === 'delete') idsIn(op.removed, out);
  return out;
}

/** The ids both changes create: concurrent restores of one node, where the first one wins. */
function restoredByBoth(a: readonly WorkspaceOp[], b: readonly WorkspaceOp[]): Set<NodeId> {
  const created = (c: readonly WorkspaceOp[]) =>
    new Set(
      c.filter((op) => op.type === 'createFile' || op.type === 'createDir').map((op) => op.id),
    );
  const inA = created(a);
  return new Set([...created(b)].filter((id) => inA.has(id)));
}

function nodeIds(ws: Workspace): Set<NodeId> {
  return new Set([...ws.nodes()].map((n) => n.id));
}

describe('nothing is lost except by an explicit delete', () => {
  it('every character and every node survives the merge unless a delete took it', async () => {
    let lostToDeletes = 0;
    await assertInChunks(
      fc.property(scenarioArb(5), (s) => {
        const { b: bRes } = transformWorkspaceX(s.a, s.b, 'left');
        const final = mustApply(s.afterA, bRes.change);
        const deleted = new Set([...deletedBy(s.a), ...deletedBy(s.b)]);
        const restored = restoredByBoth(s.a, s.b);
        const finalChars = trackedChars(final);
        const base = trackedChars(s.base);
        const afterA = trackedChars(s.afterA);
        const afterB = trackedChars(s.afterB);
        for (const [c] of base) {
          // Base text disappears only when one of the changes removed it on its own (a text
          // delete, or a delete of its file).
          if (!finalChars.has(c))
            expect(afterA.has(c) && afterB.has(c), `base char ${c}`).toBe(false);
        }
        for (const [side, chars] of [
          ['a', afterA],
          ['b', afterB],
        ] as const) {
          for (const [c, file] of chars) {
            if (finalChars.has(c) || base.has(c)) continue;
            // Text a change inserted is lost only with its file, deleted by the other change,
            // or as the content of a losing concurrent restore of the same id.
            const justified = deleted.has(file) || restored.has(file);
            expect(justified, `char ${c} inserted by ${side} into ${file}`).toBe(true);
            lostToDeletes++;
          }
        }
        const finalNodes = nodeIds(final);
        for (const ws of [s.afterA, s.afterB]) {
          for (const id of nodeIds(ws)) {
            if (!finalNodes.has(id)) expect(deleted.has(id), `node ${id}`).toBe(true);
          }
        }
      }),
    );
    // The model has seen losses it had to justify: the property is not vacuous.
    expect(lostToDeletes).toBeGreaterThan(0);
  });
});
