import { connect as connectRaw } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testCert, testKey } from '../../../test-support/tls/index.js';
import { connectTcp, listenTcp } from '../src/node/index.js';
import { within } from '../src/testing/index.js';

// TCP over TLS: what the conformance run over TLS does not cover, peers that do not speak TLS.

const tls = { cert: testCert, key: testKey };

/** Opens a raw socket, writes `bytes` (if any), and resolves with how long until it was closed. */
function rawPeer(port: number, bytes?: string): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connectRaw({ host: '127.0.0.1', port }, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Date.now() - started));
  });
}

async function echoWorks(port: number): Promise<void> {
  const client = await connectTcp({ host: '127.0.0.1', port, tls: { ca: testCert } });
  if (!client.ok) throw client.error;
  client.value.close('NORMAL', 'done');
}

describe('a TCP listener over TLS', () => {
  it('cuts off a peer that speaks plain text, and keeps serving TLS peers', async () => {
    const listener = await listenTcp({ tls });
    try {
      await within(
        rawPeer(listener.port, 'GET / HTTP/1.1\r\n\r\n'),
        5_000,
        'the plain peer to be cut',
      );
      await echoWorks(listener.port);
      expect(listener.connectionCount).toBeLessThanOrEqual(1);
    } finally {
      await listener.close();
    }
  });

  it('cuts off a peer that never starts the handshake at the handshake deadline', async () => {
    const listener = await listenTcp({ tls, limits: { handshakeTimeoutMs: 300 } });
    try {
      const lasted = await within(rawPeer(listener.port), 5_000, 'the silent peer to be cut');
      expect(lasted).toBeGreaterThanOrEqual(250);
      await echoWorks(listener.port);
    } finally {
      await listener.close();
    }
  });

  it('refuses to connect to a server whose certificate does not verify', async () => {
    const listener = await listenTcp({ tls });
    try {
      const result = await connectTcp({ host: '127.0.0.1', port: listener.port, tls: {} });
      expect(!result.ok && result.error.code).toBe('CONNECT_FAILED');
      expect(!result.ok && result.error.message).toMatch(/certificate/i);
    } finally {
      await listener.close();
    }
  });
});
