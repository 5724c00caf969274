import { Client, type ClientOptions, type WorkspaceHandle } from '@dist-space/client';
import { nodeConnector } from '@dist-space/client/node';
import { startTestServer, type TestServer, token } from '../../../server/test/support/harness.js';

export { startTestServer, type TestServer, token };

/** Connects a client to a test server over WebSocket (or TCP) with a token for `subject`. */
export async function connect(
  server: TestServer,
  subject: string,
  options: Partial<ClientOptions> & { scopes?: string[]; via?: 'ws' | 'tcp' } = {},
): Promise<Client> {
  const { scopes, via, ...rest } = options;
  const url = via === 'tcp' ? `tcp://127.0.0.1:${server.tcpPort}` : server.wsUrl;
  return Client.connect({
    connect: nodeConnector(url),
    token: () => token(subject, scopes),
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...rest,
  });
}

/** Waits (bounded) until `check` holds. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The text of a file, or throws. */
export function textOf(ws: WorkspaceHandle, path: string): string {
  const r = ws.read(path);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Asserts a Result is ok. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** Cuts a client's connection for good (no reconnect), as a machine going offline. */
export async function goOffline(client: Client): Promise<void> {
  (client as unknown as { options: { reconnect: unknown } }).options.reconnect = {
    maxAttempts: 0,
  };
  (
    client as unknown as { connection: { terminate(c: string, r: string): void } }
  ).connection.terminate('CONNECTION_CLOSED', 'offline');
  await until(() => client.state !== 'connected', 'offline');
}
