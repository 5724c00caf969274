import {
  MemoryOpLogStore,
  type OpLogStore,
  PersistentWorkspace,
  type PersistentWorkspaceOptions,
} from '@dist-space/oplog-storage';
import { expectCode } from '@dist-space/oplog-storage/testing';
import { isDistSpaceError } from '@dist-space/ot-core';
import { applyWorkspaceChange, Workspace, workspaceToWire } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { WorkspaceWorkload } from './support/workspace-workload.js';

/** Appends `count` workload changes one by one, returning the wire state after each revision. */
async function drive(pw: PersistentWorkspace, count: number, seed = 1): Promise<unknown[]> {
  const workload = new WorkspaceWorkload('alice', seed);
  const states: unknown[] = [workspaceToWire(pw.workspace)];
  for (let i = 0; i < count; i++) {
    await pw.append([workload.next(pw.workspace)]);
    states.push(workspaceToWire(pw.workspace));
    // Let timers run now and then, as a server between messages does.
    if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return states;
}

/** The state a replay of the whole log from revision 1 reaches. */
async function fullReplay(store: OpLogStore, name: string): Promise<Workspace> {
  const loaded = await PersistentWorkspace.load(new SnapshotBlind(store), name);
  return loaded.workspace;
}

/** A view of a store without its snapshots, to replay a log from the start. */
class SnapshotBlind extends MemoryOpLogStore {
  constructor(private readonly inner: OpLogStore) {
    super();
  }
  override loadSnapshot = async () => undefined;
  override read = (ws: string, from: number, to?: number) => this.inner.read(ws, from, to);
}

const counting = (store: OpLogStore) => {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'read') {
        return (...args: Parameters<OpLogStore['read']>) => {
          reads++;
          return target.read(...args);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
};

describe('PersistentWorkspace', () => {
  it('appends, loads again to the same state, and starts at revision 0', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws');
    expect(pw.revision).toBe(0);
    const states = await drive(pw, 60);
    expect(pw.revision).toBe(60);
    expect(pw.durableRevision).toBe(60);
    await pw.close();
    const again = await PersistentWorkspace.load(store, 'ws');
    expect(again.revision).toBe(60);
    expect(workspaceToWire(again.workspace)).toEqual(states[60]);
  });

  it('snapshots every N revisions in the background; snapshot + tail equals a full replay', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws', { snapshotEveryRevisions: 10 });
    const states = await drive(pw, 95);
    await pw.settled();
    const snapshots = await store.listSnapshots('ws');
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    for (const rev of snapshots)
      expect((await store.loadSnapshot('ws', rev))!.state).toEqual(states[rev]);
    const loaded = await PersistentWorkspace.load(store, 'ws');
    expect(loaded.snapshotRevision).toBe(snapshots.at(-1));
    expect(workspaceToWire(loaded.workspace)).toEqual(
      workspaceToWire(await fullReplay(store, 'ws')),
    );
    expect(workspaceToWire(loaded.workspace)).toEqual(states[95]);
  });

  it('snapshots by accumulated change size too', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws', {
      snapshotEveryRevisions: Number.POSITIVE_INFINITY,
      snapshotEveryBytes: 2_000,
    });
    await drive(pw, 100);
    await pw.settled();
    expect((await store.listSnapshots('ws')).length).toBeGreaterThan(0);
    const none = await PersistentWorkspace.create(store, 'none', {
      snapshotEveryRevisions: Number.POSITIVE_INFINITY,
      snapshotEveryBytes: Number.POSITIVE_INFINITY,
    });
    await drive(none, 100);
    await none.settled();
    expect(await store.listSnapshots('none')).toEqual([]);
  });

  it('does not make appends wait for a snapshot', async () => {
    const store = new MemoryOpLogStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = new Proxy(store, {
      get(target, key) {
        if (key === 'saveSnapshot')
          return async (...args: Parameters<OpLogStore['saveSnapshot']>) => {
            await gate;
            return target.saveSnapshot(...args);
          };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const pw = await PersistentWorkspace.create(slow, 'ws', { snapshotEveryRevisions: 5 });
    await drive(pw, 40); // would hang here if appends waited for the held snapshot
    expect(pw.durableRevision).toBe(40);
    release();
    await pw.settled();
    expect(await store.listSnapshots('ws')).toEqual([5]);
  });

  it('truncates the log behind snapshots, keeping the configured retention', async () => {
    const store = new MemoryOpLogStore();
    const options: PersistentWorkspaceOptions = {
      snapshotEveryRevisions: 10,
      retainRevisions: 15,
      recentWindow: 5,
    };
    const pw = await PersistentWorkspace.create(store, 'ws', options);
    const states = await drive(pw, 100);
    await pw.settled();
    const first = await store.firstRevision('ws');
    const snapshots = await store.listSnapshots('ws');
    expect(first).toBeGreaterThan(1);
    expect(first).toBe(snapshots.filter((rev) => rev <= 100 - 15).at(-1)! + 1);
    expect(snapshots[0]).toBe(first - 1);
    // History reaches back as far as the log and snapshots do (the window holds only the last
    // five changes), and no further.
    expect(workspaceToWire(await pw.stateAt(first - 1))).toEqual(states[first - 1]);
    await expectCode(pw.stateAt(first - 2), 'REVISION_TRUNCATED');
    const reloaded = await PersistentWorkspace.load(store, 'ws', options);
    expect(workspaceToWire(reloaded.workspace)).toEqual(states[100]);
  });

  it('answers history: the workspace and a file at a revision, and the changes between two with their authors', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws', {
      snapshotEveryRevisions: 7,
      recentWindow: 10,
    });
    const states = await drive(pw, 50);
    await pw.settled();
    for (const rev of [0, 1, 6, 7, 8, 23, 49, 50]) {
      expect(workspaceToWire(await pw.stateAt(rev)), `rev ${rev}`).toEqual(states[rev]);
    }
    const at30 = await pw.stateAt(30);
    const file = [...at30.walk()].find((node) => node.kind === 'file')!;
    const path = at30.pathOf(file.id)!;
    expect(await pw.fileAt(30, path)).toBe(at30.text(file.id)!.toString());
    await expectCode(pw.fileAt(30, 'no/such/file.txt'), 'NOT_FOUND');
    const between = await pw.changesBetween(10, 20);
    expect(between.map((e) => e.rev)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(between.every((e) => e.author === 'alice-author' && e.clientId === 'alice')).toBe(true);
    let replayed = (await pw.stateAt(10)) as Workspace;
    for (const entry of between) {
      const applied = applyWorkspaceChange(replayed, entry.change);
      expect(applied.ok).toBe(true);
      if (applied.ok) replayed = applied.value;
    }
    expect(workspaceToWire(replayed)).toEqual(states[20]);
    await expectCode(pw.stateAt(51), 'REVISION_NOT_FOUND');
    await expectCode(pw.changesBetween(0, 51), 'REVISION_NOT_FOUND');
  });

  it('serves recent changes from memory and older ones from the store', async () => {
    const { store, reads } = counting(new MemoryOpLogStore());
    const pw = await PersistentWorkspace.create(store, 'ws', { recentWindow: 20 });
    await drive(pw, 50);
    const before = reads();
    expect((await pw.changesBetween(35, 50)).length).toBe(15);
    expect(reads()).toBe(before);
    expect((await pw.changesBetween(5, 50)).length).toBe(45);
    expect(reads()).toBe(before + 1);
  });

  it('refuses a change that does not apply, and changes nothing', async () => {
    const pw = await PersistentWorkspace.create(new MemoryOpLogStore(), 'ws');
    await drive(pw, 5);
    const error = await expectCode(
      pw.append([
        {
          change: [
            {
              type: 'delete',
              id: 'nobody:1',
              parent: 'root',
              name: 'x',
              ancestors: [],
              removed: { kind: 'file', id: 'nobody:1', name: 'x', content: '' },
            },
          ],
          clientId: 'c',
          seq: 0,
          author: 'a',
        },
      ]),
      'NOT_FOUND',
    );
    expect(error.details).toMatchObject({ change: 0 });
    expect(pw.revision).toBe(5);
    expect(pw.durableRevision).toBe(5);
  });

  it('stops after the store fails an append: its state is ahead of the log', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws');
    await drive(pw, 3);
    await store.close();
    const workload = new WorkspaceWorkload('bob', 2);
    await expectCode(pw.append([workload.next(pw.workspace)]), 'STORE_CLOSED');
    const again = await pw.append([workload.next(pw.workspace)]).catch((e: unknown) => e);
    expect(isDistSpaceError(again, 'STORE_CLOSED')).toBe(true);
    // appendApplied refuses alike, before it takes the state handed in.
    const before = { state: pw.workspace, revision: pw.revision };
    const next = workload.next(pw.workspace);
    const applied = applyWorkspaceChange(pw.workspace, next.change);
    if (!applied.ok) throw applied.error;
    await expectCode(pw.appendApplied([next], applied.value), 'STORE_CLOSED');
    expect(pw.revision).toBe(before.revision);
    expect(pw.workspace).toBe(before.state);
    await expectCode(pw.stateAt(1), 'STORE_CLOSED');
  });

  it('commits overlapping appends in order', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws');
    const workload = new WorkspaceWorkload('carol', 3);
    const pending = Array.from({ length: 30 }, () => pw.append([workload.next(pw.workspace)]));
    const entries = (await Promise.all(pending)).flat();
    expect(entries.map((e) => e.rev)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(workspaceToWire((await PersistentWorkspace.load(store, 'ws')).workspace)).toEqual(
      workspaceToWire(pw.workspace),
    );
  });

  it('takes the state a caller already applied, and logs what a replay reaches again', async () => {
    const store = new MemoryOpLogStore();
    const pw = await PersistentWorkspace.create(store, 'ws', { snapshotEveryRevisions: 7 });
    const workload = new WorkspaceWorkload('dave', 4);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const next = workload.next(pw.workspace);
      const applied = applyWorkspaceChange(pw.workspace, next.change);
      if (!applied.ok) throw applied.error;
      pending.push(pw.appendApplied([next], applied.value));
      // The very state handed in is the one served: nothing was applied a second time.
      expect(pw.workspace).toBe(applied.value);
    }
    await Promise.all(pending);
    await pw.settled();
    expect(pw.durableRevision).toBe(40);
    expect(workspaceToWire(await fullReplay(store, 'ws'))).toEqual(workspaceToWire(pw.workspace));
    expect(workspaceToWire((await PersistentWorkspace.load(store, 'ws')).workspace)).toEqual(
      workspaceToWire(pw.workspace),
    );
  });

  it('reports a snapshot that is not a workspace as corrupt on load', async () => {
    const store = new MemoryOpLogStore();
    await store.createWorkspace('ws');
    await store.saveSnapshot('ws', { rev: 0, time: 0, state: { format: 99 } });
    const error = await expectCode(PersistentWorkspace.load(store, 'ws'), 'STORE_CORRUPT');
    expect(error.details).toMatchObject({ workspace: 'ws', rev: 0, record: 'snapshot' });
  });

  it('starts from an empty workspace', () => {
    expect(workspaceToWire(Workspace.empty)).toEqual({ format: 1, nodes: [] });
  });
});
