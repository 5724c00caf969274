import { insert } from '@dist-space/ot-core';
import { encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import {
  build,
  lmdbDir,
  startTestServer,
  TestClient,
  type TestServer,
  token,
} from './support/harness.js';

const ADMIN = ['read:**', 'write:**', 'create:**', 'delete:**', 'admin'];

let s: TestServer;
afterEach(() => s.stop());

describe('the admin API', () => {
  it('lists sessions with address, user, workspaces and idle time, and kicks one', async () => {
    s = await startTestServer();
    const admin = await TestClient.session(s, 'root', { scopes: ADMIN, clientId: 'ops' });
    const alice = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
    await alice.open('w');
    await new Promise((r) => setTimeout(r, 150));
    const aliceListed = async (requestId: number) => {
      admin.send({ type: 'ListSessions', requestId });
      const list = await admin.next('Sessions');
      return list.sessions.find((x) => x.subject === 'alice')!;
    };
    const entry = await aliceListed(1);
    expect(entry).toMatchObject({ clientId: 'alice-1', workspaces: ['w'] });
    expect(entry.remoteAddress).toContain('127.0.0.1');
    // Idle since her Open; a message of hers starts the count again.
    expect(entry.idleMs).toBeGreaterThanOrEqual(100);
    alice.send({ type: 'Ping', nonce: 1 });
    await alice.next('Pong');
    expect((await aliceListed(10)).idleMs).toBeLessThan(entry.idleMs);
    admin.send({ type: 'Kick', requestId: 2, sessionId: entry.sessionId, reason: 'maintenance' });
    expect(await admin.next('AdminOk')).toMatchObject({ requestId: 2 });
    const bye = await alice.next('Goodbye');
    expect(bye.error.code).toBe('KICKED');
    expect(bye.error.message).toContain('maintenance');
    expect(await alice.closed()).toBe('KICKED');
    admin.send({ type: 'Kick', requestId: 3, sessionId: 'nobody' });
    expect((await admin.next('Error')).error.code).toBe('NOT_FOUND');
  });

  it('reports server and workspace stats, and tails the log', async () => {
    s = await startTestServer();
    const admin = await TestClient.session(s, 'root', { scopes: ADMIN });
    const { state } = await admin.open('w');
    await admin.submit(
      'w',
      0,
      build(state, admin.clientId, (b) => void b.createFile('a', '')),
    );
    admin.send({ type: 'Stats', requestId: 4 });
    const stats = await admin.next('StatsResult');
    expect(stats.server.sessions).toBe(1);
    expect(stats.server.workspacesOpen).toBe(1);
    expect(stats.server.memory.heapUsed).toBeGreaterThan(0);
    expect(stats.workspaces).toEqual([
      expect.objectContaining({ workspace: 'w', revision: 1, sessions: 1 }),
    ]);
    expect(stats.workspaces[0]!.opsPerSecond).toBeGreaterThan(0);
    expect(stats.workspaces[0]!.storeBytes).toBeGreaterThan(0);
    expect(stats.workspaces[0]!.storeBytes).toBe(await s.store.storedBytes!('w'));
    admin.send({ type: 'TailLog', requestId: 5, limit: 50 });
    const log = await admin.next('LogRecords');
    expect(log.records.length).toBeGreaterThan(0);
    expect(log.records.some((r) => r.msg === 'session authenticated')).toBe(true);
    expect(log.records.every((r) => typeof r.level === 'number')).toBe(true);
  });
});

describe('store size in stats', () => {
  it('reports the bytes a workspace takes in an LMDB store, growing with its changes', async () => {
    const dir = await lmdbDir();
    try {
      s = await startTestServer({ store: await dir.open() });
      const admin = await TestClient.session(s, 'root', { scopes: ADMIN });
      const { state } = await admin.open('w');
      const sizeOf = async (requestId: number) => {
        admin.send({ type: 'Stats', requestId, workspace: 'w' });
        return (await admin.next('StatsResult')).workspaces[0]!.storeBytes;
      };
      expect(await sizeOf(1)).toBe(0);
      const text = 'x'.repeat(1000);
      await admin.submit(
        'w',
        0,
        build(state, admin.clientId, (b) => void b.createFile('a', text)),
      );
      const after = await sizeOf(2);
      expect(after).toBeGreaterThan(text.length);
      expect(after).toBe(await s.store.storedBytes!('w'));
    } finally {
      await s.stop();
      await dir.cleanup();
    }
  });
});

describe('presence', () => {
  it('relays cursors to other sessions, maps them through later edits, and drops them when a session leaves', async () => {
    s = await startTestServer({ limits: { presencePerSecond: 1000 } });
    const a = await TestClient.session(s, 'alice');
    const b = await TestClient.session(s, 'bob');
    const { state } = await a.open('w');
    await a.submit(
      'w',
      0,
      build(state, a.clientId, (x) => void x.createFile('f.txt', 'hello world')),
    );
    const opened = await b.open('w', false);
    const fileId = (opened.state.resolve('f.txt') as { value: { id: string } }).value.id;
    b.send({
      type: 'Presence',
      workspace: 'w',
      revision: 1,
      files: { [fileId]: { selections: [{ anchor: 6, head: 11 }] } },
      state: { name: 'Bob' },
    });
    const seen = await a.next('Presence');
    expect(seen).toMatchObject({ subject: 'bob', clientId: b.clientId, state: { name: 'Bob' } });
    expect(seen.files[fileId]!.selections).toEqual([{ anchor: 6, head: 11 }]);
    // Alice types before Bob's selection: a newcomer sees it moved.
    await a.submit(
      'w',
      1,
      build(opened.state, a.clientId, (x) => void x.edit('f.txt', [insert(0, '>> ')]), 10),
    );
    const c = await TestClient.session(s, 'carol');
    await c.open('w', false);
    const mapped = await c.next('Presence');
    expect(mapped.revision).toBe(2);
    expect(mapped.files[fileId]!.selections).toEqual([{ anchor: 9, head: 14 }]);
    b.close();
    expect((await a.next('PresenceLeft')).sessionId).toBe(seen.sessionId);
  });

  it('coalesces presence to the configured rate, the newest winning', async () => {
    s = await startTestServer({ limits: { presencePerSecond: 2 } });
    const a = await TestClient.session(s, 'alice');
    const b = await TestClient.session(s, 'bob');
    const { state } = await a.open('w');
    await a.submit(
      'w',
      0,
      build(state, a.clientId, (x) => void x.createFile('f.txt', '0123456789')),
    );
    const opened = await b.open('w', false);
    const fileId = (opened.state.resolve('f.txt') as { value: { id: string } }).value.id;
    for (let i = 0; i <= 9; i++) {
      b.send({
        type: 'Presence',
        workspace: 'w',
        revision: 1,
        files: { [fileId]: { selections: [{ anchor: i, head: i }] } },
      });
    }
    await new Promise((r) => setTimeout(r, 800));
    const got = a.drain(['Presence']);
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(got.length).toBeLessThanOrEqual(3);
    expect(got.at(-1)!.files[fileId]!.selections).toEqual([{ anchor: 9, head: 9 }]);
  });

  it('refuses presence past the end of a file', async () => {
    s = await startTestServer();
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    await a.submit(
      'w',
      0,
      build(state, a.clientId, (x) => void x.createFile('f.txt', 'abc')),
    );
    const opened = await a.open('w', false);
    const fileId = (opened.state.resolve('f.txt') as { value: { id: string } }).value.id;
    a.send({
      type: 'Presence',
      workspace: 'w',
      revision: 1,
      files: { [fileId]: { selections: [{ anchor: 0, head: 99 }] } },
    });
    expect((await a.next('Error')).error.code).toBe('INVALID_PAYLOAD');
  });
});

describe('limits', () => {
  it('refuses a change past the files-per-workspace and file-size limits with their codes', async () => {
    s = await startTestServer({ limits: { maxFilesPerWorkspace: 3, maxFileLength: 10 } });
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    const many = build(state, a.clientId, (b) => {
      for (const n of ['a', 'b', 'c', 'd']) b.createFile(n, '');
    });
    const tooMany = await a.submit('w', 0, many);
    expect(tooMany.type === 'Reject' && tooMany.error.code).toBe('WORKSPACE_FULL');
    const big = build(state, a.clientId, (b) => void b.createFile('big', 'x'.repeat(11)), 50);
    const tooBig = await a.submit('w', 0, big);
    expect(tooBig.type === 'Reject' && tooBig.error.code).toBe('FILE_TOO_LARGE');
  });

  it('refuses to open more workspaces than its limit, and more sessions per workspace', async () => {
    s = await startTestServer({ limits: { maxWorkspacesOpen: 1, maxSessionsPerWorkspace: 1 } });
    const a = await TestClient.session(s, 'alice');
    await a.open('one');
    a.send({ type: 'Open', requestId: 2, workspace: 'two', create: true });
    expect((await a.next('Error')).error.code).toBe('TOO_MANY_WORKSPACES');
    const b = await TestClient.session(s, 'bob');
    b.send({ type: 'Open', requestId: 3, workspace: 'one' });
    expect((await b.next('Error')).error.code).toBe('TOO_MANY_SESSIONS');
  });

  it('refuses a Presence whose state is over maxPresenceStateBytes with LIMIT_EXCEEDED, and takes one under it', async () => {
    s = await startTestServer({ limits: { maxPresenceStateBytes: 64 } });
    const a = await TestClient.session(s, 'alice');
    const { revision } = await a.open('w');
    const b = await TestClient.session(s, 'bob');
    await b.open('w', false);
    const presence = (name: string) =>
      a.send({ type: 'Presence', workspace: 'w', revision, files: {}, state: { name } });
    presence('x'.repeat(100));
    const refused = await a.next('Error');
    expect(refused.error.code).toBe('LIMIT_EXCEEDED');
    expect(refused.error.details).toMatchObject({ limit: 'maxPresenceStateBytes' });
    presence('ada');
    expect((await b.next('Presence')).state).toEqual({ name: 'ada' });
    expect(a.drain(['Error'])).toEqual([]);
  });

  it('closes a session after 1,000 bad messages, and not before', async () => {
    // The frame rate must not cut the session off first.
    s = await startTestServer({
      connection: {
        messagesPerSecond: Number.POSITIVE_INFINITY,
        messageBurst: Number.POSITIVE_INFINITY,
      },
    });
    const a = await TestClient.session(s, 'alice');
    const unknownType = encode([99, {}]);
    for (let i = 0; i < 999; i++) a.sendRaw(unknownType);
    a.send({ type: 'Ping', nonce: 7 });
    expect((await a.next('Pong')).nonce).toBe(7);
    expect(a.drain(['Error'])).toHaveLength(999);
    a.sendRaw(unknownType);
    expect((await a.next('Goodbye')).error.code).toBe('PROTOCOL_VIOLATION');
    expect(await a.closed()).toBe('PROTOCOL_VIOLATION');
  });

  it('welcomes sessions when the message rate is unlimited, leaving the rate out of Welcome', async () => {
    s = await startTestServer({
      connection: {
        messagesPerSecond: Number.POSITIVE_INFINITY,
        messageBurst: Number.POSITIVE_INFINITY,
      },
    });
    const a = await TestClient.connect(s);
    // `hello` decodes the Welcome; one carrying Infinity would not decode.
    const { limits } = await a.hello(await token('alice'));
    expect(limits.maxMessagesPerSecond).toBeUndefined();
    expect(limits.maxFrameBytes).toBeGreaterThan(0);
  });

  it('closes an idle workspace and opens it again on demand', async () => {
    s = await startTestServer({ limits: { workspaceIdleMs: 50 } });
    const a = await TestClient.session(s, 'alice');
    const { state } = await a.open('w');
    await a.submit(
      'w',
      0,
      build(state, a.clientId, (x) => void x.createFile('kept', 'yes')),
    );
    a.send({ type: 'Leave', workspace: 'w' });
    const deadline = Date.now() + 5000;
    while (s.server.stats().server.workspacesOpen > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(s.server.stats().server.workspacesOpen).toBe(0);
    const again = await a.open('w', false);
    expect(again.state.read('kept')).toEqual({ ok: true, value: 'yes' });
  });
});
