// The store the corruption tests damage: three workspaces of 300 workload changes each, with
// snapshots at 100, 200 and 300, the first truncated below 101. What a sound store holds is
// known exactly, so any answer that differs from it is wrong data.
import type { OpLogStore } from '@dist-space/oplog-storage';
import { changeAt, stateAt } from './workload.js';

/** The workspaces of the corpus, with the first revision each keeps. */
export const CORPUS = [
  { name: 'w0', first: 101 },
  { name: 'w1', first: 1 },
  { name: 'w2', first: 1 },
] as const;
/** Revisions per workspace. */
export const CORPUS_REVISIONS = 300;
/** Snapshot revisions per workspace. */
export const CORPUS_SNAPSHOTS = [100, 200, 300] as const;

/** Writes the corpus into an empty store. */
export async function writeCorpus(store: OpLogStore): Promise<void> {
  for (const { name, first } of CORPUS) {
    await store.createWorkspace(name);
    for (let rev = 1; rev <= CORPUS_REVISIONS; rev += 10) {
      await store.append(
        name,
        Array.from({ length: 10 }, (_, i) => changeAt(rev + i, `${name}-client`)),
      );
    }
    for (const rev of CORPUS_SNAPSHOTS)
      await store.saveSnapshot(name, { rev, time: rev, state: stateAt(rev) });
    if (first > 1) await store.truncate(name, first);
  }
}
