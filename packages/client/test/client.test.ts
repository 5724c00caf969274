import { Client, MemoryPendingStore, type PersistedWorkspace } from '@dist-space/client';
import { workspaceToWire } from '@dist-space/vfs-workspace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  goOffline,
  must,
  startTestServer,
  type TestServer,
  tapOf,
  textOf,
  token,
  until,
} from './support/setup.js';

let server: TestServer;
const toClose: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0)) await c.close();
  await server?.stop();
});

async function client(subject: string, options: Parameters<typeof connect>[2] = {}) {
  const c = await connect(server, subject, options);
  toClose.push(c);
  return c;
}

/**
 * A guest's edit made offline in `open/`, where it may write, saved; meanwhile `open/` moves to
 * `archive/`, where it may not. Returns the admin's handle and the guest's client connected
 * again on the same store, before it opens the workspace.
 */
async function editMovedOutOfScope() {
  server = await startTestServer();
  const admin = await (await client('root')).open('w', { create: true });
  must(admin.createDir('open'));
  must(admin.createFile('open/f.txt', 'text'));
  await admin.whenSynced();
  const store = new KeyedStore();
  const scopes = ['read:**', 'write:open/**'];
  const first = await client('guest', { scopes, storage: store });
  const offline = await first.open('w');
  await goOffline(first);
  must(offline.insert('open/f.txt', 4, '!')); // allowed where the file is now
  await offline.whenSaved();
  await first.close();
  // Meanwhile the directory moves where the guest may not write.
  must(admin.rename('open', 'archive'));
  await admin.whenSynced();
  const again = await client('guest', { scopes, storage: store });
  return { admin, again };
}

const same = (
  a: { state: Parameters<typeof workspaceToWire>[0] },
  b: { state: Parameters<typeof workspaceToWire>[0] },
) => JSON.stringify(workspaceToWire(a.state)) === JSON.stringify(workspaceToWire(b.state));

