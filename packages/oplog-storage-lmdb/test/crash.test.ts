import type { StoredChange } from '@dist-space/oplog-storage';
import { collect } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { describe, expect, it } from 'vitest';
import { startChild } from './support/child.js';
import { withTempDir } from './support/temp-dir.js';
import { changeBody, random, stateAt } from './support/workload.js';

const ROUNDS = Number(process.env.DIST_SPACE_CRASH_ROUNDS ?? 24);
const SEED = Number(process.env.DIST_SPACE_CRASH_SEED ?? Date.now() % 2 ** 31);

/** What the parent heard from the children: every append and snapshot that resolved. */
interface Acknowledged {
  lastAcked: number;
  acked: Set<number>;
  snapshots: Set<number>;
}

/**
 * Opens the store after a crash and checks it: every acknowledged revision and snapshot is
 * there, the log is contiguous from its first revision, each change is exactly the workload's,
 * each snapshot holds the state of its revision, and snapshot plus tail replays to the state of
 * the last revision.
 */
async function verify(path: string, heard: Acknowledged, round: number): Promise<number> {
  const store = await openLmdbOpLogStore({ path });
  try {
    const where = `round ${round}, seed ${SEED}`;
    if (!(await store.hasWorkspace('ws'))) {
      // Killed before the first child created the workspace.
      expect(heard.lastAcked, where).toBe(0);
      return 0;
    }
    const last = await store.lastRevision('ws');
    const first = await store.firstRevision('ws');
    expect(last, where).toBeGreaterThanOrEqual(heard.lastAcked);
    const log: StoredChange[] = await collect(store.read('ws', first));
    expect(
      log.map((c) => c.rev),
      where,
    ).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    for (const change of log)
      expect(change.change, `${where}, rev ${change.rev}`).toEqual(changeBody(change.rev));
    for (const rev of heard.acked) {
      if (rev >= first) continue;
      // Acknowledged but truncated: a snapshot at or after it must cover it.
      expect((await store.loadSnapshot('ws'))!.rev, where).toBeGreaterThanOrEqual(rev);
    }
    const snapshots = await store.listSnapshots('ws');
    for (const rev of snapshots) {
      expect((await store.loadSnapshot('ws', rev))!.state, `${where}, snapshot ${rev}`).toBe(
        stateAt(rev),
      );
    }
    const newest = await store.loadSnapshot('ws');
    for (const rev of heard.snapshots) {
      if (rev >= first - 1) expect(snapshots, where).toContain(rev);
    }
    if (first > 1) expect(newest?.rev ?? -1, where).toBeGreaterThanOrEqual(first - 1);
    // Snapshot + tail replays to the state of the last revision.
    const base = newest === undefined ? 0 : (newest.state as number);
    const tail = log.filter((c) => c.rev > (newest?.rev ?? 0));
    expect(base + tail.reduce((sum, c) => sum + (c.change as { n: number }).n, 0), where).toBe(
      stateAt(last),
    );
    return last;
  } finally {
    await store.close();
  }
}

describe('crash safety (kill -9 while appending)', () => {
  it(
    `keeps every acknowledged append through ${ROUNDS} kills at random moments`,
    { timeout: 120_000 },
    () =>
      withTempDir(async (path) => {
        const next01 = random(SEED);
        const heard: Acknowledged = { lastAcked: 0, acked: new Set(), snapshots: new Set() };
        let killedDuringStartup = 0;
        for (let round = 0; round < ROUNDS; round++) {
          let ready!: () => void;
          const isReady = new Promise<void>((resolve) => {
            ready = resolve;
          });
          const { child, done } = startChild(
            'append-child.ts',
            [path, `client-${round}`, String(SEED + round)],
            {
              onLine: (line) => {
                const message = JSON.parse(line) as {
                  ready?: number;
                  acked?: [number, number];
                  snapshot?: number;
                };
                if (message.ready !== undefined) ready();
                if (message.acked !== undefined) {
                  for (let rev = message.acked[0]; rev <= message.acked[1]; rev++)
                    heard.acked.add(rev);
                  heard.lastAcked = Math.max(heard.lastAcked, message.acked[1]);
                }
                if (message.snapshot !== undefined) heard.snapshots.add(message.snapshot);
              },
            },
          );
          // Mostly kill while appending; sometimes while the child is still starting or opening.
          if (next01() < 0.8) {
            await Promise.race([isReady, done]);
            await new Promise((resolve) => setTimeout(resolve, 20 + next01() * 400));
          } else {
            killedDuringStartup++;
            await new Promise((resolve) => setTimeout(resolve, next01() * 700));
          }
          child.kill('SIGKILL');
          const outcome = await done;
          expect(outcome.signal, `round ${round} exited on its own: ${outcome.stderr}`).toBe(
            'SIGKILL',
          );
          await verify(path, heard, round);
        }
        // The run exercised what it claims to: many appends, snapshots and truncation.
        expect(heard.lastAcked).toBeGreaterThan(ROUNDS * 10);
        expect(heard.snapshots.size).toBeGreaterThan(0);
        expect(killedDuringStartup).toBeLessThan(ROUNDS);
      }),
  );
});
