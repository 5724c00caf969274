import { expect, it } from 'vitest';
import {
  changeAt,
  changesFrom,
  collect,
  expectCode,
  type OpLogStoreFactory,
  withHarness,
} from './harness.js';

/** Creating, listing and deleting workspaces, and keeping them apart. */
export function workspaceTests(factory: OpLogStoreFactory, manyWorkspaces: number): void {
  it('creates, lists and deletes workspaces', () =>
    withHarness(factory, async ({ store }) => {
      expect(await store.listWorkspaces()).toEqual([]);
      await store.createWorkspace('beta');
      await store.createWorkspace('alpha');
      await store.createWorkspace('Ωmega ✓');
      expect(await store.listWorkspaces()).toEqual(['alpha', 'beta', 'Ωmega ✓']);
      expect(await store.hasWorkspace('alpha')).toBe(true);
      expect(await store.hasWorkspace('gamma')).toBe(false);
      expect(await store.lastRevision('alpha')).toBe(0);
      expect(await store.firstRevision('alpha')).toBe(1);
      await store.deleteWorkspace('beta');
      expect(await store.listWorkspaces()).toEqual(['alpha', 'Ωmega ✓']);
    }));

  it('refuses a workspace that exists, or does not', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await expectCode(store.createWorkspace('ws'), 'WORKSPACE_EXISTS');
      await expectCode(store.deleteWorkspace('missing'), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.append('missing', [changeAt(1)]), 'WORKSPACE_NOT_FOUND');
      await expectCode(collect(store.read('missing', 1)), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.lastRevision('missing'), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.firstRevision('missing'), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.findBySeq('missing', 'c', 1), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.highestSeq('missing', 'c'), 'WORKSPACE_NOT_FOUND');
      await expectCode(
        store.saveSnapshot('missing', { rev: 0, time: 0, state: {} }),
        'WORKSPACE_NOT_FOUND',
      );
      await expectCode(store.loadSnapshot('missing'), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.listSnapshots('missing'), 'WORKSPACE_NOT_FOUND');
      await expectCode(store.truncate('missing', 1), 'WORKSPACE_NOT_FOUND');
    }));

  it('refuses workspace names that are empty, too long, or hold control characters or lone surrogates', () =>
    withHarness(factory, async ({ store }) => {
      for (const name of ['', 'x'.repeat(257), 'a\u0000b', 'tab\there', 'lone \ud800', 42]) {
        await expectCode(store.createWorkspace(name as string), 'INVALID_WORKSPACE_NAME');
      }
      await store.createWorkspace('x'.repeat(256));
      await store.createWorkspace('emoji 😀 and spaces / slashes');
      expect(await store.listWorkspaces()).toHaveLength(2);
    }));

  it('starts a deleted and re-created workspace empty', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 5));
      await store.saveSnapshot('ws', { rev: 5, time: 1, state: 'five' });
      await store.deleteWorkspace('ws');
      await store.createWorkspace('ws');
      expect(await store.lastRevision('ws')).toBe(0);
      expect(await collect(store.read('ws', 1))).toEqual([]);
      expect(await store.loadSnapshot('ws')).toBeUndefined();
      expect(await store.findBySeq('ws', 'client-a', 1)).toBeUndefined();
      expect(await store.highestSeq('ws', 'client-a')).toBeUndefined();
      await store.append('ws', [changeAt(1)]);
      expect(await store.lastRevision('ws')).toBe(1);
    }));

  it(`keeps ${manyWorkspaces} workspaces apart`, () =>
    withHarness(factory, async ({ store }) => {
      const names = Array.from(
        { length: manyWorkspaces },
        (_, i) => `ws-${String(i).padStart(4, '0')}`,
      );
      for (const name of names) await store.createWorkspace(name);
      // Interleaved appends: every workspace gets (index % 5) + 1 changes, its name in each.
      for (let round = 0; round < 5; round++) {
        await Promise.all(
          names.map((name, i) =>
            round <= i % 5
              ? store.append(name, [changeAt(round + 1, { change: name })])
              : undefined,
          ),
        );
      }
      expect(await store.listWorkspaces()).toEqual(names);
      for (const [i, name] of names.entries()) {
        expect(await store.lastRevision(name)).toBe((i % 5) + 1);
        const changes = await collect(store.read(name, 1));
        expect(changes.map((c) => c.change)).toEqual(Array((i % 5) + 1).fill(name));
      }
    }));
}
