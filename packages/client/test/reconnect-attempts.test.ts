import type { Client } from '@dist-space/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  must,
  startTestServer,
  type TestServer,
  tapOf,
  textOf,
  until,
} from './support/setup.js';

let server: TestServer;
const toClose: Client[] = [];
afterEach(async () => {
  for (const c of toClose.splice(0)) await c.close();
  await server?.stop();
});

describe('reconnect attempts', () => {
  // `maxAttempts` counts failed attempts in a row: a Welcome starts the count again. The split of
  // Client moved that reset into the link's `welcomed` callback, just before 'connected'.
  it('counts maxAttempts afresh after every successful reconnect', async () => {
    server = await startTestServer();
    const client = await connect(server, 'alice', {
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 1 },
    });
    toClose.push(client);
    const ws = await client.open('w', { create: true });
    must(ws.createFile('f.txt', ''));
    await ws.whenSynced();
    const states: string[] = [];
    client.on('connection', (e) => states.push(e.state));
    for (let drop = 0; drop < 3; drop++) {
      const seen = states.length;
      tapOf(client).cut();
      await until(
        () => states.slice(seen).includes('connected') || client.state === 'closed',
        `reconnect ${drop + 1}`,
        5_000,
      );
      expect(client.state).toBe('connected');
      must(ws.insert('f.txt', 0, String(drop)));
      await ws.whenSynced();
    }
    expect(textOf(ws, 'f.txt')).toBe('210');
    expect(states).not.toContain('closed');
  });
});
