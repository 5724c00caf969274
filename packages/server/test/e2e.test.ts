import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { del, insert } from '@dist-space/ot-core';
import { encodeMessage } from '@dist-space/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  build,
  edit,
  lmdbDir,
  startTestServer,
  TestClient,
  type TestServer,
} from './support/harness.js';
import { canonical, MiniClient } from './support/mini-client.js';

// End to end over real sockets on 127.0.0.1: raw protocol clients against a running server.

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

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

describe('catching up on more than one frame holds', () => {
  it('answers with a snapshot of the current state, and the session follows from there', async () => {
    const s = await server({ connection: { maxFrameSize: 16 * 1024 } });
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    const made = build(state, a.clientId, (b) => void b.createFile('f', ''));
    let revision = ((await a.submit('w', 0, made)) as { revision: number }).revision;
    // Three changes of 6,000 characters each: each fits in a frame, together they do not.
    for (let i = 0; i < 3; i++) {
      const edit = [
        { type: 'edit' as const, id: made[0]!.id, change: [insert(0, String(i).repeat(6_000))] },
      ];
      revision = ((await a.submit('w', revision, edit)) as { revision: number }).revision;
    }
    const c = await TestClient.session(s, 'carol');
    c.send({ type: 'Catchup', requestId: 5, workspace: 'w', sinceRevision: 1 });
    const reply = await c.next(['Changes', 'Snapshot', 'SnapshotChunk', 'Error']);
    expect(reply.type).toMatch(/^Snapshot/);
    const edit = [{ type: 'edit' as const, id: made[0]!.id, change: [insert(0, 'z')] }];
    await a.submit('w', revision, edit);
    expect((await c.next('Broadcast')).revision).toBe(revision + 1);
  });
});

describe('a message too large for a connection', () => {
  it('closes that connection rather than leave a gap in the revisions its peer was told', async () => {
    const max = 16 * 1024;
    const s = await server({ connection: { maxFrameSize: max } });
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    const made = build(state, a.clientId, (b) => void b.createFile('f', ''));
    expect(await a.submit('w', 0, made)).toMatchObject({ type: 'Ack', revision: 1 });
    const observer = await TestClient.session(s, 'observer');
    await observer.open('w', false);
    // A Submit just under the limit, whose Broadcast (author, revision) is just over it.
    const submitOf = (n: number) =>
      ({
        type: 'Submit',
        workspace: 'w',
        baseRevision: 1,
        clientId: a.clientId,
        seq: 99,
        change: [{ type: 'edit', id: made[0]!.id, change: [insert(0, 'x'.repeat(n))] }],
      }) as const;
    let n = max - 200;
    while (encodeMessage(submitOf(n + 1)).byteLength <= max) n++;
    const { change } = submitOf(n);
    const broadcast = { type: 'Broadcast', workspace: 'w', revision: 2, author: 'alice' } as const;
    const wide = encodeMessage({ ...broadcast, clientId: a.clientId, seq: 99, change });
    expect(wide.byteLength).toBeGreaterThan(max);
    a.send(submitOf(n));
    expect(await a.next(['Ack', 'Reject'])).toMatchObject({ type: 'Ack', revision: 2 });
    expect(await observer.next('Goodbye')).toMatchObject({ error: { code: 'LIMIT_EXCEEDED' } });
    await observer.closed();
  });
});

describe('restart', () => {
  it('serves the same state from its data directory and still dedupes resubmissions', async () => {
    const data = await lmdbDir();
    try {
      let s = await startTestServer({ store: await data.open() });
      const a = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
      const { state } = await a.open('durable');
      const change = build(state, 'alice-1', (b) => {
        b.createDir('docs');
        b.createFile('docs/a.md', 'persisted');
      });
      expect(await a.submit('durable', 0, change, 1)).toMatchObject({ type: 'Ack', revision: 1 });
      const before = canonical((await a.open('durable')).state);
      await s.stop();

      s = await startTestServer({ store: await data.open() });
      servers.push(s);
      const again = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
      const reopened = await again.open('durable', false);
      expect(reopened.revision).toBe(1);
      expect(canonical(reopened.state)).toBe(before);
      expect(await again.submit('durable', 0, change, 1)).toMatchObject({
        type: 'Ack',
        revision: 1,
      });
      expect((await again.open('durable', false)).revision).toBe(1);
    } finally {
      await Promise.all(servers.map((x) => x.stop()));
      servers = [];
      await data.cleanup();
    }
  });
});

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
