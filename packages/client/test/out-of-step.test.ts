import { encodeMessage, type Message } from '@dist-space/protocol';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { ChangeBuilder, createIdGenerator, Workspace } from '@dist-space/vfs-workspace';
import { afterEach, expect, it } from 'vitest';
import { connected, fakeServer, toClose } from './support/fake-server.js';
import { textOf, until } from './support/setup.js';

// A Broadcast that does not apply to the client's state means the client and the server are out
// of step (a bug, in either). The client must neither throw into the transport nor go on from a
// wrong state: it reloads the workspace from a snapshot and rebases its pending changes onto it.

afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

function state(text: string): Workspace {
  const b = new ChangeBuilder(Workspace.empty, createIdGenerator('srv'));
  b.createFile('f.txt', text);
  return b.workspace;
}

/** A Snapshot of workspace `w` holding `f.txt` with `text`. */
function snapshot(requestId: number, revision: number, text: string, lastSeq?: number) {
  return encodeMessage({
    type: 'Snapshot',
    requestId,
    workspace: 'w',
    revision,
    ...(lastSeq === undefined ? {} : { lastSeq }),
    state: state(text),
  });
}

/** Another client's Broadcast of an insert into `f.txt`, made on `text`. */
function broadcast(revision: number, text: string, pos: number, inserted: string) {
  const b = new ChangeBuilder(state(text), createIdGenerator('other'));
  b.edit('f.txt', [{ type: 'insert', pos, text: inserted }]);
  return encodeMessage({
    type: 'Broadcast',
    workspace: 'w',
    revision,
    clientId: 'other',
    seq: revision,
    author: 'bob',
    change: b.change,
  });
}

it('reloads from a snapshot, with its pending edit, when a Broadcast does not apply', async () => {
  const network = new MemoryNetwork();
  const opens: number[] = [];
  const submits: Message[] = [];
  fakeServer(
    network,
    () => undefined,
    (message, conn) => {
      if (message.type === 'Submit') {
        submits.push(message);
        // The original was sequenced (as revision 4) while the client reloaded: both it and
        // the resend asking its fate are answered with that Ack.
        if (submits.length === 2)
          for (let i = 0; i < 2; i++)
            conn.send(encodeMessage({ type: 'Ack', workspace: 'w', seq: 1, revision: 4 }));
      }
      if (message.type !== 'Open') return;
      opens.push(message.requestId);
      const first = opens.length === 1;
      conn.send(
        first
          ? snapshot(message.requestId, 1, 'abc')
          : snapshot(message.requestId, 4, '> abc and more!', 1),
      );
      // An edit made on a longer text than the client has: it cannot apply.
      if (first) setTimeout(() => conn.send(broadcast(3, 'abc and more', 12, '!')), 20);
    },
  );
  const { client } = await connected(network);
  const handle = await client.open('w');
  const events: string[] = [];
  handle.on('outOfStep', (e) => events.push(`outOfStep:${e.error.code}`));
  handle.on('rebased', (e) => events.push(`rebased:${e.revision}`));
  // Typed while the server does not answer Submits: pending when the bad Broadcast comes.
  handle.insert('f.txt', 0, '> ');
  await until(() => events.length === 2, 'the reload', 5_000);
  expect(events).toEqual(['outOfStep:OUT_OF_STEP', 'rebased:4']);
  // The snapshot holds the edit (its lastSeq says so): it is there once.
  expect(textOf(handle, 'f.txt')).toBe('> abc and more!');
  expect(handle.revision).toBe(4);
  expect(handle.pendingCount).toBe(0);
  expect(opens).toHaveLength(2);
  // The in-flight edit was sent again (its fate asked) before the reload, never with a new seq.
  expect(submits.map((m) => (m.type === 'Submit' ? m.seq : 0))).toEqual([1, 1]);
});

it('reloads when a Broadcast skips a revision, rather than building on a state it lacks', async () => {
  const network = new MemoryNetwork();
  let opens = 0;
  fakeServer(
    network,
    () => undefined,
    (message, conn) => {
      if (message.type !== 'Open') return;
      opens++;
      conn.send(
        opens === 1
          ? snapshot(message.requestId, 1, 'abc')
          : snapshot(message.requestId, 3, 'abc!?'),
      );
      // Revision 3 without revision 2: it applies (at the end of 'abc'), and is still wrong.
      if (opens === 1) setTimeout(() => conn.send(broadcast(3, 'abc', 3, '?')), 20);
    },
  );
  const { client } = await connected(network);
  const handle = await client.open('w');
  const events: string[] = [];
  handle.on('outOfStep', (e) => events.push(`outOfStep:${e.error.code}`));
  handle.on('rebased', (e) => events.push(`rebased:${e.revision}`));
  await until(() => events.length === 2, 'the reload', 5_000);
  expect(events).toEqual(['outOfStep:OUT_OF_STEP', 'rebased:3']);
  expect(textOf(handle, 'f.txt')).toBe('abc!?');
});

