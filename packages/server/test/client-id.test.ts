import { MemoryOpLogStore } from '@dist-space/oplog-storage';
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

/** A memory store whose next lookup of a change by seq, once held, waits for `release`. */
class HeldLookupStore extends MemoryOpLogStore {
  private gate: Promise<void> | undefined;
  release: () => void = () => undefined;
  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.release = resolve));
  }
  override async findBySeq(workspace: string, clientId: string, seq: number) {
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    return super.findBySeq(workspace, clientId, seq);
  }
}

/**
 * Alice (old connection, revision 3 after her seqs 1 and 2 and bob's 1) and bob in `w`, with the
 * sequencer's queue held: bob resubmits his seq 1, which the store looks up (a window of one
 * change) until `store.release()`.
 */
async function queueHeld() {
  await s.stop();
  const store = new HeldLookupStore();
  s = await startTestServer({ store, limits: { recentWindow: 1 } });
  const old = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
  const { state } = await old.open('w');
  const seed = build(state, 'alice-1', (b) => void b.createFile('a.txt', ''));
  expect(await old.submit('w', 0, seed, 1)).toMatchObject({ type: 'Ack', revision: 1 });
  const bob = await TestClient.session(s, 'bob', { clientId: 'bob-1' });
  const opened = await bob.open('w', false);
  expect(await bob.submit('w', 1, [], 1)).toMatchObject({ type: 'Ack', revision: 2 });
  expect(await old.submit('w', 2, [], 2)).toMatchObject({ type: 'Ack', revision: 3 });
  store.hold();
  bob.sendSubmit('w', 1, [], 1);
  const insertX = edit(opened.state, 'a.txt', [insert(0, 'x')]);
  return { store, old, bob, insertX };
}

describe("a reconnected client's Snapshot", () => {
  it("counts in its lastSeq a change its old connection left waiting in the sequencer's queue", async () => {
    const { store, old, insertX } = await queueHeld();
    // Alice's seq 3 waits behind bob's; her Catchup's answer proves the server has taken it.
    old.sendSubmit('w', 3, insertX, 3);
    old.send({ type: 'Catchup', requestId: 7, workspace: 'w', sinceRevision: 3 });
    await old.next('Changes');
    // Alice reconnects (her old connection is replaced) and opens the workspace again.
    const fresh = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
    const reopened = fresh.open('w', false);
    setTimeout(() => store.release(), 50);
    const { revision, lastSeq } = await reopened;
    // Seq 3 was sequenced before the Snapshot was taken: either the Snapshot holds it or its
    // Broadcast follows, and lastSeq must say so, or the client would send it again.
    expect(lastSeq).toBe(3);
    if (revision < 4) {
      expect(await fresh.next('Broadcast')).toMatchObject({ clientId: 'alice-1', seq: 3 });
    }
    const again = await fresh.open('w', false);
    expect(again.state.read('a.txt')).toEqual({ ok: true, value: 'x' });
  });
});

describe('a replaced session', () => {
  it('sequences nothing it had not handed over when it was replaced', async () => {
    const { store, old, bob, insertX } = await queueHeld();
    // Alice's old session waits on its Open (behind the held queue), with a Submit after it.
    old.send({ type: 'Open', requestId: 8, workspace: 'w' });
    old.sendSubmit('w', 3, insertX, 3);
    await new Promise((r) => setTimeout(r, 50));
    const fresh = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
    // Released before the old connection has finished closing: its Open goes on, its Submit not.
    store.release();
    const { revision, lastSeq } = await fresh.open('w', false);
    expect(await old.closed()).toBe('SESSION_REPLACED');
    expect({ revision, lastSeq }).toEqual({ revision: 3, lastSeq: 2 });
    // A round trip through the queue: had the old session's Submit gone in, it would be in.
    expect(await bob.submit('w', 3, [], 2)).toMatchObject({ type: 'Ack', revision: 4 });
    expect(await fresh.next('Broadcast')).toMatchObject({ clientId: 'bob-1', revision: 4 });
  });
});
