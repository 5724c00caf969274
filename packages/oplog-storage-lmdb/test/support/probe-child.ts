// Opens a (possibly damaged) copy of the corpus store and reads all of it, comparing every
// answer with what the corpus holds. Prints one JSON line: {outcome: "sound"} when everything
// matched, {outcome: "refused", code} when the store reported an error, {outcome: "wrong",
// detail} when it returned something else than the corpus holds.

import { collect } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';
import { CORPUS, CORPUS_REVISIONS, CORPUS_SNAPSHOTS } from './corpus.js';
import { changeAt, stateAt } from './workload.js';

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function probe(): Promise<string | undefined> {
  const store = await openLmdbOpLogStore({ path: process.argv[2]! });
  const names = await store.listWorkspaces();
  if (
    !same(
      names,
      CORPUS.map((w) => w.name),
    )
  )
    return `workspaces ${JSON.stringify(names)}`;
  for (const { name, first } of CORPUS) {
    const client = `${name}-client`;
    if ((await store.lastRevision(name)) !== CORPUS_REVISIONS) return `${name}: last revision`;
    if ((await store.firstRevision(name)) !== first) return `${name}: first revision`;
    const log = await collect(store.read(name, first));
    const expected = Array.from({ length: CORPUS_REVISIONS - first + 1 }, (_, i) =>
      changeAt(first + i, client),
    );
    if (!same(log, expected)) return `${name}: log`;
    if (!same(await store.listSnapshots(name), CORPUS_SNAPSHOTS)) return `${name}: snapshot list`;
    for (const rev of CORPUS_SNAPSHOTS) {
      if (!same(await store.loadSnapshot(name, rev), { rev, time: rev, state: stateAt(rev) })) {
        return `${name}: snapshot ${rev}`;
      }
    }
    for (let rev = first; rev <= CORPUS_REVISIONS; rev++) {
      if (!same(await store.findBySeq(name, client, rev), changeAt(rev, client)))
        return `${name}: seq ${rev}`;
    }
    if ((await store.highestSeq(name, client)) !== CORPUS_REVISIONS) return `${name}: highest seq`;
  }
  await store.close();
  return undefined;
}

try {
  const wrong = await probe();
  say(wrong === undefined ? { outcome: 'sound' } : { outcome: 'wrong', detail: wrong });
} catch (e) {
  say(
    isDistSpaceError(e)
      ? { outcome: 'refused', code: e.code, message: e.message }
      : { outcome: 'threw', message: String(e) },
  );
}
