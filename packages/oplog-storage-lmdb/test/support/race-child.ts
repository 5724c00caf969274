// One of two processes appending to the same workspace of the same directory at once: for
// `durationMs` it appends one change at a time at lastRevision + 1, retrying on REVISION_EXISTS,
// and prints a line per acknowledged revision and a summary.

import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';

const [path, clientId, durationText] = process.argv.slice(2) as [string, string, string];
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const store = await openLmdbOpLogStore({ path });
const stopAt = Date.now() + Number(durationText);
let seq = 0;
let lost = 0;
while (Date.now() < stopAt) {
  const rev = (await store.lastRevision('ws')) + 1;
  try {
    await store.append('ws', [
      { rev, clientId, seq, author: clientId, time: Date.now(), change: { by: clientId, rev } },
    ]);
    say({ acked: rev });
    seq++;
  } catch (e) {
    if (!isDistSpaceError(e, 'REVISION_EXISTS')) throw e;
    lost++;
  }
}
say({ done: seq, lost });
await store.close();
