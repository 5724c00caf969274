import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { insert } from '@dist-space/ot-core';
import {
  formatVersion,
  MESSAGE_TYPES,
  type MessageOf,
  PROTOCOL_VERSION,
} from '@dist-space/protocol';
import { Encoder, encode } from '@msgpack/msgpack';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  build,
  edit,
  startTestServer,
  TestClient,
  type TestServer,
  token,
} from './support/harness.js';

// Bad input on a live server: every client message with fields of the wrong type, unknown type
// ids, malformed frames, ops out of range, oversized frames. The server stays up, the session
// gets its documented error and lives on (unless it broke framing or limits), and other
// sessions keep working.

let s: TestServer;
let bystander: TestClient;
beforeEach(async () => {
  s = await startTestServer({ connection: { maxFrameSize: 64 * 1024 } });
  bystander = await TestClient.session(s, 'bystander');
  await bystander.open('w');
});
afterEach(() => s.stop());

/** The bystander can still work: open, submit, and get its ack. */
async function bystanderStillWorks(): Promise<void> {
  const { state, revision } = await bystander.open('w', false);
  const name = `f${revision}-${Math.random().toString(36).slice(2)}`;
  const reply = await bystander.submit(
    'w',
    revision,
    build(state, 'bystander', (b) => void b.createFile(name, '')),
  );
  expect(reply.type).toBe('Ack');
}

/** A payload of every client message's fields, each with a value of the wrong type. */
const WRONG = {
  requestId: 'x',
  workspace: 42,
  create: 'yes',
  baseRevision: -1,
  clientId: {},
  seq: 1.5,
  change: 'nope',
  sinceRevision: [],
  revision: null,
  files: 3,
  state: 'big',
  sessionId: 7,
  reason: 9,
  limit: 'all',
  nonce: 'n',
  version: 'one',
  positionEncoding: 'utf-8',
  token: 5,
  agent: [],
};

