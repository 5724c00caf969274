import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { describe, expect, it } from 'vitest';
import { build, startTestServer, TestClient } from './support/harness.js';

// A graceful stop with a commit in progress.

describe('shutdown', () => {
  it('takes no new session or submit, lets a commit in progress finish and acknowledges it before saying goodbye', async () => {
    const store = new MemoryOpLogStore();
    // A slow disk: every commit takes 150 ms, so the change is mid-commit when shutdown starts.
    const append = store.append.bind(store);
    store.append = async (ws, changes) => {
      await new Promise((r) => setTimeout(r, 150));
      return append(ws, changes);
    };
    const s = await startTestServer({ store });
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    a.send({
      type: 'Submit',
      workspace: 'w',
      baseRevision: 0,
      clientId: a.clientId,
      seq: 1,
      change: build(state, a.clientId, (b) => void b.createFile('x', 'y')),
    });
    await new Promise((r) => setTimeout(r, 50));
    const stopping = s.stop(false);
    // While the commit is under way the server takes nothing new: no Submit, no session.
    a.send({
      type: 'Submit',
      workspace: 'w',
      baseRevision: 0,
      clientId: a.clientId,
      seq: 2,
      change: build(state, a.clientId, (b) => void b.createFile('late', ''), 10),
    });
    const late = await TestClient.connect(s);
    late.send({ type: 'Hello', version: [1, 0], positionEncoding: 'utf-16', clientId: 'late' });
    expect(await late.closed()).toBe('SHUTTING_DOWN');
    expect(await a.next('Reject')).toMatchObject({ seq: 2, error: { code: 'SHUTTING_DOWN' } });
    expect(await a.next('Ack')).toMatchObject({ seq: 1, revision: 1 });
    expect((await a.next('Goodbye')).error.code).toBe('SHUTTING_DOWN');
    await stopping;
    expect(await a.closed()).toBe('SHUTTING_DOWN');
    expect(await store.lastRevision('w')).toBe(1);
    await store.close();
  });
});
