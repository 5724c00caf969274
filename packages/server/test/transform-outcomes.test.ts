import { insert } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';
import { build, serversStoppedAfterEach, TestClient } from './support/harness.js';

// What the Ack tells the author of a change that the transform altered.

const server = serversStoppedAfterEach();

describe('what the transform did to a change', () => {
  it('tells the author in its Ack which ops a concurrent delete dropped, by their index as sent', async () => {
    const s = await server();
    const alice = await TestClient.session(s, 'alice');
    const bob = await TestClient.session(s, 'bob');
    const { state } = await alice.open('w');
    const files = build(state, 'seed', (b) => {
      b.createFile('a.txt', 'a');
      b.createFile('b.txt', 'b');
      b.createFile('c.txt', 'c');
    });
    expect(await alice.submit('w', 0, files)).toMatchObject({ type: 'Ack', revision: 1 });
    const seeded = await bob.open('w', false);
    // Bob deletes a.txt and then c.txt, each its own revision, while Alice edits all three.
    const deleteA = build(seeded.state, 'bob', (b) => void b.delete('a.txt'));
    const deleteC = build(seeded.state, 'bob', (b) => void b.delete('c.txt'), 10);
    expect(await bob.submit('w', 1, deleteA)).toMatchObject({ type: 'Ack', revision: 2 });
    expect(await bob.submit('w', 2, deleteC)).toMatchObject({ type: 'Ack', revision: 3 });
    const edits = build(seeded.state, alice.clientId, (b) => {
      b.edit('a.txt', [insert(1, '!')]);
      b.edit('b.txt', [insert(1, '!')]);
      b.edit('c.txt', [insert(1, '!')]);
    });
    const ack = await alice.submit('w', 1, edits);
    expect(ack).toMatchObject({ type: 'Ack', revision: 4 });
    if (ack.type !== 'Ack') return;
    // c.txt's edit was the third op as sent, though the second after a.txt's was dropped.
    expect(ack.altered).toEqual([
      { index: 0, outcome: 'dropped', reason: 'deleted' },
      { index: 2, outcome: 'dropped', reason: 'deleted' },
    ]);
    expect((await bob.next('Broadcast')).change).toHaveLength(1);
    // An Ack of a change the transform left whole says nothing.
    const plain = await bob.submit('w', 4, [], 3);
    expect(plain).toMatchObject({ type: 'Ack', revision: 5 });
    expect('altered' in plain).toBe(false);
  });

  it('tells the author the name its created file got when a concurrent create took the name', async () => {
    const s = await server();
    const alice = await TestClient.session(s, 'alice');
    const bob = await TestClient.session(s, 'bob');
    const { state } = await alice.open('w');
    await bob.open('w', false);
    const bobs = build(state, 'bob', (b) => void b.createFile('notes.txt', 'bob'));
    expect(await bob.submit('w', 0, bobs)).toMatchObject({ type: 'Ack', revision: 1 });
    const alices = build(state, alice.clientId, (b) => {
      b.createFile('other.txt', '');
      b.createFile('notes.txt', 'alice');
    });
    const ack = await alice.submit('w', 0, alices);
    expect(ack).toMatchObject({ type: 'Ack', revision: 2 });
    if (ack.type !== 'Ack') return;
    expect(ack.altered).toHaveLength(1);
    const [renamed] = ack.altered ?? [];
    expect(renamed).toMatchObject({ index: 1, outcome: 'renamed' });
    const name = renamed?.outcome === 'renamed' ? renamed.name : '';
    expect(name).not.toBe('notes.txt');
    // The name the Ack gives is where the server put Alice's file.
    const after = await alice.open('w', false);
    expect(after.state.read(name)).toEqual({ ok: true, value: 'alice' });
    expect(after.state.read('notes.txt')).toEqual({ ok: true, value: 'bob' });
  });
});
