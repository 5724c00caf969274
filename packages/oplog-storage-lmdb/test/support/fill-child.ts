// Appends 200 KB changes until the store refuses one, printing a JSON line per outcome.
// Run under `ulimit -f` so the data file hits a size limit; SIGXFSZ is ignored so that the
// write fails with an error instead of killing the process.

import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';

process.on('SIGXFSZ', () => {});
const store = await openLmdbOpLogStore({ path: process.argv[2]!, create: true });
await store.createWorkspace('ws');
const big = 'x'.repeat(200_000);
for (let rev = 1; ; rev++) {
  try {
    await store.append('ws', [{ rev, clientId: 'c', seq: rev, author: 'a', time: 0, change: big }]);
    console.log(JSON.stringify({ acked: rev }));
  } catch (e) {
    console.log(JSON.stringify({ error: isDistSpaceError(e) ? e.code : String(e) }));
    break;
  }
}
// The store stays readable after the refused write.
console.log(JSON.stringify({ last: await store.lastRevision('ws') }));
await store.close();