describe('Client', () => {
  it('edits a shared workspace: local edits apply at once, others see them, all converge', async () => {
    server = await startTestServer();
    const alice = await (await client('alice')).open('demo', { create: true });
    must(alice.createDir('src'));
    must(alice.createFile('src/main.ts', 'console.log(1);\n'));
    expect(textOf(alice, 'src/main.ts')).toBe('console.log(1);\n');
    await alice.whenSynced();
    const bob = await (await client('bob')).open('demo');
    expect(textOf(bob, 'src/main.ts')).toBe('console.log(1);\n');
    const seen: string[] = [];
    bob.on('change', (e) => seen.push(`${e.author}:${e.local}`));
    for (let i = 0; i < 20; i++) {
      must(alice.insert('src/main.ts', 0, 'a'));
      must(bob.insert('src/main.ts', textOf(bob, 'src/main.ts').length, 'b'));
    }
    await Promise.all([alice.whenSynced(), bob.whenSynced()]);
    await until(() => alice.revision === bob.revision, 'same revision');
    expect(textOf(alice, 'src/main.ts')).toBe(
      `${'a'.repeat(20)}console.log(1);\n${'b'.repeat(20)}`,
    );
    expect(same(alice, bob)).toBe(true);
    expect(seen).toContain('alice:false');
    expect(seen).toContain('bob:true');
    expect(alice.pendingCount).toBe(0);
  });

  it('applies a multi-file change atomically and emits tree events', async () => {
    server = await startTestServer();
    const a = await (await client('alice')).open('w', { create: true });
    const b = await (await client('bob')).open('w');
    const events: string[] = [];
    b.on('created', (e) => events.push(`created ${e.path}`));
    b.on('renamed', (e) => events.push(`renamed ${e.from} -> ${e.to}`));
    b.on('deleted', (e) => events.push(`deleted ${e.path}`));
    must(
      a.change((x) => {
        x.createDir('src');
        x.createFile('src/a.ts', 'A');
        x.createFile('src/b.ts', 'B');
        return x.rename('src', 'lib');
      }),
    );
    must(a.remove('lib/b.ts'));
    await a.whenSynced();
    await until(() => b.revision === a.revision, 'bob caught up');
    expect(events).toEqual([
      'created src',
      'created src/a.ts',
      'created src/b.ts',
      'renamed src -> lib',
      'deleted lib/b.ts',
    ]);
    expect(textOf(b, 'lib/a.ts')).toBe('A');
    // A failing step cancels the whole change.
    const failed = a.change((x) => {
      x.createFile('ok.txt', '');
      return x.rename('missing', 'x');
    });
    expect(failed.ok).toBe(false);
    expect(a.state.resolve('ok.txt').ok).toBe(false);
  });

  it('survives a dropped connection: reconnects, catches up, resends with the same seq, loses and doubles nothing', async () => {
    server = await startTestServer();
    const c1 = await client('alice');
    const a = await c1.open('w', { create: true });
    must(a.createFile('f.txt', ''));
    await a.whenSynced();
    const b = await (await client('bob')).open('w');
    const states: string[] = [];
    c1.on('connection', (e) => states.push(e.state));
    // Type while the connection drops under us, and while bob types too.
    for (let i = 0; i < 10; i++) must(a.insert('f.txt', 0, String(i)));
    tapOf(c1).cut();
    for (let i = 0; i < 10; i++) must(a.insert('f.txt', 0, 'x'));
    for (let i = 0; i < 5; i++) must(b.insert('f.txt', 0, 'B'));
    await until(() => c1.state === 'connected' && states.includes('disconnected'), 'reconnect');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    await until(() => a.revision === b.revision, 'same revision');
    const text = textOf(a, 'f.txt');
    expect(text).toBe(textOf(b, 'f.txt'));
    expect(text.length).toBe(25);
    expect([...text].filter((ch) => ch === 'x').length).toBe(10);
    expect(
      [...text]
        .filter((ch) => /[0-9]/.test(ch))
        .sort()
        .join(''),
    ).toBe('0123456789');
    expect(states).toEqual(['disconnected', 'connecting', 'connected']);
  });

  it('calls the token function afresh for every reconnect', async () => {
    server = await startTestServer();
    const issued: string[] = [];
    const c1 = await client('alice', {
      token: async () => {
        // A new token each time, as a token service hands out short-lived ones.
        const t = await token('alice', undefined, undefined, 3600 + issued.length);
        issued.push(t);
        return t;
      },
    });
    const a = await c1.open('w', { create: true });
    expect(issued.length).toBe(1);
    for (let cut = 1; cut <= 2; cut++) {
      tapOf(c1).cut();
      await until(() => c1.state !== 'connected', 'disconnected');
      await until(() => c1.state === 'connected', 'reconnected');
      expect(issued.length).toBe(cut + 1);
    }
    expect(new Set(issued).size).toBe(3);
    must(a.createFile('after.txt', 'ok'));
    await a.whenSynced();
  });

  it('gives up, closed with the error, when its session is replaced or its client id is taken', async () => {
    server = await startTestServer();
    // Two running copies of one client (same user, same client id): the newer one replaces the
    // older, which must not reconnect and take the session back, forever in turn.
    const first = await client('alice', { clientId: 'shared-id' });
    const firstEvents: Array<string | undefined> = [];
    first.on('connection', (e) => firstEvents.push(`${e.state}:${e.error?.code ?? ''}`));
    const second = await client('alice', { clientId: 'shared-id' });
    await until(() => first.state === 'closed', 'the replaced client to close');
    expect(firstEvents).toContain('closed:SESSION_REPLACED');
    await new Promise((r) => setTimeout(r, 300)); // more than the reconnect delay
    expect(first.state).toBe('closed');
    expect(second.state).toBe('connected');
    // Another user cannot take the client id at all.
    await expect(client('bob', { clientId: 'shared-id' })).rejects.toMatchObject({
      code: 'CLIENT_ID_TAKEN',
    });
  });

  it('sends a buffer bigger than the server takes in one change in parts, losing nothing', async () => {
    server = await startTestServer({ limits: { maxChangeOps: 4 } });
    const alice = await (await client('alice')).open('w', { create: true });
    must(alice.createFile('f.txt', ''));
    await alice.whenSynced();
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    // Twenty inserts that do not compose (at the start and the end in turn, never next to the
    // one before), made while one change is in flight, so that they wait in the buffer together.
    must(alice.insert('f.txt', 0, '.'));
    for (let i = 0; i < 20; i++) {
      const at = i % 2 === 0 ? 0 : textOf(alice, 'f.txt').length;
      must(alice.insert('f.txt', at, String(i % 10)));
    }
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'f.txt')).toBe(textOf(alice, 'f.txt'));
    expect(textOf(alice, 'f.txt')).toHaveLength(21);
  });

  it('sends again in parts an in-flight change that remote changes grew past the server limit', async () => {
    server = await startTestServer({ limits: { maxChangeOps: 2 } });
    const alice = await (await client('alice')).open('w', { create: true });
    must(alice.createFile('f.txt', '0123456789'));
    await alice.whenSynced();
    const store = new KeyedStore();
    const first = await client('bob', { storage: store });
    const b = await first.open('w');
    await goOffline(first);
    must(b.delete('f.txt', 2, 6)); // one op: '234567'
    await b.whenSaved();
    await first.close();
    // Bob's process died right after sending the delete, before the server read it: the saved
    // state holds it in flight. Meanwhile alice types inside the range it deletes.
    const key = store.lastKey!;
    const saved = (await store.load(key))!;
    await store.save(key, {
      ...saved,
      inflight: { seq: saved.nextSeq, change: saved.buffered },
      nextSeq: saved.nextSeq + 1,
      buffered: [],
    });
    must(alice.insert('f.txt', 4, 'X'));
    must(alice.insert('f.txt', 7, 'Y'));
    await alice.whenSynced();
    // Catching up cuts bob's delete into three (around X and Y): one op over the limit of two.
    const again = await client('bob', { storage: store });
    const b2 = await again.open('w');
    const rejected: string[] = [];
    b2.on('rejected', (e) => rejected.push(e.error.code));
    await b2.whenSynced();
    await until(() => alice.revision === b2.revision, 'converged');
    expect(rejected).toEqual([]);
    expect(textOf(b2, 'f.txt')).toBe('01XY89');
    expect(textOf(alice, 'f.txt')).toBe('01XY89');
  });

  it('sends a paste, a new file and a delete too large for one frame in parts, losing nothing', async () => {
    // 64 KiB frames: a change may carry 16 Ki code units of text.
    server = await startTestServer({ connection: { maxFrameSize: 64 * 1024 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    must(alice.createFile('f.txt', 'start'));
    const paste = '0123456789\u00e9\ud83d\ude00'.repeat(20_000); // 260,000 code units
    must(alice.insert('f.txt', 2, paste));
    must(alice.createFile('big.txt', 'b'.repeat(100_000)));
    must(alice.createFile('doomed.txt', 'd'.repeat(150_000)));
    await alice.whenSynced();
    must(alice.remove('doomed.txt'));
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'f.txt')).toBe(`st${paste}art`);
    expect(textOf(bob, 'big.txt')).toBe('b'.repeat(100_000));
    expect(bob.state.resolve('doomed.txt').ok).toBe(false);
    expect(same(alice, bob)).toBe(true);
  });

  it('sends a change of many ops with long names, too large for one frame, in halves', async () => {
    server = await startTestServer({ connection: { maxFrameSize: 16 * 1024 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    must(alice.createDir('wait')); // in flight, so that the 300 dirs below wait in the buffer
    for (let i = 0; i < 300; i++)
      must(alice.createDir(`${String(i).padStart(3, '0')}${'n'.repeat(120)}`));
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    const bob = await (await client('bob')).open('w');
    const listed = bob.state.list('');
    expect(listed.ok && listed.value.length).toBe(301);
    expect(same(alice, bob)).toBe(true);
  });

  it("deletes a directory whose listing alone fills a frame: its children's deletes first", async () => {
    server = await startTestServer({ connection: { maxFrameSize: 4 * 1024 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    must(alice.createDir('big'));
    must(alice.createDir('big/sub'));
    for (let i = 0; i < 60; i++) {
      must(alice.createFile(`big/${String(i).padStart(2, '0')}${'n'.repeat(100)}`, ''));
      must(alice.createFile(`big/sub/${String(i).padStart(2, '0')}${'s'.repeat(100)}`, ''));
    }
    must(alice.createFile('keep.txt', 'kept'));
    await alice.whenSynced();
    const bob = await (await client('bob')).open('w');
    // One op carrying 122 names, and big/sub's delete alone 61 of them: more than 4 KiB.
    must(alice.remove('big'));
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    expect(alice.state.resolve('big').ok).toBe(false);
    await until(() => bob.revision === alice.revision, 'bob caught up', 5_000);
    expect(bob.state.resolve('big').ok).toBe(false);
    expect(textOf(bob, 'keep.txt')).toBe('kept');
    expect(same(alice, bob)).toBe(true);
  });

  it('rolls back with LIMIT_EXCEEDED one op that no frame can hold, and carries on', async () => {
    // 512-byte frames, and a rename between two names of 255 bytes: the op carries both.
    server = await startTestServer({ connection: { maxFrameSize: 512 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    const from = 'f'.repeat(255);
    must(alice.createDir(from));
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    must(alice.rename(from, 't'.repeat(255)));
    await alice.whenSynced();
    expect(rejected).toEqual(['LIMIT_EXCEEDED']);
    expect(alice.state.resolve(from).ok).toBe(true);
    must(alice.createFile('after.txt', 'still syncing'));
    await alice.whenSynced();
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'after.txt')).toBe('still syncing');
    expect(same(alice, bob)).toBe(true);
  });

  it('syncs a 5 MB paste, and opens the workspace that holds it, at the default limits', async () => {
    server = await startTestServer();
    const alice = await (await client('alice')).open('w', { create: true });
    must(alice.createFile('log.txt', ''));
    must(alice.insert('log.txt', 0, 'x'.repeat(5 * 1024 * 1024)));
    await alice.whenSynced();
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'log.txt')).toHaveLength(5 * 1024 * 1024);
  });

  it("refuses at once a local change past the server's file size, and applies nothing", async () => {
    server = await startTestServer({ limits: { maxFileLength: 10 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    must(alice.createFile('f.txt', '0123456789'));
    const over = alice.insert('f.txt', 10, '!');
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.error.code).toBe('FILE_TOO_LARGE');
      expect(over.error.details).toMatchObject({ path: 'f.txt', limit: 10, actual: 11 });
    }
    const created = alice.createFile('g.txt', 'x'.repeat(11));
    expect(!created.ok && created.error.code).toBe('FILE_TOO_LARGE');
    await alice.whenSynced();
    expect(textOf(alice, 'f.txt')).toBe('0123456789');
    expect(alice.state.resolve('g.txt').ok).toBe(false);
    expect(rejected).toEqual([]);
  });

  it('refuses at once a name longer than the server takes (its Welcome says), and carries on', async () => {
    // The operator allows shorter names than the client's defaults: a 1.0 server's decoder
    // refused such a create, and the client rolled it back; the Welcome now states the limit.
    server = await startTestServer({ protocol: { maxNameBytes: 8, maxPathDepth: 2 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    const long = alice.createFile('a-rather-long-name.txt', 'lost');
    expect(!long.ok && long.error.code).toBe('INVALID_PATH');
    expect(!long.ok && long.error.details).toMatchObject({ limit: 8 });
    // And no deeper than the server's two levels.
    must(alice.createDir('d'));
    must(alice.createDir('d/e'));
    const deep = alice.createDir('d/e/f');
    expect(!deep.ok && deep.error.details).toMatchObject({ reason: 'too-deep', limit: 2 });
    expect(alice.state.resolve('a-rather-long-name.txt').ok).toBe(false);
    must(alice.createFile('ok.txt', 'kept'));
    await alice.whenSynced();
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'ok.txt')).toBe('kept');
    expect(rejected).toEqual([]);
  });

  it("sends a paste longer than the server's string limit (its Welcome says) in parts", async () => {
    // Frames as usual, but strings of at most 4 KiB: a 10,000-character paste must be cut.
    server = await startTestServer({ protocol: { maxStringBytes: 4_096 } });
    const alice = await (await client('alice')).open('w', { create: true });
    const rejected: string[] = [];
    alice.on('rejected', (e) => rejected.push(e.error.code));
    must(alice.createFile('f.txt', ''));
    const paste = 'abcdefghij'.repeat(1_000);
    must(alice.insert('f.txt', 0, paste));
    await alice.whenSynced();
    expect(rejected).toEqual([]);
    const bob = await (await client('bob')).open('w');
    expect(textOf(bob, 'f.txt')).toBe(paste);
  });

  it('refuses at once what its scopes forbid, applying and sending nothing of it', async () => {
    server = await startTestServer();
    const admin = await (await client('root')).open('w', { create: true });
    must(admin.createDir('locked'));
    must(admin.createFile('open.txt', 'hello'));
    await admin.whenSynced();
    const scopes = ['read:**', 'write:open.txt', 'create:open.txt', '!write:locked/**'];
    const guest = await client('guest', { scopes });
    expect(guest.scopes).toEqual(scopes);
    const submits = tapOf(guest).countSubmits();
    const limited = await guest.open('w');
    const rejected: string[] = [];
    limited.on('rejected', (e) => rejected.push(e.error.code));
    expect(limited.allows('write', 'open.txt')).toBe(true);
    expect(limited.allows('create', 'locked/secret.txt')).toBe(false);
    expect(limited.allows('delete', 'open.txt')).toBe(false);
    const secret = limited.createFile('locked/secret.txt', 'nope');
    expect(!secret.ok && secret.error.code).toBe('PERMISSION_DENIED');
    expect(!secret.ok && secret.error.details).toMatchObject({
      verb: 'create',
      path: 'locked/secret.txt',
    });
    const gone = limited.remove('open.txt');
    expect(!gone.ok && gone.error.code).toBe('PERMISSION_DENIED');
    expect(submits()).toBe(0);
    must(limited.insert('open.txt', 5, '!'));
    await limited.whenSynced();
    await until(() => admin.revision === limited.revision, 'same revision');
    expect(limited.state.resolve('locked/secret.txt').ok).toBe(false);
    expect(textOf(admin, 'open.txt')).toBe('hello!');
    expect(same(admin, limited)).toBe(true);
    expect(submits()).toBe(1);
    expect(rejected).toEqual([]);
  });

  it('refuses at once a change that goes out in parts needing rights it lacks', async () => {
    // Strings of 4 KiB: a file of 3,000 characters goes as the file and then edits (write), and
    // its delete as edits emptying it and then the delete.
    server = await startTestServer({ protocol: { maxStringBytes: 4_096 } });
    const admin = await (await client('root')).open('w', { create: true });
    must(admin.createFile('big.txt', 'b'.repeat(3_000)));
    await admin.whenSynced();
    const guest = await client('guest', { scopes: ['read:**', 'create:**', 'delete:**'] });
    const submits = tapOf(guest).countSubmits();
    const limited = await guest.open('w');
    const made = limited.createFile('new.txt', 'n'.repeat(3_000));
    expect(!made.ok && made.error.code).toBe('PERMISSION_DENIED');
    expect(!made.ok && made.error.message).toContain('goes out in parts');
    const gone = limited.remove('big.txt');
    expect(!gone.ok && gone.error.code).toBe('PERMISSION_DENIED');
    // What fits in one message needs no more than it says.
    must(limited.createFile('small.txt', 's'.repeat(500)));
    await limited.whenSynced();
    expect(submits()).toBe(1);
    await until(() => admin.revision === limited.revision, 'same revision');
    expect(same(admin, limited)).toBe(true);
    expect(textOf(admin, 'big.txt')).toHaveLength(3_000);
  });

  it('refuses at once an undo its scopes forbid, keeping the typing buffered with it', async () => {
    server = await startTestServer();
    const admin = await (await client('root')).open('w', { create: true });
    must(admin.createDir('notes'));
    await admin.whenSynced();
    // May create and write notes, never delete them.
    const guest = await client('guest', {
      scopes: ['read:**', 'create:notes/**', 'write:notes/**'],
    });
    const submits = tapOf(guest).countSubmits();
    const limited = await guest.open('w');
    must(limited.createFile('notes/n.txt', 'kept'));
    await limited.whenSynced();
    expect(submits()).toBe(1);
    const rejected: Array<{ code: string; message: string }> = [];
    limited.on('rejected', (e) => rejected.push({ code: e.error.code, message: e.error.message }));
    // Typing and a create, both pending; then an undo of the create (a delete): the undo is
    // refused, and the typing and the create go out.
    must(limited.insert('notes/n.txt', 4, '!'));
    must(limited.createFile('notes/m.txt', ''));
    expect(limited.undo()).toBe(false);
    expect(textOf(limited, 'notes/m.txt')).toBe('');
    await limited.whenSynced();
    await until(() => rejected.length === 1, 'the refusal reported');
    expect(rejected).toEqual([
      { code: 'PERMISSION_DENIED', message: expect.stringContaining("delete on 'notes/m.txt'") },
    ]);
    expect(textOf(limited, 'notes/n.txt')).toBe('kept!');
    expect(submits()).toBeGreaterThanOrEqual(2);
    await until(() => admin.revision === limited.revision, 'same revision');
    expect(textOf(admin, 'notes/n.txt')).toBe('kept!');
    expect(same(admin, limited)).toBe(true);
  });

  it('refuses before sending an edit that a concurrent move took out of its scopes', async () => {
    const { admin, again } = await editMovedOutOfScope();
    const submits = tapOf(again).countSubmits();
    const limited = await again.open('w');
    const rejected: string[] = [];
    limited.on('rejected', (e) => rejected.push(e.error.code));
    await limited.whenSynced();
    expect(rejected).toEqual(['PERMISSION_DENIED']);
    expect(submits()).toBe(0);
    expect(textOf(limited, 'archive/f.txt')).toBe('text');
    expect(same(admin, limited)).toBe(true);
  });

  it('leaves a refusal made here to the next open when the handle closes before it is told', async () => {
    // The refusal comes a task later (refuseLater); a handle closed meanwhile says nothing and
    // saves the change as in flight, and the next open sends it for the server to answer. The
    // sender reads `closed` from the handle when the task runs (not a copy taken earlier).
    const { admin, again } = await editMovedOutOfScope();
    const submits = tapOf(again).countSubmits();
    const closing = await again.open('w');
    const toldClosed: string[] = [];
    closing.on('rejected', (e) => toldClosed.push(e.error.code));
    closing.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(toldClosed).toEqual([]);
    expect(submits()).toBe(0);
    const reopened = await again.open('w');
    const told: string[] = [];
    reopened.on('rejected', (e) => told.push(e.error.code));
    await until(() => told.length > 0, 'the refusal');
    await reopened.whenSynced();
    expect(told).toEqual(['PERMISSION_DENIED']);
    expect(submits()).toBe(1);
    expect(textOf(reopened, 'archive/f.txt')).toBe('text');
    expect(same(admin, reopened)).toBe(true);
  });

  it("undoes only this user's changes, keeping another user's concurrent text", async () => {
    server = await startTestServer();
    const a = await (await client('alice')).open('w', { create: true });
    must(a.createFile('doc.txt', 'base'));
    await a.whenSynced();
    const b = await (await client('bob')).open('w');
    must(a.insert('doc.txt', 4, ' alice'));
    await a.whenSynced();
    await until(() => b.revision === a.revision, 'bob sees alice');
    must(b.insert('doc.txt', 0, 'bob '));
    must(b.insert('doc.txt', textOf(b, 'doc.txt').length, ' end'));
    await b.whenSynced();
    await until(() => a.revision === b.revision, 'alice sees bob');
    expect(textOf(a, 'doc.txt')).toBe('bob base alice end');
    expect(a.undo()).toBe(true);
    expect(textOf(a, 'doc.txt')).toBe('bob base end');
    expect(a.redo()).toBe(true);
    expect(textOf(a, 'doc.txt')).toBe('bob base alice end');
    await a.whenSynced();
    await until(() => a.revision === b.revision, 'converged');
    expect(textOf(b, 'doc.txt')).toBe('bob base alice end');
  });

  it('groups consecutive typing into one undo step, and undoes structure too', async () => {
    server = await startTestServer();
    const a = await (await client('alice')).open('w', { create: true });
    must(a.createFile('t.txt', ''));
    for (const ch of 'hello') must(a.insert('t.txt', textOf(a, 't.txt').length, ch));
    expect(a.undo()).toBe(true);
    expect(textOf(a, 't.txt')).toBe('');
    expect(a.undo()).toBe(true);
    expect(a.state.resolve('t.txt').ok).toBe(false);
    expect(a.undo()).toBe(false);
    expect(a.redo()).toBe(true);
    expect(textOf(a, 't.txt')).toBe('');
  });

  it('shares presence and maps remote cursors through later edits', async () => {
    server = await startTestServer({ limits: { presencePerSecond: 1000 } });
    const a = await (await client('alice')).open('w', { create: true });
    must(a.createFile('f.txt', 'hello world'));
    await a.whenSynced();
    const b = await (await client('bob')).open('w');
    const got = new Promise<void>((resolve) => a.on('presence', () => resolve()));
    must(b.setPresence({ 'f.txt': [{ anchor: 6, head: 11 }] }, { name: 'Bob' }));
    await got;
    const id = must(a.state.resolve('f.txt')).id;
    expect(a.presence[0]).toMatchObject({ subject: 'bob', state: { name: 'Bob' } });
    expect(a.presence[0]!.files[id]).toEqual([{ anchor: 6, head: 11 }]);
    must(a.insert('f.txt', 0, '>> '));
    expect(a.presence[0]!.files[id]).toEqual([{ anchor: 9, head: 14 }]);
  });

  it('rebases pending edits onto a snapshot when the server no longer has its history', async () => {
    server = await startTestServer({
      persistence: { snapshotEveryRevisions: 5, retainRevisions: 5, recentWindow: 5 },
      limits: { recentWindow: 5 },
    });
    const store = new MemoryPendingStore();
    const first = await client('bob', { storage: store });
    const b = await first.open('w', { create: true });
    must(b.createFile('f.txt', 'start'));
    await b.whenSynced();
    await goOffline(first);
    must(b.insert('f.txt', 0, 'BOB:'));
    await b.whenSaved();
    const a = await (await client('alice')).open('w');
    for (let i = 0; i < 30; i++) {
      must(a.insert('f.txt', textOf(a, 'f.txt').length, '.'));
      await a.whenSynced();
    }
    await new Promise((r) => setTimeout(r, 50));
    const again = await client('bob', { storage: store });
    const b2 = await again.open('w');
    const rebased = new Promise<void>((resolve) => b2.on('rebased', () => resolve()));
    await rebased;
    await b2.whenSynced();
    await until(() => a.revision === b2.revision, 'converged');
    expect(textOf(b2, 'f.txt')).toBe(`BOB:start${'.'.repeat(30)}`);
    expect(textOf(a, 'f.txt')).toBe(textOf(b2, 'f.txt'));
  });

  it('works over a tcp:// URL as over ws://', async () => {
    server = await startTestServer();
    const overTcp = await (await client('alice', { via: 'tcp' })).open('w', { create: true });
    must(overTcp.createFile('f.txt', 'sent over TCP'));
    await overTcp.whenSynced();
    const overWs = await (await client('bob')).open('w');
    expect(textOf(overWs, 'f.txt')).toBe('sent over TCP');
  });

  it('keeps edits not yet sent across a close and an immediate reopen', async () => {
    server = await startTestServer();
    const c = await client('alice');
    const first = await c.open('w', { create: true });
    must(first.createFile('f.txt', ''));
    // One change goes out; the rest wait in the buffer for its ack, which the close outruns.
    for (let i = 0; i < 5; i++) must(first.insert('f.txt', i, String(i)));
    first.close();
    const again = await c.open('w');
    await again.whenSynced();
    expect(textOf(again, 'f.txt')).toBe('01234');
    const other = await (await client('bob')).open('w');
    expect(textOf(other, 'f.txt')).toBe('01234');
  });

  it("numbers a fresh handle's changes above the server's last seq for its client id, so none passes for a duplicate", async () => {
    server = await startTestServer();
    // The first client's edits go out as seqs 1, 2, ...; its memory store goes with it.
    const first = await client('alice', { clientId: 'fixed' });
    const before = await first.open('w', { create: true });
    must(before.createFile('f.txt', 'one'));
    await before.whenSynced();
    must(before.insert('f.txt', 3, ' two'));
    await before.whenSynced();
    await first.close();
    // The same client id with nothing saved: its first change must not reuse seq 1.
    const again = await (await client('alice', { clientId: 'fixed' })).open('w');
    must(again.insert('f.txt', 0, 'KEPT '));
    await again.whenSynced();
    const reader = await (await client('bob')).open('w');
    expect(textOf(reader, 'f.txt')).toBe('KEPT one two');
    expect(textOf(again, 'f.txt')).toBe('KEPT one two');
  });

  it('gives two opens of one workspace made at once the same handle', async () => {
    server = await startTestServer();
    const c = await client('alice');
    const [one, two] = await Promise.all([c.open('w', { create: true }), c.open('w')]);
    expect(two).toBe(one);
  });

  it('refuses a config without url or connect, and a token function that fails', async () => {
    await expect(Client.connect({ token: 't' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    server = await startTestServer();
    await expect(
      client('alice', {
        token: () => {
          throw new Error('the sign-in expired');
        },
      }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID', message: /the sign-in expired/ });
  });

  it('fails an open while disconnected, and after close, with CONNECTION_CLOSED', async () => {
    server = await startTestServer();
    const c = await client('alice');
    await goOffline(c);
    await expect(c.open('w', { create: true })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
    await c.close();
    await expect(c.open('w', { create: true })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
  });

  it('refuses edits, undo and redo on a closed handle', async () => {
    server = await startTestServer();
    const ws = await (await client('alice')).open('w', { create: true });
    must(ws.createFile('f.txt', 'x'));
    must(ws.insert('f.txt', 1, 'z'));
    expect(ws.undo()).toBe(true);
    ws.close();
    for (const edit of [
      ws.insert('f.txt', 0, 'y'),
      ws.createFile('g.txt'),
      ws.change((b) => b.delete('f.txt')),
    ]) {
      expect(edit).toMatchObject({ ok: false, error: { code: 'NOT_OPEN' } });
    }
    // Either would change the state and save it into a store the handle no longer owns.
    expect([ws.canUndo, ws.canRedo, ws.undo(), ws.redo()]).toEqual([false, false, false, false]);
    expect(textOf(ws, 'f.txt')).toBe('x');
  });

  it('saves at most once per saveDelayMs, at once on close, and reports a failed save as storeFailed', async () => {
    const { store, c, ws, failures } = await slowSaves();
    must(ws.createFile('f.txt', ''));
    for (let i = 0; i < 10; i++) must(ws.insert('f.txt', i, String(i)));
    await ws.whenSynced();
    expect(store.saves).toBe(0); // the window has not passed: nothing written yet
    store.failing = true;
    await c.close();
    expect(store.saves).toBe(1);
    expect(failures).toEqual([store.failure]);
  });

  it('saves what waits at once on whenSaved, resolving once it is stored or rejecting with the failure', async () => {
    const { store, c, ws, failures } = await slowSaves();
    const stored = async () => JSON.stringify(await store.load(store.lastKey!));
    must(ws.createFile('f.txt', 'typed'));
    await ws.whenSaved(); // long before the 60 s window ends
    expect(store.saves).toBe(1);
    expect(await stored()).toContain('typed');
    await ws.whenSaved(); // nothing waits: nothing more is written
    expect(store.saves).toBe(1);
    store.failing = true;
    must(ws.insert('f.txt', 0, 'lost '));
    await expect(ws.whenSaved()).rejects.toBe(store.failure);
    expect(failures).toEqual([store.failure]);
    store.failing = false;
    must(ws.insert('f.txt', 0, 'kept '));
    ws.close();
    await ws.whenSaved(); // the save close made
    expect(store.saves).toBe(3);
    expect(await stored()).toContain('kept lost ');
    await c.close();
    expect(store.saves).toBe(3);
  });
});

/**
 * A client whose saves wait a minute (so none happens unless asked for), on a store that counts
 * them, with a handle of a new workspace and the errors of its `storeFailed` events.
 */
async function slowSaves() {
  server = await startTestServer();
  const store = new SaveCountingStore();
  const c = await client('alice', { storage: store, saveDelayMs: 60_000 });
  const ws = await c.open('w', { create: true });
  const failures: unknown[] = [];
  ws.on('storeFailed', (e) => failures.push(e.error));
  return { store, c, ws, failures };
}

/** A memory store that remembers the key it last saved under. */
class KeyedStore extends MemoryPendingStore {
  lastKey: string | undefined;

  override async save(key: string, value: PersistedWorkspace): Promise<void> {
    this.lastKey = key;
    await super.save(key, value);
  }
}

/** A memory store that counts saves, and fails them while `failing` is set. */
class SaveCountingStore extends KeyedStore {
  saves = 0;
  failing = false;
  readonly failure = new Error('the disk is full');
  override async save(key: string, value: PersistedWorkspace): Promise<void> {
    this.saves++;
    if (this.failing) throw this.failure;
    await super.save(key, value);
  }
}
