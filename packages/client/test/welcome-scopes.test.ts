import { encodeMessage, type Message } from '@dist-space/protocol';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { ChangeBuilder, createIdGenerator, Workspace } from '@dist-space/vfs-workspace';
import { afterEach, expect, it } from 'vitest';
import { connected, fakeServer, toClose } from './support/fake-server.js';
import { until } from './support/setup.js';

// A 1.0 server states no scopes in its Welcome: the client then refuses nothing itself and leaves
// every check to the server, as before 1.1.

afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

it('leaves every check to a server whose Welcome states no scopes', async () => {
  const network = new MemoryNetwork();
  const submits: Message[] = [];
  fakeServer(
    network,
    () => undefined,
    (message, conn) => {
      if (message.type === 'Submit') submits.push(message);
      if (message.type !== 'Open') return;
      const b = new ChangeBuilder(Workspace.empty, createIdGenerator('srv'));
      b.createFile('f.txt', 'abc');
      conn.send(
        encodeMessage({
          type: 'Snapshot',
          requestId: message.requestId,
          workspace: 'w',
          revision: 1,
          state: b.workspace,
        }),
      );
    },
  );
  const { client } = await connected(network);
  expect(client.scopes).toBeUndefined();
  const handle = await client.open('w');
  expect(handle.allows('delete', 'f.txt')).toBe(true);
  expect(handle.remove('f.txt').ok).toBe(true);
  await until(() => submits.length === 1, 'the delete sent');
  expect(submits[0]).toMatchObject({ type: 'Submit', workspace: 'w', seq: 1 });
});
