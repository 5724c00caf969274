import { insert } from '@dist-space/ot-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, edit, startTestServer, TestClient, type TestServer } from './support/harness.js';

// A client id belongs to the user whose changes first used it: another user who claims it
// (it is visible in every Broadcast and Presence) must not make the owner's changes pass for
// duplicates, which would lose them silently.

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(() => s.stop());

async function victimWithOneChange() {
  const victim = await TestClient.session(s, 'victim', { clientId: 'victim-1' });
  const { state } = await victim.open('w');
  const seed = build(state, 'victim-1', (b) => void b.createFile('a.txt', ''));
  expect(await victim.submit('w', 0, seed, 1)).toMatchObject({ type: 'Ack', revision: 1 });
  return victim;
}

describe('client id ownership', () => {
  it("refuses another user's Submits under a client id, so the owner's later changes apply exactly once", async () => {
    const victim = await victimWithOneChange();
    victim.close();
    await victim.closed();

    // A read-only user who learnt the id claims it while the victim is away, and submits the
    // victim's next seqs (empty changes need no write right) and an old one.
    const mallory = await TestClient.session(s, 'mallory', {
      scopes: ['read:**'],
      clientId: 'victim-1',
    });
    const { revision } = await mallory.open('w', false);
    for (const seq of [1, 2, 3]) {
      const reply = await mallory.submit('w', revision, [], seq);
      expect(reply).toMatchObject({ type: 'Reject', error: { code: 'CLIENT_ID_TAKEN' } });
      if (reply.type === 'Reject')
        expect(reply.error.details).toMatchObject({ clientId: 'victim-1' });
    }
    mallory.close();
    await mallory.closed();

    const back = await TestClient.session(s, 'victim', { clientId: 'victim-1' });
    const opened = await back.open('w', false);
    expect(opened.revision).toBe(1);
    const two = await back.submit('w', 1, edit(opened.state, 'a.txt', [insert(0, 'x')]), 2);
    expect(two).toMatchObject({ type: 'Ack', revision: 2 });
    const three = await back.submit('w', 2, [], 3);
    expect(three).toMatchObject({ type: 'Ack', revision: 3 });
    // A resubmission by the owner is still a duplicate.
    expect(await back.submit('w', 1, [], 2)).toMatchObject({ type: 'Ack', revision: 2 });
    expect((await back.open('w', false)).state.read('a.txt')).toEqual({ ok: true, value: 'x' });
  });

  it('keeps the owner across a restart (read from the log)', async () => {
    const victim = await victimWithOneChange();
    victim.close();
    await victim.closed();
    const store = s.store;
    await s.stop(false);
    s = await startTestServer({ store });
    const mallory = await TestClient.session(s, 'mallory', { clientId: 'victim-1' });
    await mallory.open('w', false);
    expect(await mallory.submit('w', 1, [], 2)).toMatchObject({
      type: 'Reject',
      error: { code: 'CLIENT_ID_TAKEN' },
    });
  });

  it("tells a client id's last seq in the Snapshot, from memory and after a restart, and nothing to another client", async () => {
    const victim = await victimWithOneChange();
    const { revision, state } = await victim.open('w', false);
    expect(
      await victim.submit('w', revision, edit(state, 'a.txt', [insert(0, 'x')]), 2),
    ).toMatchObject({ type: 'Ack' });
    victim.close();
    await victim.closed();
    const back = await TestClient.session(s, 'victim', { clientId: 'victim-1' });
    expect((await back.open('w', false)).lastSeq).toBe(2);
    const other = await TestClient.session(s, 'victim', { clientId: 'victim-other' });
    expect((await other.open('w', false)).lastSeq).toBeUndefined();
    back.close();
    other.close();
    await back.closed();
    const store = s.store;
    await s.stop(false);
    s = await startTestServer({ store });
    const restarted = await TestClient.session(s, 'victim', { clientId: 'victim-1' });
    expect((await restarted.open('w', false)).lastSeq).toBe(2);
  });

  it("refuses a Hello that names a live session's client id for another user", async () => {
    const victim = await TestClient.session(s, 'victim', { clientId: 'victim-2' });
    await expect(
      TestClient.session(s, 'mallory', { scopes: ['read:**'], clientId: 'victim-2' }),
    ).rejects.toThrow(/CLIENT_ID_TAKEN/);
    // The victim's session lives on.
    await victim.open('w');
  });

  it('lets the same user reconnecting with its client id replace the older session', async () => {
    const old = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
    await old.open('w');
    const fresh = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
    const goodbye = await old.next('Goodbye');
    expect(goodbye.error.code).toBe('SESSION_REPLACED');
    expect(await old.closed()).toBe('SESSION_REPLACED');
    const { state, revision } = await fresh.open('w');
    const change = build(state, 'alice-1', (b) => void b.createFile('b.txt', 'b'));
    expect(await fresh.submit('w', revision, change)).toMatchObject({ type: 'Ack' });
  });
});
