import { collect } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { describe, expect, it } from 'vitest';
import { runChild } from './support/child.js';
import { withTempDir } from './support/temp-dir.js';

describe('two processes on one directory', () => {
  it('share it safely: each revision goes to exactly one of them, and the log stays whole', () =>
    withTempDir(async (path) => {
      const setup = await openLmdbOpLogStore({ path });
      await setup.createWorkspace('ws');
      await setup.close();

      const [a, b] = await Promise.all(
        ['process-a', 'process-b'].map((clientId) =>
          runChild('race-child.ts', [path, clientId, '1500']),
        ),
      );
      const acked = new Map<number, string>();
      for (const [clientId, outcome] of [
        ['process-a', a!],
        ['process-b', b!],
      ] as const) {
        expect(outcome.code, outcome.stderr).toBe(0);
        for (const line of outcome.lines) {
          const message = JSON.parse(line) as { acked?: number };
          if (message.acked === undefined) continue;
          expect(acked.has(message.acked), `revision ${message.acked} acknowledged twice`).toBe(
            false,
          );
          acked.set(message.acked, clientId);
        }
      }
      const perProcess = (clientId: string) =>
        [...acked.values()].filter((c) => c === clientId).length;
      expect(perProcess('process-a')).toBeGreaterThan(0);
      expect(perProcess('process-b')).toBeGreaterThan(0);

      const store = await openLmdbOpLogStore({ path });
      const log = await collect(store.read('ws', 1));
      await store.close();
      expect(log.map((c) => c.rev)).toEqual(Array.from({ length: acked.size }, (_, i) => i + 1));
      for (const change of log) {
        expect(change.clientId).toBe(acked.get(change.rev));
        expect(change.change).toEqual({ by: change.clientId, rev: change.rev });
      }
    }));
});
