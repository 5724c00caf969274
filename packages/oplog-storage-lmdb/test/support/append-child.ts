// Appends the crash workload to workspace "ws" until it is killed: up to 16 appends in flight
// (as a sequencer pipelines them), snapshots every 50 revisions, truncation behind them. Every
// line on stdout is written (synchronously, to a pipe) only after the promise it reports has
// resolved.

import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';
import { changeAt, random, stateAt } from './workload.js';

const [path, clientId, seedText] = process.argv.slice(2) as [string, string, string];
const next01 = random(Number(seedText));
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const store = await openLmdbOpLogStore({ path, create: true });
try {
  await store.createWorkspace('ws');
} catch (e) {
  if (!isDistSpaceError(e, 'WORKSPACE_EXISTS')) throw e;
}
let next = (await store.lastRevision('ws')) + 1;
say({ ready: next - 1 });

const inFlight = new Set<Promise<void>>();
const snapshot = async (rev: number) => {
  await store.saveSnapshot('ws', { rev, time: rev, state: stateAt(rev) });
  say({ snapshot: rev });
  if (rev > 100) {
    await store.truncate('ws', rev - 20);
    say({ truncated: rev - 20 });
  }
};
for (;;) {
  const from = next;
  const count = 1 + Math.floor(next01() * 3);
  next += count;
  const batch = Array.from({ length: count }, (_, i) => changeAt(from + i, clientId));
  const append = store.append('ws', batch).then(() => {
    say({ acked: [from, from + count - 1] });
    const snapshotAt = Math.floor((from + count - 1) / 50) * 50;
    if (snapshotAt >= from && snapshotAt > 0) void snapshot(snapshotAt);
  });
  inFlight.add(append);
  void append.finally(() => inFlight.delete(append));
  if (inFlight.size >= 16) await Promise.race(inFlight);
}