it('takes back everything pending after eight refusals in a row, so that a loop of them ends', async () => {
  const network = new MemoryNetwork();
  fakeServer(
    network,
    () => undefined,
    (message, conn) => {
      if (message.type === 'Open') conn.send(snapshot(message.requestId, 1, ''));
      // Every change refused: as when each rollback leaves edits the server refuses again.
      if (message.type === 'Submit') {
        conn.send(
          encodeMessage({
            type: 'Reject',
            workspace: 'w',
            seq: message.seq,
            error: { code: 'PERMISSION_DENIED', message: 'no' },
          }),
        );
      }
    },
  );
  const { client } = await connected(network);
  const handle = await client.open('w');
  const refused: string[] = [];
  let typed = 0;
  handle.on('rejected', (e) => {
    refused.push(
      e.change
        .map((op) => (op.type === 'edit' ? op.change.map((t) => ('text' in t ? t.text : '')) : ''))
        .join(''),
    );
    // Typing goes on: one keystroke goes out, the next waits in the buffer.
    if (typed < 40) for (let i = 0; i < 2; i++) handle.insert('f.txt', 0, String(typed++ % 10));
  });
  handle.insert('f.txt', 0, 'x');
  handle.insert('f.txt', 0, 'y');
  await until(() => refused.length >= 8 && handle.pendingCount === 0, 'the refusals', 5_000);
  // One change at a time (the buffer, with a keystroke, goes out when the one before is refused)
  // until the eighth refusal in a row, which takes the buffer with it (three keystrokes).
  expect(refused.slice(0, 9).map((text) => text.length)).toEqual([1, 2, 2, 2, 2, 2, 2, 3, 1]);
  expect(textOf(handle, 'f.txt')).toBe('');
});

it('sends nothing new while a catch-up that may come as a snapshot is out', async () => {
  const network = new MemoryNetwork();
  const log: string[] = [];
  let answered = false;
  fakeServer(
    network,
    (conn, session) => {
      // The first connection drops soon after the Open: the client reconnects and catches up.
      if (session === 1) setTimeout(() => conn.close('NORMAL', 'bye'), 30);
    },
    (message, conn) => {
      log.push(message.type === 'Submit' ? `Submit ${message.seq}` : message.type);
      const answer = (requestId: number) => conn.send(snapshot(requestId, 1, 'abc'));
      if (message.type === 'Open') answer(message.requestId);
      if (message.type === 'Catchup') {
        // Answered late, as a snapshot (as for a filtered view).
        setTimeout(() => {
          answered = true;
          log.push('answer');
          answer(message.requestId);
        }, 60);
      }
    },
  );
  const { client } = await connected(network);
  const handle = await client.open('w');
  await until(() => log.includes('Catchup'), 'the catch-up', 5_000);
  handle.insert('f.txt', 0, 'typed meanwhile ');
  await until(() => answered && log.includes('Submit 1'), 'the edit to go out', 5_000);
  expect(log).toEqual(['Open', 'Catchup', 'answer', 'Submit 1']);
  expect(textOf(handle, 'f.txt')).toBe('typed meanwhile abc');
});

it('lets the edits go again when its catch-up is refused by an Error that names no workspace', async () => {
  const network = new MemoryNetwork();
  const log: string[] = [];
  fakeServer(
    network,
    (conn, session) => {
      if (session === 1) setTimeout(() => conn.close('NORMAL', 'bye'), 30);
    },
    (message, conn) => {
      log.push(message.type === 'Submit' ? `Submit ${message.seq}` : message.type);
      if (message.type === 'Open') conn.send(snapshot(message.requestId, 1, 'abc'));
      if (message.type === 'Catchup') {
        // Refused with an Error carrying only its requestId.
        setTimeout(() => {
          log.push('refused');
          conn.send(
            encodeMessage({
              type: 'Error',
              requestId: message.requestId,
              error: { code: 'INTERNAL_ERROR', message: 'try later' },
            }),
          );
        }, 40);
      }
    },
  );
  const { client } = await connected(network);
  const handle = await client.open('w');
  await until(() => log.includes('Catchup'), 'the catch-up', 5_000);
  handle.insert('f.txt', 0, 'typed ');
  await until(() => log.includes('Submit 1'), 'the edit to go out', 5_000);
  expect(log).toEqual(['Open', 'Catchup', 'refused', 'Submit 1']);
});
