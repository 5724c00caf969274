import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { nodeConnector } from '@dist-space/client/node';
import { listenTcp, listenWebSocket } from '@dist-space/transport-adapters/node';
import { describe, expect, it } from 'vitest';
import { testCert, testKey } from '../../../test-support/tls/index.js';

/** Connects to `url` with the test CA, and fails to without it. */
async function expectVerifiedWithCa(url: string): Promise<void> {
  const opened = await nodeConnector(url, { tls: { ca: testCert } })();
  expect(opened.ok).toBe(true);
  if (opened.ok) opened.value.close('NORMAL', 'done');
  const unverified = await nodeConnector(url)();
  expect(!unverified.ok && unverified.error.code).toBe('CONNECT_FAILED');
}

describe('nodeConnector', () => {
  it('opens tls:// URLs with the given CA, and refuses a certificate it cannot verify', async () => {
    const listener = await listenTcp({ tls: { cert: testCert, key: testKey } });
    try {
      const url = `tls://127.0.0.1:${listener.port}`;
      await expectVerifiedWithCa(url);
    } finally {
      await listener.close();
    }
  });

  it('opens wss:// URLs with the given CA, and refuses a certificate it cannot verify', async () => {
    const https = createServer({ cert: testCert, key: testKey });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const listener = await listenWebSocket({ server: https as never });
    try {
      const url = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/`;
      await expectVerifiedWithCa(url);
    } finally {
      await listener.close();
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it('refuses a URL scheme it does not know', async () => {
    const result = await nodeConnector('http://127.0.0.1:1/')();
    expect(!result.ok && result.error.message).toMatch(/tls:\/\/host:port/);
    expect(!result.ok && result.error.code).toBe('CONNECT_FAILED');
  });
});
