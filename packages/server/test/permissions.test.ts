import { insert } from '@dist-space/ot-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  build,
  edit,
  startTestServer,
  TestClient,
  type TestServer,
  token,
} from './support/harness.js';

// One test per permission rule, against a live server: the session's scopes decide what it may
// open, read, change and administer, on the paths as they are when the change applies.

let s: TestServer;
let admin: TestClient;
const ALL = ['read:**', 'write:**', 'create:**', 'delete:**', 'admin'];

beforeEach(async () => {
  s = await startTestServer();
  admin = await TestClient.session(s, 'admin', { scopes: ALL, clientId: 'admin' });
  const { state } = await admin.open('w');
  const seedChange = build(state, 'admin', (b) => {
    b.createDir('src');
    b.createFile('src/a.ts', 'a');
    b.createDir('lib');
    b.createFile('lib/b.ts', 'b');
    b.createDir('secret');
    b.createFile('secret/key.pem', 'KEY');
    b.createDir('caf\u00e9');
    b.createFile('caf\u00e9/menu.md', 'menu');
  });
  expect((await admin.submit('w', 0, seedChange)).type).toBe('Ack');
});
afterEach(() => s.stop());

async function as(scopes: string[], clientId: string) {
  const c = await TestClient.session(s, clientId, { scopes, clientId });
  const opened = await c.open('w', false);
  return { c, ...opened };
}

async function expectDenied(
  c: TestClient,
  revision: number,
  change: Parameters<TestClient['submit']>[2],
  path: string,
) {
  const reply = await c.submit('w', revision, change);
  expect(reply.type).toBe('Reject');
  if (reply.type !== 'Reject') return;
  expect(reply.error.code).toBe('PERMISSION_DENIED');
  expect(reply.error.details).toMatchObject({ path });
}

