import { changeAt, collect } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { describe, expect, it } from 'vitest';
import { runChild } from './support/child.js';
import { withTempDir } from './support/temp-dir.js';

describe('a full store', () => {
  it('refuses the append that does not fit with STORE_FULL, keeps every acknowledged one, and goes on once there is room', () =>
    withTempDir(async (dir) => {
      const outcome = await runChild('fill-child.ts', [dir], { fileSizeLimitKiB: 2048 });
      const messages = outcome.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const acked = messages.flatMap((m) => (typeof m.acked === 'number' ? [m.acked] : []));
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(acked.length).toBeGreaterThan(2);
      expect(messages).toContainEqual({ error: 'STORE_FULL' });
      expect(messages.at(-1)).toEqual({ last: acked.at(-1) });

      // Without the limit, everything acknowledged is there and appends work again.
      const store = await openLmdbOpLogStore({ path: dir });
      const log = await collect(store.read('ws', 1));
      expect(log.map((c) => c.rev)).toEqual(acked);
      expect(log.every((c) => (c.change as string).length === 200_000)).toBe(true);
      const next = acked.at(-1)! + 1;
      await store.append('ws', [changeAt(next, { clientId: 'after', seq: 0 })]);
      expect(await store.lastRevision('ws')).toBe(next);
      await store.close();
    }));
});
