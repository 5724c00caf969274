import { transformWorkspaceX, type Workspace } from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { scenarioArb } from './support/scenario.js';
import { mustApply } from './support/workspace-arbs.js';

// The tree is frozen by hand (tree.ts `freezeChanges`, immer's own auto-freeze is off for
// speed), so a case it missed would leave an object that a caller could mutate, changing every
// version that shares it. These properties look at every object of every tree a change makes.

/** The objects of `ws.tree` that are not frozen, named for the failure message. */
function unfrozen(ws: Workspace): string[] {
  const out: string[] = [];
  const tree = ws.tree;
  if (!Object.isFrozen(tree)) out.push('tree');
  if (!Object.isFrozen(tree.shards)) out.push('shards');
  tree.shards.forEach((shard, i) => {
    if (!Object.isFrozen(shard)) out.push(`shard ${i}`);
    for (const id in shard) {
      const node = shard[id]!;
      if (!Object.isFrozen(node)) out.push(`node ${id}`);
      if (node.kind === 'dir' && !Object.isFrozen(node.children)) out.push(`children of ${id}`);
    }
  });
  return out;
}

describe('the tree a change makes', () => {
  it('is frozen throughout, for a whole change applied at once and for a transformed one', async () => {
    await assertInChunks(
      fc.property(scenarioArb(6), (s) => {
        const afterA = mustApply(s.base, s.a);
        expect(unfrozen(afterA)).toEqual([]);
        const bAfterA = transformWorkspaceX(s.a, s.b, 'left').b.change;
        expect(unfrozen(mustApply(afterA, bAfterA))).toEqual([]);
      }),
    );
  });
});
