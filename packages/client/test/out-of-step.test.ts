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
        encodeMessage({
          type: 'Snapshot',
          requestId: message.requestId,
          workspace: 'w',
          revision: first ? 1 : 4,
          ...(first ? {} : { lastSeq: 1 }),
          state: state(first ? 'abc' : '> abc and more!'),
        }),
      );
      if (!first) return;
      // An edit made on a longer text than the client has: it cannot apply.
      const bad = new ChangeBuilder(state('abc and more'), createIdGenerator('other'));
      bad.edit('f.txt', [{ type: 'insert', pos: 12, text: '!' }]);
      setTimeout(() => {
        conn.send(
          encodeMessage({
            type: 'Broadcast',
            workspace: 'w',
            revision: 3,
            clientId: 'other',
            seq: 1,
            author: 'bob',
            change: bad.change,
          }),
        );
      }, 20);
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
