import { Client } from '@dist-space/client';
import { decodeMessage, encodeMessage, PROTOCOL_VERSION } from '@dist-space/protocol';
import { MemoryNetwork, type ServerConnection } from '@dist-space/transport-adapters';
import { afterEach, expect, it } from 'vitest';
import { until } from './support/setup.js';

// A frame from the server that the client cannot read may be the answer something waits for, so
// the client must not pass it by: it drops the connection and reconnects (docs/protocol.md). And a
// connection the client has given up on no longer speaks for it.

const toClose: Array<{ close(): Promise<unknown> | unknown }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

/** A server on the in-memory network that welcomes every Hello and then does `after`. */
function fakeServer(
  network: MemoryNetwork,
  after: (conn: ServerConnection, session: number) => void,
): { sessions(): number } {
  const listener = network.listen('fake-server');
  toClose.push(listener);
  let sessions = 0;
  listener.onConnection((conn) => {
    conn.markReady();
    conn.onMessage((frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok || decoded.value.type !== 'Hello') return;
      const session = ++sessions;
      conn.send(
        encodeMessage({
          type: 'Welcome',
          version: PROTOCOL_VERSION,
          sessionId: `s${session}`,
          clientId: decoded.value.clientId,
          subject: 'alice',
          heartbeatMs: 60_000,
          limits: {
            maxFrameBytes: 65_536,
            maxOpsPerChange: 100,
            maxFileSize: 1_000,
            maxPathBytes: 1_000,
            maxPresenceStateBytes: 1_000,
          },
        }),
      );
      after(conn, session);
    });
  });
  return { sessions: () => sessions };
}

async function connected(network: MemoryNetwork): Promise<{ client: Client; states: string[] }> {
  const states: string[] = [];
  const client = await Client.connect({
    connect: () => network.connect('fake-server'),
    token: 'any',
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  toClose.push(client);
  client.on('connection', (e) => states.push(`${e.state}${e.error ? `:${e.error.code}` : ''}`));
  return { client, states };
}

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
