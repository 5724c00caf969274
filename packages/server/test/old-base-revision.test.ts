import { insert } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';
import { build, edit, serversStoppedAfterEach, TestClient } from './support/harness.js';

// Changes and catch-ups based on a revision the server no longer keeps in memory, or no longer
// keeps at all.

const server = serversStoppedAfterEach();

describe('a base older than the changes kept in memory', () => {
  it('is transformed against the changes since, read from the store', async () => {
    const s = await server({ limits: { recentWindow: 2 } });
    const alice = await TestClient.session(s, 'alice');
    const { state } = await alice.open('w');
    const made = build(state, alice.clientId, (b) => void b.createFile('f.txt', 'abc'));
    expect(await alice.submit('w', 0, made)).toMatchObject({ type: 'Ack', revision: 1 });
    const bob = await TestClient.session(s, 'bob');
    const old = await bob.open('w', false);
    for (let revision = 1; revision < 6; revision++) {
      const typed = edit(old.state, 'f.txt', [insert(0, `${revision}`)]);
      expect(await alice.submit('w', revision, typed)).toMatchObject({ revision: revision + 1 });
    }
    // Bob's append at the end of 'abc', based on revision 1: five revisions behind a window of 2.
    const appended = edit(old.state, 'f.txt', [insert(3, '!')]);
    expect(await bob.submit('w', 1, appended)).toMatchObject({ type: 'Ack', revision: 7 });
    expect((await alice.open('w', false)).state.read('f.txt')).toEqual({
      ok: true,
      value: '54321abc!',
    });
  });
});

describe('rebase', () => {
  it('asks a client whose base is older than the retained log to rebase, and takes the rebased change', async () => {
    const s = await server({
      persistence: { snapshotEveryRevisions: 5, retainRevisions: 5, recentWindow: 5 },
      limits: { recentWindow: 5 },
    });
    const a = await TestClient.session(s, 'alice');
    let { state, revision } = await a.open('w');
    let next = 1;
    const created = build(state, a.clientId, (b) => void b.createFile('f.txt', ''), next++);
    revision = ((await a.submit('w', revision, created)) as { revision: number }).revision;
    const stale = await TestClient.session(s, 'bob');
    const old = await stale.open('w', false);
    for (let i = 0; i < 30; i++) {
      ({ state } = await a.open('w', false));
      const ack = await a.submit(
        'w',
        revision,
        build(state, a.clientId, (b) => void b.edit('f.txt', [insert(0, 'a')]), next++),
      );
      revision = (ack as { revision: number }).revision;
    }
    await new Promise((r) => setTimeout(r, 50)); // the background snapshot and truncation
    const pending = build(old.state, 'bob', (b) => void b.edit('f.txt', [insert(0, 'B')]));
    const reply = await stale.submit('w', old.revision, pending);
    expect(reply.type).toBe('Reject');
    if (reply.type === 'Reject') {
      expect(reply.error.code).toBe('REBASE_REQUIRED');
      // The oldest revision a Catchup can start from: the one before the oldest change kept.
      const oldestRevision = (await s.store.firstRevision('w')) - 1;
      expect(oldestRevision).toBeGreaterThan(old.revision);
      expect(reply.error.details).toMatchObject({
        workspace: 'w',
        baseRevision: old.revision,
        oldestRevision,
      });
      stale.send({ type: 'Catchup', requestId: 7, workspace: 'w', sinceRevision: old.revision });
      expect((await stale.next(['Error', 'Changes'])) as unknown).toMatchObject({
        requestId: 7,
        error: {
          code: 'REBASE_REQUIRED',
          details: { sinceRevision: old.revision, oldestRevision },
        },
      });
      stale.send({ type: 'Catchup', requestId: 8, workspace: 'w', sinceRevision: oldestRevision });
      expect(await stale.next(['Error', 'Changes'])).toMatchObject({
        type: 'Changes',
        requestId: 8,
        fromRevision: oldestRevision,
      });
    }
    const fresh = await stale.open('w', false);
    const rebased = build(fresh.state, 'bob', (b) => void b.edit('f.txt', [insert(0, 'B')]), 100);
    expect((await stale.submit('w', fresh.revision, rebased)).type).toBe('Ack');
    const final = await a.open('w', false);
    expect(final.state.read('f.txt')).toEqual({ ok: true, value: `B${'a'.repeat(30)}` });
  });
});
