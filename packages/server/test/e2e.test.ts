import { del, insert } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';
import { build, serversStoppedAfterEach, TestClient } from './support/harness.js';
import { canonical, MiniClient } from './support/mini-client.js';

// End to end over real sockets on 127.0.0.1: raw protocol clients against a running server
// converge, and each change is committed exactly once. What the server does past the happy path
// has its own file: restart, store-failure, shutdown, old-base-revision, frame-size,
// transform-outcomes.

const server = serversStoppedAfterEach();

/** A tiny seeded random source, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function settle(clients: MiniClient[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const c of clients) c.pump();
    const revisions = new Set(clients.map((c) => c.revision));
    if (clients.every((c) => c.idle) && revisions.size === 1) return;
    if (Date.now() > deadline)
      throw new Error(`clients did not settle: ${[...revisions].join(', ')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(['ws', 'tcp'] as const)('over %s', (via) => {
  it('converges three clients typing into the same files with the server state', async () => {
    const s = await server();
    const seed = Date.now() % 100_000;
    const rand = random(seed);
    const setup = await TestClient.session(s, 'alice', { via, clientId: 'setup' });
    const initial = await setup.open('shared');
    const files = build(initial.state, 'setup', (b) => {
      b.createDir('src');
      b.createFile('src/a.ts', 'export const a = 1;\n');
      b.createFile('README.md', '# Shared\n');
    });
    expect((await setup.submit('shared', initial.revision, files)).type).toBe('Ack');
    setup.close();

    const clients: MiniClient[] = [];
    for (const name of ['ann', 'bob', 'cyd']) {
      const c = await TestClient.session(s, name, { via, clientId: `${name}-${via}` });
      clients.push(new MiniClient(c, 'shared', await c.open('shared')));
    }
    for (let step = 0; step < 150; step++) {
      const c = clients[Math.floor(rand() * clients.length)]!;
      c.pump();
      const path = rand() < 0.6 ? 'src/a.ts' : 'README.md';
      const text = c.state.readText(path);
      if (!text.ok) throw text.error;
      const length = text.value.length;
      const pos = Math.floor(rand() * (length + 1));
      const ops =
        rand() < 0.75 || length === 0
          ? [insert(pos, `${c.client.clientId[0]}${step} `)]
          : [del(Math.min(pos, length - 1), 1)];
      c.local(build(c.state, c.client.clientId, (b) => void b.edit(path, ops)));
      if (rand() < 0.3) await new Promise((r) => setTimeout(r, 1));
    }
    await settle(clients);
    const check = await TestClient.session(s, 'checker', { via });
    const truth = await check.open('shared', false);
    for (const c of clients) {
      expect(canonical(c.state), `seed ${seed}`).toBe(canonical(truth.state));
      expect(c.revision).toBe(truth.revision);
    }
    expect(truth.revision).toBe(1 + clients.reduce((n, c) => n + c.acked, 0));
  });
});

describe('many workspaces on one server', () => {
  it('gives each workspace its own revisions and broadcasts, opened on first use', async () => {
    const s = await server();
    const alice = await TestClient.session(s, 'alice');
    const bob = await TestClient.session(s, 'bob');
    const ids = ['w1', 'w2', 'w3', 'w4'];
    const opened = new Map<string, Awaited<ReturnType<TestClient['open']>>>();
    for (const id of ids) opened.set(id, await alice.open(id));
    await bob.open('w2', false);
    expect(s.server.stats().server.workspacesOpen).toBe(ids.length);
    for (const [i, id] of ids.entries()) {
      const change = build(opened.get(id)!.state, alice.clientId, (b) => {
        b.createFile(`${id}.txt`, id);
      });
      expect(await alice.submit(id, 0, change, i + 1)).toMatchObject({ type: 'Ack', revision: 1 });
    }
    // Bob hears of w2 only, and each workspace holds only its own file.
    expect(await bob.next('Broadcast')).toMatchObject({ workspace: 'w2', revision: 1 });
    // A round trip on Bob's connection: whatever was sent to him before it has arrived.
    bob.send({ type: 'Ping', nonce: 1 });
    await bob.next('Pong');
    expect(bob.drain(['Broadcast'])).toEqual([]);
    for (const id of ids) {
      const { state, revision } = await alice.open(id, false);
      expect(revision, id).toBe(1);
      expect(state.read(`${id}.txt`), id).toEqual({ ok: true, value: id });
      const entries = state.list();
      expect(entries.ok ? entries.value.map((e) => e.name) : entries.error.code, id).toEqual([
        `${id}.txt`,
      ]);
    }
  });
});

describe('exactly once', () => {
  it('answers a resubmission after a dropped connection with the original ack, never a second commit', async () => {
    const s = await server();
    const first = await TestClient.session(s, 'alice', { clientId: 'alice-laptop' });
    const { state, revision } = await first.open('w');
    const change = build(state, 'alice-laptop', (b) => void b.createFile('notes.md', 'hello'));
    first.send({
      type: 'Submit',
      workspace: 'w',
      baseRevision: revision,
      clientId: 'alice-laptop',
      seq: 7,
      change,
    });
    first.connection.terminate('CONNECTION_CLOSED', 'the network dropped');

    const again = await TestClient.session(s, 'alice', { clientId: 'alice-laptop' });
    await again.open('w');
    const ack = await again.submit('w', revision, change, 7);
    expect(ack).toMatchObject({ type: 'Ack', seq: 7, revision: 1 });
    const twice = await again.submit('w', revision, change, 7);
    expect(twice).toMatchObject({ type: 'Ack', revision: 1 });
    const check = await TestClient.session(s, 'bob');
    const truth = await check.open('w', false);
    expect(truth.revision).toBe(1);
    expect(truth.state.read('notes.md')).toEqual({ ok: true, value: 'hello' });
  });

  it('catches a reconnecting client up from its last revision', async () => {
    const s = await server();
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    await a.submit(
      'w',
      0,
      build(state, a.clientId, (b) => void b.createFile('f', 'x')),
    );
    const b = await TestClient.session(s, 'bob');
    const opened = await b.open('w');
    await a.submit(
      'w',
      1,
      build(opened.state, a.clientId, (x) => void x.edit('f', [insert(1, 'y')]), 10),
    );
    const c = await TestClient.session(s, 'carol');
    c.send({ type: 'Catchup', requestId: 5, workspace: 'w', sinceRevision: 1 });
    const changes = await c.next('Changes');
    expect(changes).toMatchObject({ requestId: 5, fromRevision: 1, toRevision: 2 });
    expect(changes.changes.map((x) => x.revision)).toEqual([2]);
    // Now following: the next change arrives as a broadcast.
    await a.submit(
      'w',
      2,
      build(opened.state, a.clientId, (x) => void x.edit('f', [insert(0, 'z')]), 20),
    );
    expect((await c.next('Broadcast')).revision).toBe(3);
  });
});
