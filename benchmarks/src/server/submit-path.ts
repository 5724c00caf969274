// The cost of the server's submit path in one process, without sockets: a WorkspaceSequencer
// per workspace on the server's persistent log, the session's rights check, and LMDB (or the
// memory store) behind it; one typist per workspace keeps one keystroke in flight, as the
// server suite's clients do. It resolves changes to the submit path that the socket benchmark
// cannot on a busy machine. Not part of the suite:
//
//   npx tsx --conditions=@dist-space/source benchmarks/src/server/submit-path.ts [workspaces] [seconds] [lmdb|memory]
//
// Prints changes/s and the process's CPU (every thread: LMDB's write thread and the kernel's
// sync work included) per change.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryOpLogStore, type OpLogStore } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { insert } from '@dist-space/ot-core';
import { Capabilities } from '@dist-space/permissions';
import { type SubmitRequest, storeStorage, WorkspaceSequencer } from '@dist-space/server';
import { ROOT_ID, touchedPathsOfApplied, type WorkspaceChange } from '@dist-space/vfs-workspace';

const workspaces = Number(process.argv[2] ?? 64);
const seconds = Number(process.argv[3] ?? 4);
const kind = process.argv[4] ?? 'lmdb';
const FILE_ID = 'F:1';

const caps = Capabilities.parse(['read:**', 'write:**', 'create:**', 'delete:**']);
if (!caps.ok) throw caps.error;
const capabilities = caps.value;
// What the server's session does for a submit (session-submits.ts, `authorize`).
const authorize: SubmitRequest['authorize'] = (state, change) => {
  const touched = touchedPathsOfApplied(state, change);
  if (!touched.ok) return touched;
  return capabilities.checkAll(touched.value.map((t) => ({ verb: t.access, path: t.path })));
};

const dir = mkdtempSync(join(tmpdir(), 'dist-space-submit-path-'));
const store: OpLogStore =
  kind === 'memory'
    ? new MemoryOpLogStore()
    : await openLmdbOpLogStore({ path: dir, create: true });
const storage = storeStorage(store);

async function openWorkspace(name: string): Promise<WorkspaceSequencer> {
  await storage.create(name);
  const sequencer = new WorkspaceSequencer(await storage.openLog(name), {
    workspace: name,
    apply: { maxNodes: 10_000, maxFileSize: 2 ** 20 },
    maxChangeOps: 10_000,
    recentWindow: 1000,
    onCommit: () => undefined,
    onFailure: (e) => {
      throw e;
    },
  });
  const create: WorkspaceChange = [
    {
      type: 'createFile',
      id: FILE_ID,
      parent: ROOT_ID,
      name: 'a.ts',
      ancestors: [],
      content: 'x'.repeat(18_000),
    },
  ];
  const created = await sequencer.submit({
    clientId: 'setup',
    seq: 1,
    author: 'bench',
    baseRevision: 0,
    change: create,
    authorize,
  });
  if (!created.ok) throw created.error;
  return sequencer;
}

const sequencers: WorkspaceSequencer[] = [];
for (let w = 0; w < workspaces; w++) sequencers.push(await openWorkspace(`ws${w}`));

let stopped = false;
let counting = false;
let acked = 0;
async function type(sequencer: WorkspaceSequencer, clientId: string): Promise<void> {
  let seq = 0;
  let at = 9000;
  while (!stopped) {
    const outcome = await sequencer.submit({
      clientId,
      seq: ++seq,
      author: 'bench',
      baseRevision: sequencer.revision,
      change: [{ type: 'edit', id: FILE_ID, change: [insert(at++, 'k')] }],
      authorize,
    });
    if (!outcome.ok) throw outcome.error;
    if (counting) acked++;
    // A server reads sockets between changes; with the memory store nothing else would yield.
    if (seq % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

const typists = sequencers.map((sequencer, w) => type(sequencer, `c${w}`));
await new Promise((resolve) => setTimeout(resolve, 1000));
counting = true;
const cpuBefore = process.cpuUsage();
const start = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const cpu = process.cpuUsage(cpuBefore);
const elapsed = (performance.now() - start) / 1000;
counting = false;
const changes = acked;
stopped = true;
await Promise.all(typists);
await Promise.all(sequencers.map((sequencer) => sequencer.close()));
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    store: kind,
    workspaces,
    changesPerSecond: Math.round(changes / elapsed),
    cpuMicrosecondsPerChange: Math.round((cpu.user + cpu.system) / changes),
  })}\n`,
);
