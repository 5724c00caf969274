// Cold start of a big workspace with and without snapshots, a read of 10,000 revisions, and
// the workspace rebuilt at an old revision, on the cached corpus (see corpus.ts).
import { type OpLogStore, PersistentWorkspace } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import type { Workspace } from '@dist-space/vfs-workspace';
import { median, type Row, type SuiteOptions } from '../harness.js';
import { type CorpusSpec, corpus, expectedTexts } from './corpus.js';
import { withTempDir } from './temp.js';

/** The store as a server that never took a snapshot would see it. */
function withoutSnapshots(store: OpLogStore): OpLogStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'loadSnapshot') return async () => undefined;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function matches(ws: Workspace, texts: Map<string, string>): boolean {
  for (const [name, text] of texts) {
    const read = ws.read(name);
    if (!read.ok || read.value !== text) return false;
  }
  return ws.size === texts.size;
}

async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { ms: performance.now() - start, value };
}

/** Opens the store and loads the workspace; the time includes both. */
async function coldStart(path: string, snapshots: boolean): Promise<{ ms: number; ws: Workspace }> {
  const { ms, value } = await timed(async () => {
    const store = await openLmdbOpLogStore({ path });
    const pw = await PersistentWorkspace.load(snapshots ? store : withoutSnapshots(store), 'bench');
    await store.close();
    return pw.workspace;
  });
  return { ms, ws: value };
}

async function rowsFor(spec: CorpusSpec, options: SuiteOptions, where?: string): Promise<Row[]> {
  const { path, lastRevision } = await corpus(spec, where);
  const runs = options.smoke ? 1 : options.runs;
  const label = `${spec.files} files, ${spec.changes.toLocaleString('en-US')} changes`;
  const finalTexts = expectedTexts(spec);

  const withSnapshots: number[] = [];
  let verified = true;
  for (let run = 0; run < runs; run++) {
    const fast = await coldStart(path, true);
    withSnapshots.push(fast.ms);
    verified &&= matches(fast.ws, finalTexts);
  }
  // Replaying every change of the big corpus takes long: one run.
  const slow = await coldStart(path, false);
  verified &&= matches(slow.ws, finalTexts);
  const rows: Row[] = [
    {
      name: `cold start, ${label}`,
      ours: median(withSnapshots),
      peers: { 'snapshots disabled': slow.ms },
      verified,
      notes: `open + load; a snapshot every ${spec.snapshotEvery.toLocaleString('en-US')} revisions; without snapshots: 1 run`,
    },
  ];

  const store = await openLmdbOpLogStore({ path });
  const span = Math.min(10_000, Math.floor(lastRevision / 2));
  const from = Math.floor(lastRevision / 2);
  const reads: number[] = [];
  let readOk = true;
  // One untimed run first (outside a smoke run): the first pass compiles the decoding path.
  for (let run = options.smoke ? 0 : -1; run < Math.max(runs, 3); run++) {
    const { ms, value } = await timed(async () => {
      const revs: number[] = [];
      for await (const change of store.read('bench', from, from + span - 1)) revs.push(change.rev);
      return revs;
    });
    if (run >= 0) reads.push(ms);
    readOk &&= value.length === span && value.every((rev, i) => rev === from + i);
  }
  rows.push({
    name: `read ${span.toLocaleString('en-US')} revisions, ${label}`,
    ours: median(reads),
    peers: {},
    verified: readOk,
  });

  const pw = await PersistentWorkspace.load(store, 'bench');
  const old = Math.floor(lastRevision * 0.45);
  const oldTexts = expectedTexts(spec, old - 1);
  const history: number[] = [];
  let historyOk = true;
  for (let run = options.smoke ? 0 : -1; run < Math.max(runs, 3); run++) {
    const { ms, value } = await timed(() => pw.stateAt(old));
    if (run >= 0) history.push(ms);
    historyOk &&= matches(value, oldTexts);
  }
  rows.push({
    name: `workspace at revision ${old.toLocaleString('en-US')}, ${label}`,
    ours: median(history),
    peers: {},
    verified: historyOk,
    notes: 'newest snapshot at or before it + the changes after it replayed',
  });
  await store.close();
  return rows;
}

/**
 * The cold-start, range-read and history rows: on 1,000 files and 1,000,000 changes (built once
 * and cached), or a tiny corpus in a smoke run.
 */
export async function coldStartRows(options: SuiteOptions): Promise<Row[]> {
  if (options.smoke) {
    const spec = { files: 20, changes: 2_000, snapshotEvery: 500, traces: options.traces };
    return withTempDir((dir) => rowsFor(spec, options, dir));
  }
  const spec = { files: 1_000, changes: 1_000_000, snapshotEvery: 100_000, traces: options.traces };
  return rowsFor(spec, options);
}
