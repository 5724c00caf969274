import { Capabilities } from '@dist-space/permissions';
import {
  applyWorkspaceChange,
  createIdGenerator,
  validateWorkspace,
  Workspace,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import {
  baseSeedsArb,
  CharSource,
  changeFromWsSeeds,
  describeWorkspace,
  wsSeedsArb,
} from '../../vfs-workspace/test/support/workspace-arbs.js';
import {
  projectChange,
  projectWorkspace,
  seenOtherwise,
  statesOf,
  type Visibility,
} from '../src/projection.js';

// Read scopes over the names the workspace generator uses, so that grants and denies hit often.
const SCOPE_SETS: readonly string[][] = [
  ['read:**'],
  ['read:a/**'],
  ['read:**/*.ts'],
  ['read:**', '!read:b/**'],
  ['read:**', '!read:**/a.ts'],
  ['read:a/b/**', 'read:é'],
  ['read:**/a', '!read:a b/**'],
  ['read:*'],
];

function visibilityOf(scopes: readonly string[]): Visibility {
  const parsed = Capabilities.parse(scopes);
  if (!parsed.ok) throw parsed.error;
  const caps = parsed.value;
  return { file: (p) => caps.allows('read', p), dir: (p) => caps.mayList(p) };
}

function build(seeds: Parameters<typeof changeFromWsSeeds>[1], from: Workspace, tag: string) {
  const ids = createIdGenerator(tag);
  return changeFromWsSeeds(from, seeds, ids, new CharSource());
}

function applyOrThrow(ws: Workspace, change: WorkspaceOp[]): Workspace {
  const result = applyWorkspaceChange(ws, change);
  if (!result.ok) throw result.error;
  return result.value;
}

describe('projection of a change onto what a session may see', () => {
  it('takes the projection of the state before to the projection of the state after', async () => {
    await assertInChunks(
      fc.property(
        baseSeedsArb,
        wsSeedsArb(6),
        fc.constantFrom(...SCOPE_SETS),
        (baseSeeds, seeds, scopes) => {
          const base = build(baseSeeds, Workspace.empty, 'base').after;
          const { change, after } = build(seeds, base, 'c');
          const visibility = visibilityOf(scopes);
          const projected = projectChange(change, statesOf(base, change), visibility);
          const start = projectWorkspace(base, visibility);
          const result = applyOrThrow(start, projected);
          expect(validateWorkspace(result)).toEqual([]);
          expect(describeWorkspace(result)).toEqual(
            describeWorkspace(projectWorkspace(after, visibility)),
          );
        },
      ),
    );
  });

  it('never says a change hides nothing from the session that made it when its result differs from what it is served', async () => {
    let applicable = 0;
    let differing = 0;
    await assertInChunks(
      fc.property(
        baseSeedsArb,
        wsSeedsArb(4),
        fc.constantFrom(...SCOPE_SETS),
        (baseSeeds, seeds, scopes) => {
          const base = build(baseSeeds, Workspace.empty, 'base').after;
          const { change, after } = build(seeds, base, 'c');
          const visibility = visibilityOf(scopes);
          // Only a change the session could have made: one that applies to what it sees.
          const made = applyWorkspaceChange(projectWorkspace(base, visibility), change);
          if (!made.ok) return;
          applicable++;
          const served = describeWorkspace(projectWorkspace(after, visibility)).join('\n');
          if (describeWorkspace(made.value).join('\n') === served) return;
          // The session's state is not what the server serves it: it must get a snapshot. (The
          // converse may err on the safe side: a file created and deleted again out of sight.)
          differing++;
          expect(seenOtherwise(change, statesOf(base, change), visibility)).toBe(true);
        },
      ),
    );
    // The generator must reach such changes, or the property says nothing.
    expect(applicable).toBeGreaterThan(0);
    expect(differing).toBeGreaterThan(0);
  });
});
