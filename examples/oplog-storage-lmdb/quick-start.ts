import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';

const dir = await mkdtemp(join(tmpdir(), 'dist-space-example-'));
const path = join(dir, 'data');

// A missing directory is an error unless you ask for a new store.
const missing = await openLmdbOpLogStore({ path }).catch((e: unknown) => e);
console.log(isDistSpaceError(missing) && missing.code); // DATA_DIR_MISSING
const store = await openLmdbOpLogStore({ path, create: true });

await store.createWorkspace('docs');
const change = (rev: number, clientId: string) => ({
  rev,
  clientId,
  seq: rev,
  author: clientId,
  time: Date.now(),
  change: { note: `change ${rev}` }, // any plain data: the server's wire form of a change
});

// Appends resolve once the data is on disk. Appends started together share one commit.
await Promise.all([store.append('docs', [change(1, 'a')]), store.append('docs', [change(2, 'a')])]);
console.log(await store.lastRevision('docs')); // 2

// Revision 3 can be taken once: the second writer is told to catch up and retry.
const race = await Promise.allSettled([
  store.append('docs', [change(3, 'a')]),
  store.append('docs', [change(3, 'b')]),
]);
console.log(race.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason.code)).join(' ')); // ok REVISION_EXISTS

await store.saveSnapshot('docs', { rev: 3, time: Date.now(), state: { notes: 3 } });
await store.close();

// Everything is still there after reopening.
const reopened = await openLmdbOpLogStore({ path });
const tail: string[] = [];
for await (const c of reopened.read('docs', 2)) tail.push(`${c.rev} by ${c.clientId}`);
console.log(tail.join(', ')); // 2 by a, 3 by a
console.log((await reopened.loadSnapshot('docs'))?.rev); // 3
await reopened.close();
await rm(dir, { recursive: true, force: true });
