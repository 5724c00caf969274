import type { Client, WorkspaceHandle } from '@dist-space/client';
import { workspaceToWire } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { lmdbDir } from '../../server/test/support/harness.js';
import { connect, startTestServer, type TestServer, until } from './support/setup.js';

// Issue 7: the network simulation's promise over the real WebSocket transport, with the server
// stopped and started again from its LMDB directory in the middle of the run. Clients keep
// typing through the outage; at the end all hold the server's state and every token typed is
// there exactly once.

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('a server restarted mid-run from its LMDB directory', () => {
  it('loses and doubles nothing: clients reconnect, catch up, resend, and converge', async () => {
    const data = await lmdbDir();
    const seed = Date.now() % 100_000;
    const rand = random(seed);
    let server: TestServer = await startTestServer({ store: await data.open() });
    const ports = { ws: Number(new URL(server.wsUrl).port), tcp: server.tcpPort };
    const clients: Client[] = [];
    const handles: WorkspaceHandle[] = [];
    try {
      for (const name of ['ann', 'bob', 'cyd']) {
        const c = await connect(server, name, {
          reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
        });
        clients.push(c);
        handles.push(await c.open('durable', { create: true }));
      }
      handles[0]!.createFile('log.txt', '');
      await handles[0]!.whenSynced();
      await until(
        () => handles.every((h) => h.state.resolve('log.txt').ok),
        'everyone has the file',
      );
      const typed: string[] = [];
      const type = (round: number) => {
        for (const [i, h] of handles.entries()) {
          const token = `[${i}.${round}]`;
          const text = h.read('log.txt');
          if (!text.ok) throw text.error;
          // Between whole tokens: at the start or after a ']'.
          const gaps = [
            0,
            ...[...text.value].map((c, k) => (c === ']' ? k + 1 : -1)).filter((k) => k > 0),
          ];
          const at = gaps[Math.floor(rand() * gaps.length)]!;
          if (h.insert('log.txt', at, token).ok) typed.push(token);
        }
      };
      for (let round = 0; round < 30; round++) {
        type(round);
        await new Promise((r) => setTimeout(r, 2));
      }
      // Stop the server while changes are in flight, keep typing through the outage...
      await server.stop();
      for (let round = 30; round < 50; round++) type(round);
      await until(() => clients.every((c) => c.state !== 'connected'), 'clients noticed');
      // ...and start it again from the same directory, where the clients expect it.
      server = await startTestServer({ store: await data.open(), ports });
      for (let round = 50; round < 80; round++) {
        type(round);
        await new Promise((r) => setTimeout(r, 2));
      }
      await until(
        () =>
          clients.every((c) => c.state === 'connected') &&
          handles.every((h) => h.pendingCount === 0),
        'everyone reconnected and synced',
        20_000,
      );
      await until(
        () => new Set(handles.map((h) => h.revision)).size === 1,
        'same revision',
        20_000,
      );
      const truth = JSON.stringify(workspaceToWire(handles[0]!.state));
      for (const h of handles)
        expect(JSON.stringify(workspaceToWire(h.state)), `seed ${seed}`).toBe(truth);
      const check = await connect(server, 'checker');
      clients.push(check);
      const fresh = await check.open('durable');
      expect(JSON.stringify(workspaceToWire(fresh.state))).toBe(truth);
      const text = fresh.read('log.txt');
      if (!text.ok) throw text.error;
      for (const token of typed)
        expect(text.value.split(token).length - 1, `${token} seed ${seed}`).toBe(1);
      expect(typed.length).toBe(240);
    } finally {
      for (const c of clients) await c.close();
      await server.stop();
      await data.cleanup();
    }
  }, 60_000);
});
