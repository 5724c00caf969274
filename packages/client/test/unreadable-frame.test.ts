import { Client } from '@dist-space/client';
import { decodeMessage, encodeMessage, PROTOCOL_VERSION } from '@dist-space/protocol';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { afterEach, expect, it } from 'vitest';
import { until } from './support/setup.js';

// A frame from the server that the client cannot read may be the answer something waits for, so
// the client must not pass it by: it drops the connection and reconnects (docs/protocol.md).

const toClose: Array<{ close(): Promise<unknown> | unknown }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

it('reconnects after a frame from the server it cannot read, instead of passing it by', async () => {
  const network = new MemoryNetwork();
  const listener = network.listen('fake-server');
  toClose.push(listener);
  let sessions = 0;
  listener.onConnection((conn) => {
    conn.markReady();
    const session = ++sessions;
    conn.onMessage((frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok || decoded.value.type !== 'Hello') return;
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
      // The first session then sends a byte that is no msgpack value (0xc1 is never used).
      if (session === 1) setTimeout(() => conn.send(new Uint8Array([0xc1])), 20);
    });
  });
  const states: string[] = [];
  const client = await Client.connect({
    connect: () => network.connect('fake-server'),
    token: 'any',
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  toClose.push(client);
  client.on('connection', (e) => states.push(`${e.state}${e.error ? `:${e.error.code}` : ''}`));
  await until(() => sessions === 2 && client.state === 'connected', 'the client to reconnect');
  expect(states).toContain('disconnected:MALFORMED_FRAME');
});
