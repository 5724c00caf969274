import { insert } from '@dist-space/ot-core';
import { encodeMessage } from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';
import { build, serversStoppedAfterEach, TestClient } from './support/harness.js';

// What the server sends when a message would not fit in a connection's frame size limit.

const server = serversStoppedAfterEach();

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
