import { expect, it } from 'vitest';
import {
  changeAt,
  changesFrom,
  collect,
  expectCode,
  type OpLogStoreFactory,
  withHarness,
} from './harness.js';

/** Snapshots (latest and at-or-before) and truncation of the log below a snapshot. */
export function snapshotTests(factory: OpLogStoreFactory): void {
  it('saves snapshots and loads the newest, or the newest at or before a revision', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      expect(await store.loadSnapshot('ws')).toBeUndefined();
      await store.saveSnapshot('ws', { rev: 0, time: 1, state: { files: {} } });
      await store.append('ws', changesFrom(1, 30));
      await store.saveSnapshot('ws', { rev: 20, time: 3, state: { at: 20 } });
      await store.saveSnapshot('ws', { rev: 10, time: 2, state: { at: 10 } });
      expect(await store.listSnapshots('ws')).toEqual([0, 10, 20]);
      expect(await store.loadSnapshot('ws')).toEqual({ rev: 20, time: 3, state: { at: 20 } });
      expect(await store.loadSnapshot('ws', 30)).toEqual({ rev: 20, time: 3, state: { at: 20 } });
      expect(await store.loadSnapshot('ws', 20)).toEqual({ rev: 20, time: 3, state: { at: 20 } });
      expect(await store.loadSnapshot('ws', 19)).toEqual({ rev: 10, time: 2, state: { at: 10 } });
      expect(await store.loadSnapshot('ws', 9)).toEqual({ rev: 0, time: 1, state: { files: {} } });
      expect(await store.loadSnapshot('ws', 0)).toEqual({ rev: 0, time: 1, state: { files: {} } });
      // Saving at a revision again replaces that snapshot.
      await store.saveSnapshot('ws', { rev: 10, time: 4, state: { at: 10, again: true } });
      expect(await store.loadSnapshot('ws', 15)).toEqual({
        rev: 10,
        time: 4,
        state: { at: 10, again: true },
      });
      expect(await store.listSnapshots('ws')).toEqual([0, 10, 20]);
    }));

  it('reports the bytes of a workspace, growing with its records and shrinking with truncation', () =>
    withHarness(factory, async ({ store }) => {
      // Optional in the interface; every adapter of this repository implements it.
      if (store.storedBytes === undefined) return;
      await store.createWorkspace('ws');
      await store.createWorkspace('other');
      expect(await store.storedBytes('ws')).toBe(0);
      await store.append('ws', changesFrom(1, 30));
      const logged = await store.storedBytes('ws');
      expect(logged).toBeGreaterThan(0);
      await store.saveSnapshot('ws', { rev: 20, time: 1, state: { at: 20 } });
      const withSnapshot = await store.storedBytes('ws');
      expect(withSnapshot).toBeGreaterThan(logged);
      await store.truncate('ws', 21);
      expect(await store.storedBytes('ws')).toBeLessThan(withSnapshot);
      expect(await store.storedBytes('other')).toBe(0);
      await expectCode(store.storedBytes('missing'), 'WORKSPACE_NOT_FOUND');
    }));

  it('refuses a snapshot past the end of the log, or of the wrong shape', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 3));
      await expectCode(
        store.saveSnapshot('ws', { rev: 4, time: 0, state: {} }),
        'REVISION_NOT_FOUND',
      );
      await expectCode(store.saveSnapshot('ws', { rev: -1, time: 0, state: {} }), 'INVALID_RECORD');
      await expectCode(
        store.saveSnapshot('ws', { rev: 1, time: Number.POSITIVE_INFINITY, state: {} }),
        'INVALID_RECORD',
      );
      await expectCode(
        store.saveSnapshot('ws', { rev: 1, time: 0, state: Symbol('x') }),
        'INVALID_RECORD',
      );
      await expectCode(
        store.saveSnapshot('ws', { rev: 1, time: 0, state: JSON.parse('{"a":{"__proto__":{}}}') }),
        'INVALID_RECORD',
      );
      expect(await store.listSnapshots('ws')).toEqual([]);
    }));

  it('refuses to truncate changes that no snapshot covers', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 10));
      await expectCode(store.truncate('ws', 5), 'SNAPSHOT_REQUIRED');
      await store.saveSnapshot('ws', { rev: 3, time: 0, state: 3 });
      await expectCode(store.truncate('ws', 5), 'SNAPSHOT_REQUIRED');
      await expectCode(store.truncate('ws', 12), 'REVISION_NOT_FOUND');
      // Truncating below 1 drops nothing, so it needs no snapshot.
      await store.truncate('ws', 1);
      expect(await store.firstRevision('ws')).toBe(1);
      expect(await collect(store.read('ws', 1))).toHaveLength(10);
    }));

  it('truncates below a snapshot, keeping what a reader and a deduplicator still need', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const changes = changesFrom(1, 10, { clientId: 'a' });
      await store.append('ws', changes);
      await store.saveSnapshot('ws', { rev: 2, time: 0, state: 2 });
      await store.saveSnapshot('ws', { rev: 4, time: 0, state: 4 });
      await store.saveSnapshot('ws', { rev: 6, time: 0, state: 6 });
      await store.truncate('ws', 6);
      expect(await store.firstRevision('ws')).toBe(6);
      expect(await store.lastRevision('ws')).toBe(10);
      expect(await collect(store.read('ws', 6))).toEqual(changes.slice(5));
      const truncated = await expectCode(collect(store.read('ws', 5)), 'REVISION_TRUNCATED');
      expect(truncated.details).toMatchObject({ workspace: 'ws', rev: 5, firstRevision: 6 });
      // Snapshots below belowRev - 1 describe history the log no longer reaches.
      expect(await store.listSnapshots('ws')).toEqual([6]);
      expect(await store.loadSnapshot('ws', 5)).toBeUndefined();
      expect(await store.findBySeq('ws', 'a', 5)).toBeUndefined();
      expect(await store.findBySeq('ws', 'a', 6)).toEqual(changes[5]);
      expect(await store.highestSeq('ws', 'a')).toBe(10);
      // Truncating below a revision already dropped does nothing.
      await store.truncate('ws', 3);
      expect(await store.firstRevision('ws')).toBe(6);
      await store.append('ws', [changeAt(11, { clientId: 'a' })]);
      expect((await collect(store.read('ws', 6))).map((c) => c.rev)).toEqual([6, 7, 8, 9, 10, 11]);
    }));

  it('truncates the whole log below a snapshot of the last revision and goes on appending', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 5));
      await store.saveSnapshot('ws', { rev: 5, time: 0, state: 'five' });
      await store.truncate('ws', 6);
      expect(await store.lastRevision('ws')).toBe(5);
      expect(await store.firstRevision('ws')).toBe(6);
      expect(await collect(store.read('ws', 6))).toEqual([]);
      await expectCode(store.append('ws', [changeAt(5, { seq: 50 })]), 'REVISION_EXISTS');
      await expectCode(store.append('ws', [changeAt(7)]), 'REVISION_GAP');
      await store.append('ws', [changeAt(6)]);
      expect(await collect(store.read('ws', 6))).toEqual([changeAt(6)]);
    }));
}
