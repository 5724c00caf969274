import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer, TestClient } from './support/harness.js';

describe('connection limits on the server', () => {
  it('logs a socket cut before its WebSocket upgrade at the per-address limit', async () => {
    const test = await startTestServer({ connection: { maxConnectionsPerAddress: 1 } });
    const port = Number(new URL(test.wsUrl).port);
    const sockets: Socket[] = [];
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port });
        sockets.push(socket);
        socket.on('error', () => undefined);
        socket.once('connect', () => resolve(socket));
        socket.once('close', () => reject(new Error('closed before connecting')));
      });
    try {
      // Neither socket sends its upgrade request: the first holds the address's one slot.
      const first = await open();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await open();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the second socket is still open')), 2_000);
        second.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      expect(first.destroyed).toBe(false);
      const refusals = test.ring.tail(100).filter((record) => record.stage === 'handshake');
      expect(refusals).toEqual([
        expect.objectContaining({
          remote: '127.0.0.1',
          code: 'TOO_MANY_CONNECTIONS',
          msg: expect.stringMatching(/Address 127\.0\.0\.1 holds its limit of 1 connections/),
        }),
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await test.stop();
    }
  });

  it.each([
    ['maxConnections', { maxConnections: 1 }],
    ['maxConnectionsPerAddress', { maxConnectionsPerAddress: 1 }],
  ] as const)(
    'refuses a connection over %s over TCP with TOO_MANY_CONNECTIONS in a Refused frame, and serves the one within it',
    async (_name, connection) => {
      const test = await startTestServer({ connection });
      try {
        // Over plain TCP no handshake comes before the protocol, so the refusal can say why (a
        // WebSocket at the limit is cut before its upgrade, as the test above shows).
        const within = await TestClient.session(test, 'alice', { via: 'tcp' });
        const over = await TestClient.connect(test, 'tcp');
        expect((await over.next('Refused')).error.code).toBe('TOO_MANY_CONNECTIONS');
        expect(await over.closed()).toBe('TOO_MANY_CONNECTIONS');
        expect((await within.open('w')).revision).toBe(0);
      } finally {
        await test.stop();
      }
    },
  );
});
