import { MemoryOpLogStore, PersistentWorkspace } from '@dist-space/oplog-storage';
import { insert } from '@dist-space/ot-core';
import { ChangeBuilder, createIdGenerator } from '@dist-space/vfs-workspace';

// A store (in memory here; @dist-space/oplog-storage-lmdb keeps it on disk) and a workspace in it.
const store = new MemoryOpLogStore();
const pw = await PersistentWorkspace.create(store, 'demo', { snapshotEveryRevisions: 2 });

// Changes are made with vfs-workspace's ChangeBuilder against the current state.
const ids = createIdGenerator('alice');
const first = new ChangeBuilder(pw.workspace, ids);
first.createFile('notes.md', 'Hello\n');
await pw.append([{ change: first.change, clientId: 'alice', seq: 0, author: 'Alice' }]);

const second = new ChangeBuilder(pw.workspace, ids);
second.edit('notes.md', [insert(5, ', world')]);
await pw.append([{ change: second.change, clientId: 'alice', seq: 1, author: 'Alice' }]);

// append() resolved: both changes are durable in the store.
console.log(pw.durableRevision); // 2
console.log(JSON.stringify(pw.workspace.read('notes.md'))); // {"ok":true,"value":"Hello, world\n"}

// History: a file as it was, and who changed what.
console.log(JSON.stringify(await pw.fileAt(1, 'notes.md'))); // "Hello\n"
const history = await pw.changesBetween(0, 2);
console.log(history.map((e) => `${e.rev} by ${e.author}`).join('; ')); // 1 by Alice; 2 by Alice

// A resubmitted change is recognised by (clientId, seq).
console.log((await store.findBySeq('demo', 'alice', 1))?.rev); // 2

// Loading again: the newest snapshot plus the changes after it.
await pw.settled();
const again = await PersistentWorkspace.load(store, 'demo');
console.log(again.revision, again.snapshotRevision); // 2 2
