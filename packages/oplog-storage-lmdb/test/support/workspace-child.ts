// Appends random workspace changes through a PersistentWorkspace on LMDB until it is killed:
// up to 8 appends in flight, a snapshot every 25 revisions in the background. A line goes to
// stdout (synchronously, to a pipe) after each append resolved.

import { PersistentWorkspace } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';
import { WorkspaceWorkload } from '../../../oplog-storage/test/support/workspace-workload.js';

const [path, clientId, seedText] = process.argv.slice(2) as [string, string, string];
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const store = await openLmdbOpLogStore({ path, create: true });
try {
  await store.createWorkspace('ws');
} catch (e) {
  if (!isDistSpaceError(e, 'WORKSPACE_EXISTS')) throw e;
}
const options = {
  snapshotEveryRevisions: 25,
  onBackgroundError: (e: unknown) => say({ snapshotError: String(e) }),
};
const pw = await PersistentWorkspace.load(store, 'ws', options);
say({ ready: pw.revision });
const workload = new WorkspaceWorkload(clientId, Number(seedText));
const inFlight = new Set<Promise<unknown>>();
for (;;) {
  const append = pw
    .append([workload.next(pw.workspace)])
    .then(([entry]) => say({ acked: entry!.rev }));
  inFlight.add(append);
  void append.finally(() => inFlight.delete(append));
  if (inFlight.size >= 8) await Promise.race(inFlight);
  // Let timers (the background snapshot) run now and then.
  if (pw.revision % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
}
