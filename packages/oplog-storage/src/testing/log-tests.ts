import { expect, it } from 'vitest';
import type { StoredChange } from '../types.js';
import {
  changeAt,
  changesFrom,
  collect,
  expectCode,
  type OpLogStoreFactory,
  withHarness,
} from './harness.js';

/** Appending, reading, atomic batches, duplicate refusal, deduplication and copying. */
export function logTests(factory: OpLogStoreFactory, largeChangeBytes: number): void {
  it('reads back what was appended, in order, in any range', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const all = [...changesFrom(1, 3), ...changesFrom(4, 1), ...changesFrom(5, 20)];
      await store.append('ws', all.slice(0, 3));
      await store.append('ws', all.slice(3, 4));
      await store.append('ws', all.slice(4));
      await store.append('ws', []);
      expect(await store.lastRevision('ws')).toBe(24);
      expect(await collect(store.read('ws', 1))).toEqual(all);
      expect(await collect(store.read('ws', 7, 9))).toEqual(all.slice(6, 9));
      expect(await collect(store.read('ws', 24, 24))).toEqual(all.slice(23));
      expect(await collect(store.read('ws', 20, 1000))).toEqual(all.slice(19));
      expect(await collect(store.read('ws', 25))).toEqual([]);
      expect(await collect(store.read('ws', 9, 8))).toEqual([]);
    }));

  it('keeps every field and plain value exactly', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const change: StoredChange = {
        rev: 1,
        clientId: 'client 😀',
        seq: 2 ** 40,
        author: '',
        time: 1_700_000_000_123.5,
        change: {
          text: 'ünïcödé 😀 \u0000 nul',
          nested: [1, -1, 0.5, 2 ** 53 - 1, true, false, null, [], {}],
          bytes: new Uint8Array([0, 1, 255]),
        },
      };
      await store.append('ws', [change]);
      const [read] = await collect(store.read('ws', 1));
      expect(read).toEqual(change);
      expect(await store.findBySeq('ws', 'client 😀', 2 ** 40)).toEqual(change);
    }));

  it('hands out copies: neither the appended nor the returned values are shared', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const bytes = new Uint8Array([1, 2, 3]);
      const input = {
        rev: 1,
        clientId: 'c',
        seq: 1,
        author: 'a',
        time: 0,
        change: { list: [1], bytes },
      };
      await store.append('ws', [input]);
      input.change.list.push(2);
      bytes[0] = 9;
      const [first] = await collect(store.read('ws', 1));
      expect(first!.change).toEqual({ list: [1], bytes: new Uint8Array([1, 2, 3]) });
      (first!.change as { list: number[] }).list.push(3);
      (first!.change as { bytes: Uint8Array }).bytes[1] = 9;
      const [second] = await collect(store.read('ws', 1));
      expect(second!.change).toEqual({ list: [1], bytes: new Uint8Array([1, 2, 3]) });
    }));

  it('refuses a revision that exists, and a gap', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 3));
      const exists = await expectCode(
        store.append('ws', [changeAt(3, { seq: 100 })]),
        'REVISION_EXISTS',
      );
      expect(exists.details).toMatchObject({ workspace: 'ws', rev: 3 });
      await expectCode(store.append('ws', [changeAt(1, { seq: 101 })]), 'REVISION_EXISTS');
      const gap = await expectCode(store.append('ws', [changeAt(5)]), 'REVISION_GAP');
      expect(gap.details).toMatchObject({ workspace: 'ws', rev: 5, expected: 4 });
      expect(await store.lastRevision('ws')).toBe(3);
    }));

  it('commits a batch whole or not at all', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 2));
      const before = await collect(store.read('ws', 1));
      // One bad revision in the middle of a batch: a gap, then a repeat.
      await expectCode(
        store.append('ws', [changeAt(3), changeAt(4), changeAt(6), changeAt(7)]),
        'REVISION_GAP',
      );
      await expectCode(
        store.append('ws', [changeAt(3), changeAt(4), changeAt(4, { seq: 40 })]),
        'REVISION_EXISTS',
      );
      // A change of the wrong shape, or one msgpack cannot encode, anywhere in the batch.
      const bad = [
        { ...changeAt(4), seq: -1 },
        { ...changeAt(4), seq: 1.5 },
        { ...changeAt(4), clientId: '' },
        { ...changeAt(4), clientId: 'x\u0001' },
        { ...changeAt(4), author: 7 },
        { ...changeAt(4), time: Number.NaN },
        { ...changeAt(4), rev: 0 },
        { ...changeAt(4), change: () => 1 },
        { ...changeAt(4), change: 10n },
        // msgpack writes a `__proto__` key but refuses to read it back: it would be stored and
        // then never readable again.
        { ...changeAt(4), change: [{ ok: JSON.parse('{"__proto__": 1}') }] },
        null,
      ];
      for (const change of bad) {
        await expectCode(
          store.append('ws', [changeAt(3), change as unknown as StoredChange]),
          'INVALID_RECORD',
        );
      }
      expect(await store.lastRevision('ws')).toBe(2);
      expect(await collect(store.read('ws', 1))).toEqual(before);
      expect(await store.findBySeq('ws', 'client-a', 3)).toBeUndefined();
      expect(await store.highestSeq('ws', 'client-a')).toBe(2);
      // And the revisions the refused batches named are still free.
      await store.append('ws', changesFrom(3, 2));
      expect(await store.lastRevision('ws')).toBe(4);
    }));

  it('refuses a (clientId, seq) pair it already holds, in the log or in the batch', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', [changeAt(1, { clientId: 'c1', seq: 7 })]);
      const dup = await expectCode(
        store.append('ws', [
          changeAt(2, { clientId: 'c2', seq: 7 }),
          changeAt(3, { clientId: 'c1', seq: 7 }),
        ]),
        'DUPLICATE_CHANGE',
      );
      expect(dup.details).toMatchObject({ clientId: 'c1', seq: 7, rev: 1 });
      await expectCode(
        store.append('ws', [
          changeAt(2, { clientId: 'c3', seq: 1 }),
          changeAt(3, { clientId: 'c3', seq: 1 }),
        ]),
        'DUPLICATE_CHANGE',
      );
      expect(await store.lastRevision('ws')).toBe(1);
      // The same seq from another client, or in another workspace, is no duplicate.
      await store.append('ws', [changeAt(2, { clientId: 'c2', seq: 7 })]);
      await store.createWorkspace('other');
      await store.append('other', [changeAt(1, { clientId: 'c1', seq: 7 })]);
    }));

  it('finds a change by (clientId, seq) and knows each client’s highest seq', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const changes = [
        changeAt(1, { clientId: 'a', seq: 1 }),
        changeAt(2, { clientId: 'b', seq: 1 }),
        changeAt(3, { clientId: 'a', seq: 5 }),
        changeAt(4, { clientId: 'a', seq: 3 }),
        changeAt(5, { clientId: 'a:5', seq: 0 }),
      ];
      await store.append('ws', changes.slice(0, 2));
      await store.append('ws', changes.slice(2));
      expect(await store.findBySeq('ws', 'a', 5)).toEqual(changes[2]);
      expect(await store.findBySeq('ws', 'a', 3)).toEqual(changes[3]);
      expect(await store.findBySeq('ws', 'b', 1)).toEqual(changes[1]);
      expect(await store.findBySeq('ws', 'a:5', 0)).toEqual(changes[4]);
      expect(await store.findBySeq('ws', 'a', 2)).toBeUndefined();
      expect(await store.findBySeq('ws', 'c', 1)).toBeUndefined();
      expect(await store.highestSeq('ws', 'a')).toBe(5);
      expect(await store.highestSeq('ws', 'b')).toBe(1);
      expect(await store.highestSeq('ws', 'a:5')).toBe(0);
      expect(await store.highestSeq('ws', 'c')).toBeUndefined();
      // A later batch holding only lower seqs of a client leaves its highest seq as it was.
      await store.append('ws', [changeAt(6, { clientId: 'a', seq: 2 })]);
      expect(await store.highestSeq('ws', 'a')).toBe(5);
    }));

  it('refuses bad read ranges', () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 2));
      for (const [from, to] of [
        [0, undefined],
        [-1, 2],
        [1.5, 2],
        [1, 0],
        [Number.NaN, 2],
      ] as const) {
        await expectCode(collect(store.read('ws', from, to)), 'INVALID_RANGE');
      }
      await expectCode(store.loadSnapshot('ws', -1), 'INVALID_RANGE');
      await expectCode(store.truncate('ws', 0), 'INVALID_RANGE');
    }));

  it(`stores large changes (${(largeChangeBytes / 2 ** 20).toFixed(1)} MiB)`, () =>
    withHarness(factory, async ({ store }) => {
      await store.createWorkspace('ws');
      const text = 'abcdefghij😀'
        .repeat(Math.ceil(largeChangeBytes / 14))
        .slice(0, largeChangeBytes);
      const bytes = new Uint8Array(largeChangeBytes).map((_, i) => (i * 7) & 0xff);
      await store.append('ws', [
        changeAt(1, { change: { text } }),
        changeAt(2),
        changeAt(3, { change: { bytes } }),
      ]);
      const read = await collect(store.read('ws', 1));
      expect(read.map((c) => c.rev)).toEqual([1, 2, 3]);
      expect((read[0]!.change as { text: string }).text === text).toBe(true);
      expect(sameBytes((read[2]!.change as { bytes: Uint8Array }).bytes, bytes)).toBe(true);
      await store.saveSnapshot('ws', { rev: 3, time: 5, state: { text, bytes } });
      const snapshot = await store.loadSnapshot('ws');
      expect((snapshot!.state as { text: string }).text === text).toBe(true);
      expect(sameBytes((snapshot!.state as { bytes: Uint8Array }).bytes, bytes)).toBe(true);
    }));
}

// vitest's deep equality walks a typed array element by element, which takes seconds for MiBs.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
