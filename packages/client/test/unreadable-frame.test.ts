import { encodeMessage } from '@dist-space/protocol';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { afterEach, expect, it } from 'vitest';
import { connected, fakeServer, toClose } from './support/fake-server.js';
import { until } from './support/setup.js';

// A frame from the server that the client cannot read may be the answer something waits for, so
// the client must not pass it by: it drops the connection and reconnects (docs/protocol.md). And a
// connection the client has given up on no longer speaks for it.

afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

it('reconnects after a frame from the server it cannot read, instead of passing it by', async () => {
  const network = new MemoryNetwork();
  // The first session then sends a byte that is no msgpack value (0xc1 is never used).
  const server = fakeServer(network, (conn, session) => {
    if (session === 1) setTimeout(() => conn.send(new Uint8Array([0xc1])), 20);
  });
  const { client, states } = await connected(network);
  await until(
    () => server.sessions() === 2 && client.state === 'connected',
    'the client to reconnect',
  );
  expect(states).toContain('disconnected:MALFORMED_FRAME');
});

it('reconnects once after a Goodbye, whenever the old connection reports its close', async () => {
  const network = new MemoryNetwork();
  // The first session says Goodbye at once and closes its connection only later, when the
  // client is reconnecting or has reconnected.
  const server = fakeServer(network, (conn, session) => {
    if (session !== 1) return;
    setTimeout(() => {
      conn.send(
        encodeMessage({ type: 'Goodbye', error: { code: 'LIMIT_EXCEEDED', message: 'too big' } }),
      );
      setTimeout(() => conn.close('NORMAL', 'bye'), 60);
    }, 20);
  });
  const { client, states } = await connected(network);
  await until(() => server.sessions() === 2 && client.state === 'connected', 'the reconnect');
  await new Promise((r) => setTimeout(r, 200)); // the old connection's close has come by now
  expect(server.sessions()).toBe(2);
  expect(client.state).toBe('connected');
  expect(states.filter((s) => s.startsWith('disconnected'))).toEqual([
    'disconnected:LIMIT_EXCEEDED',
  ]);
});
