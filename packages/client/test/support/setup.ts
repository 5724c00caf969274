import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  type ClientOptions,
  type PersistedWorkspace,
  type ReconnectOptions,
  type WorkspaceHandle,
} from '@dist-space/client';
import { nodeConnector } from '@dist-space/client/node';
import { afterEach } from 'vitest';
import { startTestServer, type TestServer, token } from '../../../server/test/support/harness.js';
import { ConnectionTap } from './connection-tap.js';

export { startTestServer, type TestServer, token };

/** What a test may change under a client made by {@link connect}: the objects it was given. */
interface Seams {
  readonly tap: ConnectionTap;
  readonly reconnect: { -readonly [K in keyof ReconnectOptions]: ReconnectOptions[K] };
}

const seams = new WeakMap<Client, Seams>();

/**
 * Connects a client to a test server over WebSocket (or TCP) with a token for `subject`, through
 * a {@link ConnectionTap} (see {@link tapOf}).
 */
export async function connect(
  server: TestServer,
  subject: string,
  options: Partial<ClientOptions> & { scopes?: string[]; via?: 'ws' | 'tcp' } = {},
): Promise<Client> {
  const { scopes, via, connect: connector, reconnect, ...rest } = options;
  const url = via === 'tcp' ? `tcp://127.0.0.1:${server.tcpPort}` : server.wsUrl;
  const tap = new ConnectionTap(connector ?? nodeConnector(url));
  // A copy of our own, so that goOffline can end the reconnects of this client alone.
  const reconnectOptions = { ...(reconnect ?? { initialDelayMs: 20, maxDelayMs: 200 }) };
  const client = await Client.connect({
    connect: tap.connect,
    token: () => token(subject, scopes),
    reconnect: reconnectOptions,
    ...rest,
  });
  seams.set(client, { tap, reconnect: reconnectOptions });
  return client;
}

function seamsOf(client: Client): Seams {
  const found = seams.get(client);
  if (!found) throw new Error('This client was not made by connect() of test/support/setup.');
  return found;
}

/** The tap on the connections of a client made by {@link connect}. */
export function tapOf(client: Client): ConnectionTap {
  return seamsOf(client).tap;
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

/**
 * Cuts the connection of a client made by {@link connect} for good (no reconnect), as a machine
 * going offline.
 */
export async function goOffline(client: Client): Promise<void> {
  const { reconnect, tap } = seamsOf(client);
  reconnect.maxAttempts = 0;
  tap.cut('offline');
  await until(() => client.state !== 'connected', 'offline');
}

/**
 * Registers an afterEach that runs what `later` was given during the test, newest first (close
 * clients before stopping their server, release stores before removing their directory).
 */
export function cleanupAfterEach(): (cleanup: () => Promise<unknown> | unknown) => void {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => void cleanups.push(cleanup);
}

/** A fresh temporary directory, removed by `later`. */
export async function tempDir(
  later: (cleanup: () => Promise<unknown>) => void,
  prefix = 'dist-space-client-',
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  later(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A minimal saved workspace state (empty tree) for store tests. */
export function savedState(clientId: string): PersistedWorkspace {
  return {
    format: 1,
    clientId,
    idPrefix: 'n1',
    nextSeq: 2,
    nextNodeId: 1,
    revision: 3,
    confirmed: { format: 1, nodes: [] },
    buffered: [],
  };
}
