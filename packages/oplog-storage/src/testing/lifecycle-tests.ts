import { isDistSpaceError } from '@dist-space/ot-core';
import { expect, it } from 'vitest';
import {
  changeAt,
  changesFrom,
  collect,
  expectCode,
  type OpLogStoreFactory,
  withHarness,
} from './harness.js';

/** Reopening, closing, flushing, and many appenders racing for the same revisions. */
export function lifecycleTests(factory: OpLogStoreFactory, appenders: number): void {
  it('finds everything again after close and reopen', () =>
    withHarness(factory, async (harness) => {
      const { store } = harness;
      await store.createWorkspace('ws');
      await store.createWorkspace('other');
      const changes = changesFrom(1, 8, { clientId: 'a' });
      await store.append('ws', changes);
      await store.saveSnapshot('ws', { rev: 3, time: 9, state: { three: 3 } });
      await store.saveSnapshot('ws', { rev: 5, time: 9, state: { five: 5 } });
      await store.truncate('ws', 4);
      await store.close();
      const reopened = await harness.reopen();
      expect(await reopened.listWorkspaces()).toEqual(['other', 'ws']);
      expect(await reopened.lastRevision('ws')).toBe(8);
      expect(await reopened.firstRevision('ws')).toBe(4);
      expect(await collect(reopened.read('ws', 4))).toEqual(changes.slice(3));
      expect(await reopened.listSnapshots('ws')).toEqual([3, 5]);
      expect(await reopened.loadSnapshot('ws')).toEqual({ rev: 5, time: 9, state: { five: 5 } });
      expect(await reopened.findBySeq('ws', 'a', 6)).toEqual(changes[5]);
      expect(await reopened.highestSeq('ws', 'a')).toBe(8);
      await expectCode(reopened.append('ws', [changeAt(8, { seq: 80 })]), 'REVISION_EXISTS');
      await reopened.append('ws', [changeAt(9, { clientId: 'a' })]);
      // Reopening without an explicit close closes the old store first.
      const again = await harness.reopen();
      expect(await again.lastRevision('ws')).toBe(9);
    }));

  it('refuses every call once closed, and closing twice is harmless', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', [changeAt(1)]);
      await store.flush();
      await store.close();
      await store.close();
      const calls: Array<() => Promise<unknown>> = [
        () => store.createWorkspace('x'),
        () => store.deleteWorkspace('ws'),
        () => store.listWorkspaces(),
        () => store.hasWorkspace('ws'),
        () => store.append('ws', [changeAt(2)]),
        () => collect(store.read('ws', 1)),
        () => store.lastRevision('ws'),
        () => store.firstRevision('ws'),
        () => store.findBySeq('ws', 'client-a', 1),
        () => store.highestSeq('ws', 'client-a'),
        () => store.saveSnapshot('ws', { rev: 1, time: 0, state: 1 }),
        () => store.loadSnapshot('ws'),
        () => store.listSnapshots('ws'),
        () => store.truncate('ws', 1),
        () => store.flush(),
      ];
      for (const call of calls) await expectCode(call(), 'STORE_CLOSED');
    }));

  it('lets exactly one of many racing appends win each revision', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const outcomes = await Promise.allSettled(
        Array.from({ length: appenders }, (_, i) =>
          store.append('ws', [changeAt(1, { clientId: `c${i}`, seq: 0 })]),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const o of lost) expect(isDistSpaceError(o.reason, 'REVISION_EXISTS')).toBe(true);
      expect(await store.lastRevision('ws')).toBe(1);
    }));

  it(`keeps the log whole under ${appenders} appenders that retry until they land`, () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const perAppender = 5;
      const landed = new Map<number, string>();
      const appender = async (id: number) => {
        for (let seq = 0; seq < perAppender; seq++) {
          for (;;) {
            const rev = (await store.lastRevision('ws')) + 1;
            const clientId = `appender-${id}`;
            try {
              await store.append('ws', [changeAt(rev, { clientId, seq })]);
              expect(landed.has(rev)).toBe(false);
              landed.set(rev, `${clientId}/${seq}`);
              break;
            } catch (e) {
              if (!isDistSpaceError(e, 'REVISION_EXISTS')) throw e;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: appenders }, (_, i) => appender(i)));
      const total = appenders * perAppender;
      const log = await collect(store.read('ws', 1));
      expect(log.map((c) => c.rev)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(log.map((c) => `${c.clientId}/${c.seq}`)).toEqual(log.map((c) => landed.get(c.rev)));
    }));

  it('keeps concurrent appends to different workspaces apart', () =>
    withHarness(factory, async ({ store }) => {
      const names = Array.from({ length: 8 }, (_, i) => `ws${i}`);
      for (const name of names) await store.createWorkspace(name);
      await Promise.all(
        names.map((name) => store.append(name, changesFrom(1, 3, { author: name }))),
      );
      for (const name of names) {
        const log = await collect(store.read(name, 1));
        expect(log).toEqual(changesFrom(1, 3, { author: name }));
      }
    }));
}
