import { PersistentWorkspace } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { applyWorkspaceChange, Workspace, workspaceToWire } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { startChild } from './support/child.js';
import { withTempDir } from './support/temp-dir.js';
import { random } from './support/workload.js';

const ROUNDS = Number(process.env.DIST_SPACE_WORKSPACE_CRASH_ROUNDS ?? 10);
const SEED = Number(process.env.DIST_SPACE_CRASH_SEED ?? Date.now() % 2 ** 31);

/**
 * After a crash: the workspace loaded from the newest snapshot plus the log's tail equals a
 * replay of the whole log from revision 1, every snapshot equals the replay at its revision,
 * and every acknowledged revision is there.
 */
async function verify(path: string, lastAcked: number, round: number): Promise<number> {
  const where = `round ${round}, seed ${SEED}`;
  const store = await openLmdbOpLogStore({ path });
  try {
    if (!(await store.hasWorkspace('ws'))) {
      expect(lastAcked, where).toBe(0);
      return 0;
    }
    const loaded = await PersistentWorkspace.load(store, 'ws');
    expect(loaded.revision, where).toBeGreaterThanOrEqual(lastAcked);
    const snapshots = new Set(await store.listSnapshots('ws'));
    let replay = Workspace.empty;
    let rev = 0;
    const check = async () => {
      if (snapshots.has(rev)) {
        expect((await store.loadSnapshot('ws', rev))!.state, `${where}, snapshot ${rev}`).toEqual(
          workspaceToWire(replay),
        );
      }
    };
    const changes = await loaded.changesBetween(0, loaded.revision);
    for (const entry of changes) {
      const applied = applyWorkspaceChange(replay, entry.change);
      expect(applied.ok, `${where}, revision ${entry.rev} applies`).toBe(true);
      if (applied.ok) replay = applied.value;
      rev = entry.rev;
      await check();
    }
    expect(rev, where).toBe(loaded.revision);
    expect(workspaceToWire(loaded.workspace), where).toEqual(workspaceToWire(replay));
    return loaded.revision;
  } finally {
    await store.close();
  }
}

describe('crash safety of a PersistentWorkspace (kill -9 while appending)', () => {
  it(
    `loads snapshot + tail equal to a full replay after each of ${ROUNDS} kills`,
    { timeout: 120_000 },
    () =>
      withTempDir(async (path) => {
        const next01 = random(SEED);
        let lastAcked = 0;
        let snapshotsSeen = 0;
        for (let round = 0; round < ROUNDS; round++) {
          let ready!: () => void;
          const isReady = new Promise<void>((resolve) => {
            ready = resolve;
          });
          const { child, done } = startChild(
            'workspace-child.ts',
            [path, `r${round}`, String(SEED + round)],
            {
              onLine: (line) => {
                const message = JSON.parse(line) as {
                  ready?: number;
                  acked?: number;
                  snapshotError?: string;
                };
                if (message.ready !== undefined) ready();
                if (message.acked !== undefined) lastAcked = Math.max(lastAcked, message.acked);
                expect(message.snapshotError).toBeUndefined();
              },
            },
          );
          await Promise.race([isReady, done]);
          await new Promise((resolve) => setTimeout(resolve, 50 + next01() * 400));
          child.kill('SIGKILL');
          const outcome = await done;
          expect(outcome.signal, `round ${round} exited on its own: ${outcome.stderr}`).toBe(
            'SIGKILL',
          );
          await verify(path, lastAcked, round);
          const store = await openLmdbOpLogStore({ path });
          snapshotsSeen = (await store.listSnapshots('ws')).length;
          await store.close();
        }
        expect(lastAcked).toBeGreaterThan(ROUNDS * 10);
        expect(snapshotsSeen).toBeGreaterThan(0);
      }),
  );
});