describe('bad input on a live server', () => {
  const clientTypes = Object.values(MESSAGE_TYPES).filter(
    (spec) => spec.direction !== 'server-to-client' && spec.name !== 'Hello',
  );

  it.each(clientTypes.map((spec) => [spec.name, spec.id] as const))(
    'answers %s with wrong field types with INVALID_PAYLOAD and carries on',
    async (_name, id) => {
      const c = await TestClient.session(s, 'fuzzy');
      c.sendRaw(encode([id, WRONG]));
      const reply = await c.next('Error');
      expect(reply.error.code).toBe('INVALID_PAYLOAD');
      c.send({ type: 'Ping', nonce: 1 });
      expect((await c.next('Pong')).nonce).toBe(1);
      await bystanderStillWorks();
    },
  );

  it('names the request in the Error for a request it could not read, when it read the id', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    // A wrong field after a readable id; then a frame refused whole before decoding (nesting past
    // maxDepth), whose id is read from its head.
    c.sendRaw(encode([10, { requestId: 5, workspace: 42 }]));
    expect(await c.next('Error')).toMatchObject({
      requestId: 5,
      error: { code: 'INVALID_PAYLOAD', details: { type: 'Open', requestId: 5 } },
    });
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = [deep];
    c.sendRaw(
      new Encoder({ maxDepth: 1_000 }).encode([
        24,
        { requestId: 6, workspace: 'w', sinceRevision: deep },
      ]),
    );
    expect(await c.next('Error')).toMatchObject({
      requestId: 6,
      error: { code: 'LIMIT_EXCEEDED', details: { type: 'Catchup', requestId: 6 } },
    });
    await bystanderStillWorks();
  });

  it('answers an unknown type id with UNKNOWN_TYPE and a frame that is not msgpack with MALFORMED_FRAME', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    c.sendRaw(encode([99, {}]));
    expect((await c.next('Error')).error.code).toBe('UNKNOWN_TYPE');
    c.sendRaw(new Uint8Array([0xc1, 0xff, 0x00]));
    expect((await c.next('Error')).error.code).toBe('MALFORMED_FRAME');
    c.sendRaw(encode('not an envelope'));
    expect((await c.next('Error')).error.code).toBe('MALFORMED_FRAME');
    c.send({ type: 'Ping', nonce: 2 });
    expect((await c.next('Pong')).nonce).toBe(2);
  });

  it('refuses a server-only message from a client with PROTOCOL_VIOLATION', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    c.send({ type: 'Ack', workspace: 'w', seq: 1, revision: 1 });
    expect((await c.next('Error')).error.code).toBe('PROTOCOL_VIOLATION');
  });

  it('refuses anything before Hello and closes the connection', async () => {
    const c = await TestClient.connect(s);
    c.send({ type: 'Open', requestId: 1, workspace: 'w' });
    expect((await c.next('Refused')).error.code).toBe('PROTOCOL_VIOLATION');
    expect(await c.closed()).toBe('PROTOCOL_VIOLATION');
    const garbage = await TestClient.connect(s);
    garbage.sendRaw(new Uint8Array([1, 2, 3, 4]));
    expect(await garbage.closed()).toMatch(/MALFORMED_FRAME|UNKNOWN_TYPE|INVALID_PAYLOAD/);
    await bystanderStillWorks();
  });

  it('refuses a Hello with wrong field types with INVALID_PAYLOAD and closes that connection only', async () => {
    const c = await TestClient.connect(s);
    c.sendRaw(encode([MESSAGE_TYPES.Hello.id, WRONG]));
    expect((await c.next('Refused')).error.code).toBe('INVALID_PAYLOAD');
    expect(await c.closed()).toBe('INVALID_PAYLOAD');
    await bystanderStillWorks();
  });

  it('answers a second Hello with PROTOCOL_VIOLATION and keeps the session working', async () => {
    const c = await TestClient.session(s, 'twice');
    c.send({
      type: 'Hello',
      version: PROTOCOL_VERSION,
      positionEncoding: 'utf-16',
      clientId: c.clientId,
      token: await token('twice'),
    });
    const reply = await c.next('Error');
    expect(reply.error.code).toBe('PROTOCOL_VIOLATION');
    expect(reply.error.message).toContain('Hello was already sent');
    expect((await c.open('w', false)).revision).toBeGreaterThanOrEqual(0);
    expect(c.drain(['Welcome', 'Refused', 'Goodbye'])).toEqual([]);
    expect(c.closedWith).toBeUndefined();
    await bystanderStillWorks();
  });

  it('logs each refused request as a structured record at info: session, workspace and code', async () => {
    const narrow = await TestClient.connect(s);
    const { sessionId: narrowId } = await narrow.hello(await token('narrow', undefined, ['x-*']));
    narrow.send({ type: 'Open', requestId: 4, workspace: 'w' });
    expect((await narrow.next('Error')).error.code).toBe('WORKSPACE_FORBIDDEN');
    const ahead = await TestClient.connect(s);
    const { sessionId: aheadId } = await ahead.hello(await token('ahead'));
    await ahead.open('w', false);
    const reply = await ahead.submit('w', 1_000, []);
    expect(reply.type === 'Reject' && reply.error.code).toBe('INVALID_REVISION');
    ahead.send({ type: 'Presence', workspace: 'unopened', revision: 0, files: {} });
    expect((await ahead.next('Error')).error.code).toBe('NOT_OPEN');
    const records = s.ring.tail(s.ring.capacity);
    const expected = [
      { session: narrowId, workspace: 'w', code: 'WORKSPACE_FORBIDDEN' },
      { session: aheadId, workspace: 'w', code: 'INVALID_REVISION' },
      { session: aheadId, workspace: 'unopened', code: 'NOT_OPEN' },
    ];
    for (const fields of expected) {
      const record = records.find((r) => r.code === fields.code);
      expect(record, fields.code).toMatchObject({ level: 30, ...fields });
      expect(typeof record?.msg, fields.code).toBe('string');
    }
  });

  it('refuses an unknown protocol major version, naming both versions', async () => {
    const c = await TestClient.connect(s);
    c.send({ type: 'Hello', version: [9, 0], positionEncoding: 'utf-16', clientId: 'future' });
    const refused = await c.next('Refused');
    expect(refused.error.message).toContain('9.0');
    expect(refused.error.message).toContain(formatVersion(PROTOCOL_VERSION));
    expect(refused.serverVersion).toEqual(PROTOCOL_VERSION);
  });

  it('rejects ops out of range, or on files that do not exist, with nothing applied', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    const { state, revision } = await c.open('w', false);
    const made = build(state, c.clientId, (b) => void b.createFile('short.txt', 'abc'));
    expect((await c.submit('w', revision, made)).type).toBe('Ack');
    const after = (await c.open('w', false)).state;
    const id = after.resolve('short.txt');
    if (!id.ok) throw id.error;
    const cases: Array<[string, unknown[]]> = [
      [
        'OUT_OF_RANGE',
        [{ type: 'edit', id: id.value.id, change: [{ type: 'insert', pos: 99, text: 'x' }] }],
      ],
      [
        'NOT_FOUND',
        [{ type: 'edit', id: 'nobody:1', change: [{ type: 'insert', pos: 0, text: 'x' }] }],
      ],
    ];
    for (const [code, change] of cases) {
      c.send({
        type: 'Submit',
        workspace: 'w',
        baseRevision: revision + 1,
        clientId: c.clientId,
        seq: c.nextSeq(),
        change: change as never,
      });
      expect((await c.next('Reject')).error.code).toBe(code);
    }
    const base = await c.open('w', false);
    const ahead = await c.submit('w', base.revision + 5, []);
    expect(ahead.type === 'Reject' && ahead.error.code).toBe('INVALID_REVISION');
    expect((await c.open('w', false)).state.read('short.txt')).toEqual({ ok: true, value: 'abc' });
  });

  it('answers a Submit whose change does not decode with a Reject for its seq, or with the original Ack for a seq it has', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    const { state, revision } = await c.open('w', false);
    // A create under a directory whose ancestors do not end with the root: the decoder refuses it.
    const made = build(state, c.clientId, (b) => void b.createDir('d'));
    const dir = made[0]!.id;
    const malformed = [
      {
        type: 'createFile',
        id: `${c.clientId}:9`,
        parent: dir,
        ancestors: [],
        name: 'x',
        content: '',
      },
    ];
    const seq = c.sendSubmit('w', revision, malformed as never);
    const refused = await c.next(['Reject', 'Error']);
    expect(refused).toMatchObject({
      type: 'Reject',
      workspace: 'w',
      seq,
      error: { code: 'INVALID_PAYLOAD', details: { type: 'Submit', field: 'change' } },
    });
    expect((await c.open('w', false)).revision).toBe(revision);
    // A seq the server sequenced, resent in a form it cannot read: its Ack, not a Reject that
    // would make the client take back a change the others have.
    const created = await c.submit('w', revision, made);
    expect(created).toMatchObject({ type: 'Ack', revision: revision + 1 });
    c.sendSubmit('w', revision, malformed as never, created.seq);
    expect(await c.next(['Ack', 'Reject', 'Error'])).toMatchObject({
      type: 'Ack',
      seq: created.seq,
      revision: revision + 1,
    });
    await bystanderStillWorks();
  });

  it('answers a Submit refused whole for a string over the limit with a Reject for its seq', async () => {
    // The frame scan refuses such a frame before decoding it; its address is read from its head.
    const small = await startTestServer({ protocol: { maxStringBytes: 4_096 } });
    try {
      const c = await TestClient.session(small, 'paster');
      const { state, revision } = await c.open('w');
      expect(
        await c.submit(
          'w',
          revision,
          build(state, 'paster', (b) => void b.createFile('f', '')),
        ),
      ).toMatchObject({ type: 'Ack' });
      const { state: after } = await c.open('w', false);
      const seq = c.sendSubmit('w', revision + 1, edit(after, 'f', [insert(0, 'x'.repeat(5_000))]));
      expect(await c.next(['Reject', 'Error'])).toMatchObject({
        type: 'Reject',
        workspace: 'w',
        seq,
        error: { code: 'LIMIT_EXCEEDED', details: { limit: 'maxStringBytes', actual: 5_000 } },
      });
      expect((await c.open('w', false)).revision).toBe(revision + 1);
    } finally {
      await small.stop();
    }
  });

  it('acknowledges a change whose session left the workspace before it was committed', async () => {
    const c = await TestClient.session(s, 'leaver');
    const { state, revision } = await c.open('w', false);
    const change = build(state, c.clientId, (b) => void b.createFile('left.txt', 'x'));
    const seq = c.sendSubmit('w', revision, change);
    c.send({ type: 'Leave', workspace: 'w' });
    expect(await c.next(['Ack', 'Reject'])).toMatchObject({
      type: 'Ack',
      seq,
      revision: revision + 1,
    });
  });

  it('rejects a submit to a workspace the session has not opened, and under another client id', async () => {
    const c = await TestClient.session(s, 'fuzzy');
    expect(await c.submit('w', 0, [])).toMatchObject({
      type: 'Reject',
      error: { code: 'NOT_OPEN' },
    });
    await c.open('w', false);
    c.send({
      type: 'Submit',
      workspace: 'w',
      baseRevision: 0,
      clientId: 'someone-else',
      seq: 50,
      change: [],
    });
    expect((await c.next('Reject')).error.code).toBe('PROTOCOL_VIOLATION');
  });

  it('closes a connection that sends a frame over the limit with LIMIT_EXCEEDED, and only that one', async () => {
    const c = await TestClient.session(s, 'big');
    const { state, revision } = await c.open('w', false);
    const huge = build(
      state,
      c.clientId,
      (b) => void b.createFile('huge.txt', 'x'.repeat(100 * 1024)),
    );
    c.sendRaw(
      new Uint8Array(
        encode([
          20,
          { workspace: 'w', baseRevision: revision, clientId: c.clientId, seq: 1, change: huge },
        ]),
      ),
    );
    expect(await c.closed()).toBe('LIMIT_EXCEEDED');
    await bystanderStillWorks();
  });

  it('rate-limits a session that submits faster than its limit', async () => {
    await s.stop();
    s = await startTestServer({ limits: { submitsPerSecond: 5, submitBurst: 5 } });
    const c = await TestClient.session(s, 'flood');
    const { revision } = await c.open('w');
    for (let i = 0; i < 20; i++) {
      c.send({
        type: 'Submit',
        workspace: 'w',
        baseRevision: revision,
        clientId: c.clientId,
        seq: i + 1,
        change: [],
      });
    }
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await c.next(['Ack', 'Reject']));
    const limited = replies.filter((r) => r.type === 'Reject' && r.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(10);
    bystander = await TestClient.session(s, 'bystander');
    await bystander.open('w');
    await bystanderStillWorks();
  });

  it('rejects a change of more ops than maxChangeOps with LIMIT_EXCEEDED, applying nothing', async () => {
    await s.stop();
    s = await startTestServer({ limits: { maxChangeOps: 10 } });
    const c = await TestClient.session(s, 'big');
    const { state } = await c.open('w');
    const made = build(state, c.clientId, (b) => void b.createFile('f.txt', ''));
    expect(await c.submit('w', 0, made)).toMatchObject({ type: 'Ack', revision: 1 });
    const after = (await c.open('w', false)).state;
    // One workspace op passes the decoder; its eleven text ops count against the limit.
    const eleven = edit(
      after,
      'f.txt',
      Array.from({ length: 11 }, () => insert(0, 'x')),
    );
    const reply = await c.submit('w', 1, eleven);
    expect(reply).toMatchObject({
      type: 'Reject',
      error: { code: 'LIMIT_EXCEEDED', details: { limit: 10, actual: 11 } },
    });
    const ten = edit(
      after,
      'f.txt',
      Array.from({ length: 10 }, () => insert(0, 'x')),
    );
    expect(await c.submit('w', 1, ten)).toMatchObject({ type: 'Ack', revision: 2 });
    expect((await c.open('w', false)).state.read('f.txt')).toEqual({
      ok: true,
      value: 'x'.repeat(10),
    });
  });

  it('refuses submits beyond maxInFlightSubmits waiting for their ack with RATE_LIMITED', async () => {
    await s.stop();
    const store = new MemoryOpLogStore();
    // A slow disk keeps the first submits waiting for their commit.
    const append = store.append.bind(store);
    store.append = async (ws, changes) => {
      await new Promise((r) => setTimeout(r, 200));
      return append(ws, changes);
    };
    s = await startTestServer({ store, limits: { maxInFlightSubmits: 3 } });
    const c = await TestClient.session(s, 'eager');
    // One workspace each, so that every submit is sequenced and waits for its slow commit.
    for (let seq = 1; seq <= 6; seq++) await c.open(`w${seq}`);
    for (let seq = 1; seq <= 6; seq++) {
      c.send({
        type: 'Submit',
        workspace: `w${seq}`,
        baseRevision: 0,
        clientId: c.clientId,
        seq,
        change: [],
      });
    }
    const replies = new Map<number, MessageOf<'Ack' | 'Reject'>>();
    while (replies.size < 6) {
      const reply = await c.next(['Ack', 'Reject']);
      replies.set(reply.seq, reply);
    }
    for (const seq of [1, 2, 3]) {
      expect(replies.get(seq), `seq ${seq}`).toMatchObject({ type: 'Ack', revision: 1 });
    }
    for (const seq of [4, 5, 6]) {
      expect(replies.get(seq), `seq ${seq}`).toMatchObject({
        type: 'Reject',
        error: { code: 'RATE_LIMITED' },
      });
    }
    // The acks free the places: the next submit is taken.
    expect(await c.submit('w4', 0, [], 7)).toMatchObject({ type: 'Ack', revision: 1 });
  });
});
