import { Client } from '@dist-space/client';
import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { createAuthenticator, createJwtVerifier } from '@dist-space/permissions';
import { createLogger, DistSpaceServer, LogRing, storeStorage } from '@dist-space/server';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { describe, expect, it } from 'vitest';
import { SECRET, token } from '../../server/test/support/harness.js';
import { ConnectionTap } from './support/connection-tap.js';
import { until } from './support/setup.js';

/**
 * A server on an in-memory network (whose routes a test can blackhole), and a client of it with
 * a tap on its connections.
 */
async function serverAndClient(): Promise<{
  server: DistSpaceServer;
  network: MemoryNetwork;
  client: Client;
  tap: ConnectionTap;
}> {
  const verifier = await createJwtVerifier({ secret: SECRET });
  if (!verifier.ok) throw verifier.error;
  const auth = createAuthenticator({ verifiers: [verifier.value] });
  if (!auth.ok) throw auth.error;
  const server = new DistSpaceServer({
    authenticator: auth.value,
    storage: storeStorage(new MemoryOpLogStore()),
    logger: createLogger({ level: 'silent', ring: new LogRing(10), destination: null }),
    // A short close timeout: the blackholed connection never answers its close at shutdown.
    connection: { pingIntervalMs: 100, heartbeatTimeoutMs: 400, closeTimeoutMs: 200 },
  });
  const network = new MemoryNetwork();
  server.attach(network.listen('s', server.listenerOptions()));
  const tap = new ConnectionTap(() => network.connect('s'));
  const client = await Client.connect({
    connect: tap.connect,
    token: () => token('ann'),
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  return { server, network, client, tap };
}

describe('a link that goes silent', () => {
  it('is given up after the heartbeat, and the client reconnects and resends', async () => {
    const { server, network, client, tap } = await serverAndClient();
    try {
      const ws = await client.open('w', { create: true });
      const states: string[] = [];
      client.on('connection', (e) => states.push(`${e.state}${e.error ? `:${e.error.code}` : ''}`));
      // The route drops every frame both ways, with no close on either end.
      network.blackhole(tap.connection);
      ws.createFile('typed-while-dead.txt', 'kept');
      await until(() => states.includes('connected'), 'reconnected', 10_000);
      expect(states[0]).toBe('disconnected:HEARTBEAT_TIMEOUT');
      await ws.whenSynced();
      const check = await client.open('w');
      expect(check.read('typed-while-dead.txt')).toEqual({ ok: true, value: 'kept' });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('fails an open still waiting for its answer when the client closes, rather than hanging', async () => {
    const { server, network, client, tap } = await serverAndClient();
    try {
      network.blackhole(tap.connection);
      const opening = client.open('w', { create: true });
      await new Promise((resolve) => setTimeout(resolve, 20)); // the Open is sent, and lost
      await client.close();
      const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000));
      await expect(Promise.race([opening, hung])).rejects.toMatchObject({
        code: 'CONNECTION_CLOSED',
      });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
