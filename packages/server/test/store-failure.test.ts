import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { describe, expect, it } from 'vitest';
import { build, serversStoppedAfterEach, TestClient } from './support/harness.js';

// A store that throws: on a commit, and on opening a workspace.

const server = serversStoppedAfterEach();

describe('a failed commit', () => {
  it('tells every session of the workspace STORE_FAILED, applies nothing, and serves the store again on the next Open', async () => {
    const store = new MemoryOpLogStore();
    const append = store.append.bind(store);
    let failNext = false;
    store.append = async (workspace, changes) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return append(workspace, changes);
    };
    const s = await server({ store });
    const a = await TestClient.session(s, 'alice');
    const b = await TestClient.session(s, 'bob');
    const { state } = await a.open('w');
    const kept = build(state, a.clientId, (x) => void x.createFile('kept', 'k'), 1);
    expect(await a.submit('w', 0, kept)).toMatchObject({ type: 'Ack', revision: 1 });
    const opened = await b.open('w', false);

    failNext = true;
    const lost = build(opened.state, a.clientId, (x) => void x.createFile('lost', 'l'), 10);
    const reply = await a.submit('w', 1, lost);
    expect(reply).toMatchObject({ type: 'Reject', error: { code: 'STORE_FAILED' } });
    expect((await a.next('Error')).error.code).toBe('STORE_FAILED');
    expect((await b.next('Error')).error.code).toBe('STORE_FAILED');
    expect(b.drain(['Broadcast'])).toEqual([]);
    // The operator hears of it at error level, with the workspace and the code.
    expect(s.ring.tail(s.ring.capacity).filter((r) => r.level === 50)).toContainEqual(
      expect.objectContaining({ workspace: 'w', code: 'STORE_FAILED' }),
    );
    // Dropped from the workspace: a Submit without opening it again is refused.
    expect(await b.submit('w', 1, [])).toMatchObject({
      type: 'Reject',
      error: { code: 'NOT_OPEN' },
    });

    const again = await a.open('w', false);
    expect(again.revision).toBe(1);
    expect(again.state.read('kept')).toEqual({ ok: true, value: 'k' });
    expect(again.state.resolve('lost').ok).toBe(false);
    expect(await a.submit('w', 1, lost)).toMatchObject({ type: 'Ack', revision: 2 });
  });
});

describe('a store that cannot open a workspace', () => {
  it('answers that Open with STORE_FAILED, logs it at error, and keeps serving the session and other workspaces', async () => {
    const store = new MemoryOpLogStore();
    const hasWorkspace = store.hasWorkspace.bind(store);
    let broken = true;
    store.hasWorkspace = async (workspace) => {
      if (workspace === 'broken' && broken) throw new Error('read error on the disk');
      return hasWorkspace(workspace);
    };
    const s = await server({ store });
    const a = await TestClient.session(s, 'alice');
    a.send({ type: 'Open', requestId: 1, workspace: 'broken', create: true });
    const refused = await a.next('Error');
    expect(refused).toMatchObject({ requestId: 1, error: { code: 'STORE_FAILED' } });
    expect(refused.error.message).toContain('read error on the disk');
    expect(s.ring.tail(s.ring.capacity).filter((r) => r.level === 50)).toContainEqual(
      expect.objectContaining({ workspace: 'broken', code: 'STORE_FAILED' }),
    );
    expect((await a.open('w')).revision).toBe(0);
    // Nothing of the failure stays behind: once the store reads again, the workspace opens.
    broken = false;
    expect((await a.open('broken')).revision).toBe(0);
  });
});