describe('permissions on a live server', () => {
  it('rejects an edit outside the write scope whole, naming the path and the missing scope', async () => {
    const { c, state, revision } = await as(['read:**', 'write:src/**'], 'w1');
    const change = build(state, 'w1', (b) => {
      b.edit('src/a.ts', [insert(0, 'ok')]);
      b.edit('lib/b.ts', [insert(0, 'no')]);
    });
    const reply = await c.submit('w', revision, change);
    expect(reply).toMatchObject({ type: 'Reject', error: { code: 'PERMISSION_DENIED' } });
    if (reply.type === 'Reject') {
      expect(reply.error.details).toMatchObject({
        path: 'lib/b.ts',
        missingScope: 'write:lib/b.ts',
      });
    }
    // Nothing of it was applied: src/a.ts is unchanged.
    expect((await c.open('w', false)).state.read('src/a.ts')).toEqual({ ok: true, value: 'a' });
  });

  it('refuses a move that would take paths beneath it past the depth limit, whoever sends it', async () => {
    const { state, revision } = await admin.open('w', false);
    const deep = Array.from({ length: 60 }, () => 'd').join('/');
    const tree = build(
      state,
      'admin',
      (b) => {
        for (let depth = 1; depth <= 60; depth++) b.createDir(deep.slice(0, 2 * depth - 1));
        for (const dir of ['e', 'e/f', 'e/f/g', 'e/f/g/h', 'e/f/g/h/i']) b.createDir(dir);
      },
      500,
    );
    expect(await admin.submit('w', revision, tree)).toMatchObject({ type: 'Ack' });
    const { state: built } = await admin.open('w', false);
    // e lands at depth 61, within the limit; e/f/g/h/i would be at 65.
    const move = build(built, 'admin', (b) => void b.move('e', `${deep}/e`), 600);
    expect(move).toHaveLength(1);
    expect(await admin.submit('w', revision + 1, move)).toMatchObject({
      type: 'Reject',
      error: { code: 'INVALID_PATH', details: { reason: 'too-deep' } },
    });
  });

  it('lets a deny scope win over a grant', async () => {
    const { c, state, revision } = await as(['read:**', 'write:**', '!write:secret/**'], 'w2');
    await expectDenied(
      c,
      revision,
      build(state, 'w2', (b) => void b.edit('secret/key.pem', [insert(0, 'x')])),
      'secret/key.pem',
    );
  });

  it('needs delete on the source of a rename: no renaming out of a scope', async () => {
    const { c, state, revision } = await as(['read:**', 'create:**', 'delete:lib/**'], 'w3');
    await expectDenied(
      c,
      revision,
      build(state, 'w3', (b) => void b.rename('src/a.ts', 'lib/a.ts')),
      'src/a.ts',
    );
  });

  it('needs create on the target of a rename: no renaming into a forbidden path', async () => {
    const { c, state, revision } = await as(['read:**', 'create:lib/**', 'delete:**'], 'w4');
    await expectDenied(
      c,
      revision,
      build(state, 'w4', (b) => void b.rename('lib/b.ts', 'src/b.ts')),
      'src/b.ts',
    );
    const ok = await c.submit(
      'w',
      revision,
      build(state, 'w4', (b) => void b.rename('src/a.ts', 'lib/a.ts')),
    );
    expect(ok.type).toBe('Ack');
  });

  it('needs the right on every path a directory operation touches', async () => {
    const { c, state, revision } = await as(['read:**', 'delete:src', 'delete:lib/**'], 'w5');
    // Deleting src also deletes src/a.ts, which delete:src does not cover.
    await expectDenied(
      c,
      revision,
      build(state, 'w5', (b) => void b.delete('src')),
      'src/a.ts',
    );
    expect(
      (
        await c.submit(
          'w',
          revision,
          build(state, 'w5', (b) => void b.delete('lib')),
        )
      ).type,
    ).toBe('Ack');
  });

  it('checks an edit on the path it has after a concurrent rename moved it into a forbidden place', async () => {
    const { c, state, revision } = await as(['read:**', 'write:src/**'], 'w6');
    const editBeforeRename = build(state, 'w6', (b) => void b.edit('src/a.ts', [insert(1, '!')]));
    const rename = build(state, 'admin', (b) => void b.rename('src', 'secret/src'), 100);
    expect((await admin.submit('w', revision, rename)).type).toBe('Ack');
    await expectDenied(c, revision, editBeforeRename, 'secret/src/a.ts');
  });

  it('matches composed and decomposed spellings of a name as one (NFC), and refuses non-NFC names', async () => {
    const { c, state, revision } = await as(['read:**', 'write:cafe\u0301/**', 'create:**'], 'w7');
    const r = await c.submit(
      'w',
      revision,
      build(state, 'w7', (b) => void b.edit('cafe\u0301/menu.md', [insert(0, '*')])),
    );
    expect(r.type).toBe('Ack');
    // An op carrying a decomposed name is malformed: names travel in NFC.
    c.send({
      type: 'Submit',
      workspace: 'w',
      baseRevision: revision + 1,
      clientId: 'w7',
      seq: 99,
      change: [
        {
          type: 'createFile',
          id: 'w7:50',
          parent: 'root',
          name: 'cafe\u0301.txt',
          ancestors: [],
          content: '',
        },
      ],
    });
    const error = await c.next(['Error', 'Reject']);
    expect(error.error.code).toMatch(/INVALID_PAYLOAD|INVALID_PATH/);
  });

  it('refuses traversal spellings, NUL and control characters in names and treats %2e%2e as a literal name', async () => {
    const { c, state, revision } = await as(['read:**', 'create:src/**'], 'w8');
    for (const name of ['..', '.', 'a/b', 'a\\b', '', 'a\u0000b', 'a\u001bb', '/abs']) {
      c.send({
        type: 'Submit',
        workspace: 'w',
        baseRevision: revision,
        clientId: 'w8',
        seq: c.nextSeq(),
        change: [
          {
            type: 'createDir',
            id: `w8:${c.nextSeq()}`,
            parent: state.resolve('src').ok
              ? (state.resolve('src') as { value: { id: string } }).value.id
              : 'root',
            name,
            ancestors: [],
          },
        ],
      });
      const reply = await c.next(['Error', 'Reject']);
      expect(reply.error.code, name).toMatch(/INVALID_PAYLOAD|INVALID_PATH/);
    }
    const literal = build(state, 'w8', (b) => void b.createDir('src/%2e%2e'), 500);
    expect((await c.submit('w', revision, literal)).type).toBe('Ack');
    const outside = build(state, 'w8', (b) => void b.createDir('%2e%2e'), 600);
    await expectDenied(c, revision + 1, outside, '%2e%2e');
  });

  it('refuses every write message from a read-only session', async () => {
    const { c, state, revision } = await as(['READ_ONLY'], 'ro');
    const attempts = {
      edit: build(state, 'ro', (b) => void b.edit('src/a.ts', [insert(0, 'x')])),
      createFile: build(state, 'ro', (b) => void b.createFile('n.txt', '')),
      createDir: build(state, 'ro', (b) => void b.createDir('d')),
      delete: build(state, 'ro', (b) => void b.delete('lib/b.ts')),
      move: build(state, 'ro', (b) => void b.rename('lib/b.ts', 'lib/c.ts')),
    };
    for (const [kind, change] of Object.entries(attempts)) {
      const reply = await c.submit('w', revision, change);
      expect(reply.type, kind).toBe('Reject');
      if (reply.type === 'Reject') expect(reply.error.code, kind).toBe('PERMISSION_DENIED');
    }
    c.send({ type: 'Open', requestId: 9, workspace: 'brand-new', create: true });
    expect((await c.next('Error')).error.code).toBe('PERMISSION_DENIED');
    expect((await c.open('w', false)).revision).toBe(revision);
  });

  it('refuses every admin message from a session without the admin scope', async () => {
    const { c } = await as(['read:**', 'write:**'], 'user');
    const messages = [
      { type: 'ListSessions', requestId: 1 },
      { type: 'Kick', requestId: 2, sessionId: 'anything' },
      { type: 'Stats', requestId: 3 },
      { type: 'TailLog', requestId: 4, limit: 10 },
    ] as const;
    for (const m of messages) {
      c.send(m);
      const reply = await c.next('Error');
      expect(reply).toMatchObject({ requestId: m.requestId, error: { code: 'PERMISSION_DENIED' } });
      expect(reply.error.details).toMatchObject({ missingScope: 'admin' });
    }
  });

  it("states the session's scopes and name limits in its Welcome, aliases expanded", async () => {
    const c = await TestClient.connect(s);
    const welcome = await c.hello(
      await token('w', ['READ_ONLY', 'EDIT_FILE:src/**', '!write:src/gen/**', 'admin']),
    );
    expect(welcome.scopes).toEqual(['read:**', 'write:src/**', '!write:src/gen/**', 'admin']);
    expect(welcome.limits).toMatchObject({ maxNameBytes: 255, maxPathDepth: 64 });
    // A glob within its limit once normalised, but longer as written (decomposed accents).
    const long = `read:${'e\u0301'.repeat(600)}`;
    const d = await TestClient.connect(s);
    expect((await d.hello(await token('d', [long]))).scopes).toEqual([long]);
  });

  it('refuses an expired token, and a workspace the token does not list', async () => {
    const expired = await TestClient.connect(s);
    expired.send({
      type: 'Hello',
      version: [1, 0],
      positionEncoding: 'utf-16',
      clientId: 'late',
      token: await token('late', ['read:**'], ['*'], -120),
    });
    expect((await expired.next('Refused')).error.code).toBe('AUTH_EXPIRED');
    expect(await expired.closed()).toBe('AUTH_EXPIRED');

    const none = await TestClient.connect(s);
    none.send({ type: 'Hello', version: [1, 0], positionEncoding: 'utf-16', clientId: 'anon' });
    expect((await none.next('Refused')).error.code).toBe('AUTH_REQUIRED');

    const forged = await TestClient.connect(s);
    forged.send({
      type: 'Hello',
      version: [1, 0],
      positionEncoding: 'utf-16',
      clientId: 'x',
      token: 'a.b.c',
    });
    expect((await forged.next('Refused')).error.code).toBe('AUTH_INVALID');

    const narrow = await TestClient.session(s, 'n', { workspaces: ['other-*'] });
    narrow.send({ type: 'Open', requestId: 3, workspace: 'w' });
    expect((await narrow.next('Error')).error.code).toBe('WORKSPACE_FORBIDDEN');
  });

  it('ends a silent session when its token expires, before it receives anything more', async () => {
    const silent = await TestClient.connect(s, 'ws', 'silent');
    await silent.hello(await token('silent', ['read:**'], ['*'], 1));
    const { revision } = await silent.open('w', false);
    // The token expires within a second; the session sends nothing meanwhile.
    const goodbye = await silent.next('Goodbye', 3000);
    expect(goodbye.error.code).toBe('AUTH_EXPIRED');
    expect(await silent.closed()).toBe('AUTH_EXPIRED');
    const { state } = await admin.open('w', false);
    const after = await admin.submit('w', revision, edit(state, 'src/a.ts', [insert(0, 'x')]));
    expect(after.type).toBe('Ack');
    expect(silent.drain(['Broadcast', 'Presence'])).toEqual([]);
  });

  it('ends a session whose token expired at its next message, without waiting for the expiry timer', async () => {
    const late = await TestClient.connect(s, 'ws', 'late-talker');
    await late.hello(await token('late-talker', ['read:**'], ['*'], 3600));
    const { revision } = await late.open('w', false);
    // Only the clock moves: the timer armed for the hour's end stays far off, so what ends the
    // session is the check of the message itself.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
      late.send({ type: 'Catchup', requestId: 9, workspace: 'w', sinceRevision: revision });
      const goodbye = await late.next('Goodbye', 3000);
      expect(goodbye.error.code).toBe('AUTH_EXPIRED');
      expect(await late.closed()).toBe('AUTH_EXPIRED');
    } finally {
      vi.useRealTimers();
    }
    expect(late.drain(['Snapshot', 'Changes', 'Error'])).toEqual([]);
  });

  it('tells a session nothing of a file it may not read: a hidden id is answered as an absent one', async () => {
    const { c, revision } = await as(['read:src/**', 'write:src/**'], 'blind');
    const full = await admin.open('w', false);
    const hiddenEdit = edit(full.state, 'secret/key.pem', [insert(0, 'x')]);
    const hiddenId = hiddenEdit[0]!.id;
    const absentEdit = hiddenEdit.map((op) => ({ ...op, id: 'nobody:404' })) as typeof hiddenEdit;
    const hidden = await c.submit('w', revision, hiddenEdit);
    const absent = await c.submit('w', revision, absentEdit);
    expect(hidden).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
    expect(absent).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
    if (hidden.type !== 'Reject' || absent.type !== 'Reject') return;
    expect(hidden.error.details).toEqual({ index: 0, id: hiddenId });
    expect(hidden.error.message).toBe(absent.error.message.replaceAll('nobody:404', hiddenId));
    // Neither a delete of the hidden file nor a create in its hidden directory names a path.
    const others = [
      build(full.state, 'blind', (b) => void b.delete('secret/key.pem')),
      build(full.state, 'blind', (b) => void b.createFile('secret/new.pem', '')),
    ];
    for (const change of others) {
      const reply = await c.submit('w', revision, change);
      expect(reply).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(reply)).not.toMatch(/secret|key\.pem/);
    }
    // Presence in the hidden file gets the silence a deleted file gets.
    c.send({
      type: 'Presence',
      workspace: 'w',
      revision: full.revision,
      files: { [hiddenId]: { selections: [{ anchor: 0, head: 0 }] } },
    });
    await c.open('w', false);
    expect(c.drain(['Error'])).toEqual([]);
  });

  it('answers a change on a hidden node that does not apply as one on an absent id: no oracle of its length or content', async () => {
    const { c, revision } = await as(['read:src/**', 'write:src/**'], 'prober');
    const full = await admin.open('w', false);
    const hiddenId = edit(full.state, 'secret/key.pem', [insert(0, 'x')])[0]!.id;
    const [deleteOp] = build(full.state, 'prober', (b) => void b.delete('secret/key.pem'));
    if (deleteOp?.type !== 'delete' || deleteOp.removed.kind !== 'file') throw new Error('delete');
    // Probes whose failure would tell the file's length (an insert past its end) or its content
    // (a delete recording other content than the file's); the right guess would be denied.
    const probes = [
      [{ type: 'edit', id: hiddenId, change: [insert(50, 'x')] }],
      [{ ...deleteOp, removed: { ...deleteOp.removed, content: 'GUESS' } }],
    ] as const;
    for (const probe of probes) {
      // The same op on an id that names nothing (a delete records the id it removes too).
      const absent = probe.map((op) =>
        op.type === 'delete'
          ? { ...op, id: 'nobody:404', removed: { ...op.removed, id: 'nobody:404' } }
          : { ...op, id: 'nobody:404' },
      );
      const onHidden = await c.submit('w', revision, [...probe]);
      const onAbsent = await c.submit('w', revision, absent);
      expect(onAbsent).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
      expect(onHidden).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
      if (onHidden.type !== 'Reject' || onAbsent.type !== 'Reject') return;
      expect(onHidden.error.details).toEqual({ index: 0, id: hiddenId });
      expect(onHidden.error.message).toBe(
        onAbsent.error.message.replaceAll('nobody:404', hiddenId),
      );
    }
  });

  it('answers a bad create into a hidden directory as one into an absent directory', async () => {
    const { c, revision } = await as(['read:src/**', 'write:src/**', 'create:src/**'], 'prober2');
    const full = await admin.open('w', false);
    const [create] = build(full.state, 'prober2', (b) => void b.createFile('secret/x.pem', ''));
    if (create?.type !== 'createFile') throw new Error('create');
    const visibleId = edit(full.state, 'src/a.ts', [insert(0, 'x')])[0]!.id;
    // The id is taken (a visible file's): apply says so before it looks at the directory, so
    // the hidden directory and an absent one must get that same answer.
    const taken = { ...create, id: visibleId };
    const inHidden = await c.submit('w', revision, [taken]);
    const inAbsent = await c.submit('w', revision, [{ ...taken, parent: 'nobody:404' }]);
    expect(inAbsent).toMatchObject({ type: 'Reject', error: { code: 'ALREADY_EXISTS' } });
    expect(inHidden).toMatchObject({ type: 'Reject', error: { code: 'ALREADY_EXISTS' } });
    // A fresh id: the hidden directory is answered as an absent one.
    const fresh = await c.submit('w', revision, [create]);
    expect(fresh).toMatchObject({ type: 'Reject', error: { code: 'NOT_FOUND' } });
    expect(JSON.stringify(fresh)).not.toMatch(/secret/);
  });

  it('shows a session only what it may read: snapshot, broadcasts and presence', async () => {
    const { c, state } = await as(['read:src/**', 'read:lib/**', 'write:**'], 'viewer');
    const paths = [...state.walk()].map((n) => state.pathOf(n.id)).sort();
    expect(paths).toEqual(['lib', 'lib/b.ts', 'src', 'src/a.ts']);
    const full = await admin.open('w', false);
    // An edit to a hidden file arrives as an empty change (the revision still advances)...
    await admin.submit(
      'w',
      full.revision,
      build(full.state, 'admin', (b) => void b.edit('secret/key.pem', [insert(0, 'x')]), 200),
    );
    const hidden = await c.next('Broadcast');
    expect(hidden.change).toEqual([]);
    // ...a visible one as it is...
    await admin.submit(
      'w',
      full.revision + 1,
      build(full.state, 'admin', (b) => void b.edit('src/a.ts', [insert(0, 'y')]), 201),
    );
    expect((await c.next('Broadcast')).change).toHaveLength(1);
    // ...and a file moved out of view is deleted from it.
    await admin.submit(
      'w',
      full.revision + 2,
      build(full.state, 'admin', (b) => void b.rename('lib/b.ts', 'secret/b.ts'), 202),
    );
    const moved = await c.next('Broadcast');
    expect(moved.change.map((op) => op.type)).toEqual(['delete']);
    // Presence in a hidden file is not forwarded to it.
    const keyId = full.state.resolve('secret/key.pem');
    const aId = full.state.resolve('src/a.ts');
    if (!keyId.ok || !aId.ok) throw new Error('seed files missing');
    admin.send({
      type: 'Presence',
      workspace: 'w',
      revision: full.revision + 3,
      files: {
        [keyId.value.id]: { selections: [{ anchor: 0, head: 0 }] },
        [aId.value.id]: { selections: [{ anchor: 1, head: 1 }] },
      },
    });
    const presence = await c.next('Presence');
    expect(Object.keys(presence.files)).toEqual([aId.value.id]);
  });
  it('sends a filtered view the state before the Ack of its change that took something out of its sight', async () => {
    // May create and rename in src, never read a .pem: what it makes there vanishes from its view.
    const scopes = ['read:src/**', 'create:src/**', 'delete:src/**', '!read:**/*.pem'];
    const { c, revision, state } = await as(scopes, 'hider');
    const made = build(state, 'hider', (b) => void b.createFile('src/new.pem', 'x'));
    const seq = c.sendSubmit('w', revision, made);
    const first = await c.next(['Snapshot', 'Ack']);
    expect(first).toMatchObject({ type: 'Snapshot', requestId: 0, revision: revision + 1 });
    if (first.type === 'Snapshot') expect(first.state.resolve('src/new.pem').ok).toBe(false);
    expect(await c.next('Ack')).toMatchObject({ seq, revision: revision + 1 });
    // A rename out of its sight too; a create it may read needs no snapshot.
    const renamed = build(
      first.type === 'Snapshot' ? first.state : state,
      'hider',
      (b) => void b.rename('src/a.ts', 'src/a.pem'),
      10,
    );
    const seq2 = c.sendSubmit('w', revision + 1, renamed);
    expect(await c.next(['Snapshot', 'Ack'])).toMatchObject({ type: 'Snapshot', lastSeq: seq2 });
    expect(await c.next('Ack')).toMatchObject({ seq: seq2, revision: revision + 2 });
    const plain = build(state, 'hider', (b) => void b.createFile('src/plain.ts', 'y'), 20);
    const seq3 = c.sendSubmit('w', revision + 2, plain);
    expect(await c.next(['Snapshot', 'Ack'])).toMatchObject({ type: 'Ack', seq: seq3 });
  });

  it('sends a filtered view the state before the Ack of its change that crossed tree ops', async () => {
    const { c, revision, state } = await as(['read:src/**', 'write:src/**'], 'settled');
    // Based on `revision`, behind the admin's concurrent rename it cannot see.
    const full = await admin.open('w', false);
    expect(full.revision).toBe(revision);
    await admin.submit(
      'w',
      full.revision,
      build(full.state, 'admin', (b) => void b.rename('lib/b.ts', 'lib/c.ts'), 300),
    );
    const seq = c.sendSubmit('w', revision, edit(state, 'src/a.ts', [insert(0, 'z')]));
    // The state comes first, so that the client builds nothing more on the state it predicted.
    const first = await c.next(['Snapshot', 'Ack']);
    expect(first).toMatchObject({
      type: 'Snapshot',
      requestId: 0,
      revision: revision + 2,
      lastSeq: seq,
    });
    if (first.type === 'Snapshot') expect(first.state.read('src/a.ts')).toMatchObject({ ok: true });
    expect(await c.next('Ack')).toMatchObject({ seq, revision: revision + 2 });
  });
});
