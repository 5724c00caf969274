import { collect, expectCode } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { describe, expect, it } from 'vitest';
import { withTempDir } from './support/temp-dir.js';

const change = (rev: number, clientId: string, seq: number) => ({
  rev,
  clientId,
  seq,
  author: clientId,
  time: 0,
  change: { rev },
});

// A store remembers what it decoded (the workspace record, each client's highest seq) and finds
// the last revision by point lookups; none of that may hide what another writer did meanwhile.
describe('a store with another writer on its directory', () => {
  it('sees its appends, truncations and re-creations', () =>
    withTempDir(async (path) => {
      const a = await openLmdbOpLogStore({ path, create: true });
      const b = await openLmdbOpLogStore({ path });
      try {
        await a.createWorkspace('ws');
        await a.append('ws', [change(1, 'c', 1), change(2, 'c', 2)]);
        expect(await a.highestSeq('ws', 'c')).toBe(2);
        // b appends a higher seq of the same client: a's remembered highest seq is stale.
        await b.append('ws', [change(3, 'c', 10)]);
        await expectCode(a.append('ws', [change(3, 'd', 1)]), 'REVISION_EXISTS');
        await a.append('ws', [change(4, 'c', 4)]);
        expect(await a.highestSeq('ws', 'c')).toBe(10);
        await expectCode(a.append('ws', [change(5, 'c', 10)]), 'DUPLICATE_CHANGE');

        // b truncates behind a snapshot: a's remembered workspace record is stale.
        await b.saveSnapshot('ws', { rev: 4, time: 0, state: {} });
        await b.truncate('ws', 5);
        expect(await a.firstRevision('ws')).toBe(5);
        await expectCode(a.append('ws', [change(4, 'd', 2)]), 'REVISION_EXISTS');
        await expectCode(a.append('ws', [change(6, 'd', 2)]), 'REVISION_GAP');
        await a.append('ws', [change(5, 'd', 2)]);

        // b deletes and re-creates it: a appends to the new, empty workspace.
        await b.deleteWorkspace('ws');
        await expectCode(a.append('ws', [change(6, 'd', 3)]), 'WORKSPACE_NOT_FOUND');
        await b.createWorkspace('ws');
        await expectCode(a.append('ws', [change(6, 'd', 3)]), 'REVISION_GAP');
        await a.append('ws', [change(1, 'c', 1)]);
        expect((await collect(b.read('ws', 1))).map((c) => [c.rev, c.clientId, c.seq])).toEqual([
          [1, 'c', 1],
        ]);
        expect(await b.highestSeq('ws', 'c')).toBe(1);
      } finally {
        await b.close();
        await a.close();
      }
    }));
});
