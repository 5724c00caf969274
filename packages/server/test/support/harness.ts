import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryOpLogStore, type OpLogStore } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import type { Op } from '@dist-space/ot-core';
import { createAuthenticator, createJwtVerifier, signToken } from '@dist-space/permissions';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  type MessageOf,
  type MessageType,
  PROTOCOL_VERSION,
} from '@dist-space/protocol';
import {
  createLogger,
  DistSpaceServer,
  type DistSpaceServerOptions,
  LogRing,
  storeStorage,
} from '@dist-space/server';
import type { Connection, Listener } from '@dist-space/transport-adapters';
import {
  connectNodeWebSocket,
  connectTcp,
  listenTcp,
  listenWebSocket,
} from '@dist-space/transport-adapters/node';
import {
  ChangeBuilder,
  createIdGenerator,
  parseWorkspace,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { afterEach } from 'vitest';

export const SECRET = 'test-secret-of-at-least-thirty-two-bytes';

/** A token for `subject` with these scopes, for every workspace unless told. */
export function token(
  subject: string,
  scopes: string[] = ['read:**', 'write:**', 'create:**', 'delete:**'],
  workspaces: string[] = ['*'],
  expiresInSeconds = 3600,
): Promise<string> {
  return signToken(SECRET, { subject, scopes, workspaces, expiresInSeconds });
}

export interface TestServer {
  readonly server: DistSpaceServer;
  readonly store: OpLogStore;
  readonly wsUrl: string;
  readonly tcpPort: number;
  readonly ring: LogRing;
  /** Stops the server; `closeStore` (default true) closes the store too. */
  stop(closeStore?: boolean): Promise<void>;
}

export interface TestServerOptions {
  readonly store?: OpLogStore;
  readonly limits?: DistSpaceServerOptions['limits'];
  readonly connection?: DistSpaceServerOptions['connection'];
  readonly protocol?: DistSpaceServerOptions['protocol'];
  readonly persistence?: Parameters<typeof storeStorage>[1];
  /** Listen on these ports instead of free ones (to restart a server where clients expect it). */
  readonly ports?: { readonly ws: number; readonly tcp: number };
}

/** A server on 127.0.0.1, port 0, over WebSocket and TCP, logging to a ring only. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const verifier = await createJwtVerifier({ secret: SECRET });
  if (!verifier.ok) throw verifier.error;
  const authenticator = createAuthenticator({ verifiers: [verifier.value] });
  if (!authenticator.ok) throw authenticator.error;
  const store = options.store ?? new MemoryOpLogStore();
  const ring = new LogRing();
  const server = new DistSpaceServer({
    authenticator: authenticator.value,
    storage: storeStorage(store, options.persistence ?? {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.connection ? { connection: options.connection } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    logger: createLogger({ level: 'debug', ring, destination: null }),
    logRing: ring,
  });
  const ws = await listenWebSocket({
    ...server.listenerOptions(),
    host: '127.0.0.1',
    port: options.ports?.ws ?? 0,
  });
  const tcp = await listenTcp({
    ...server.listenerOptions(),
    host: '127.0.0.1',
    port: options.ports?.tcp ?? 0,
  });
  const listeners: Listener[] = [ws, tcp];
  for (const l of listeners) server.attach(l);
  return {
    server,
    store,
    wsUrl: `ws://127.0.0.1:${ws.port}/`,
    tcpPort: tcp.port,
    ring,
    async stop(closeStore = true) {
      await server.close();
      if (closeStore) await store.close();
    },
  };
}

/**
 * A `server(options)` for one test file: it starts a test server, and every server it started
 * is stopped after each test, pass or fail. Call it at the file's top level, where the
 * `afterEach` it registers covers every test of the file.
 */
export function serversStoppedAfterEach(): (options?: TestServerOptions) => Promise<TestServer> {
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });
  return async (options = {}) => {
    const s = await startTestServer(options);
    servers.push(s);
    return s;
  };
}

/**
 * A maker of temporary directories (named `prefix` plus a random tail), each removed after the
 * test that made it, pass or fail. Call it at the file's top level, as
 * {@link serversStoppedAfterEach}.
 */
export function tempDirsRemovedAfterEach(prefix: string): () => Promise<string> {
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** A temporary LMDB data directory, removed by `cleanup`. */
export async function lmdbDir(): Promise<{
  dir: string;
  open: () => Promise<OpLogStore>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'dist-space-server-'));
  return {
    dir,
    open: () => openLmdbOpLogStore({ path: dir, create: true }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

let nextClient = 0;

/**
 * A raw protocol client for tests: sends messages, and waits (bounded in time) for the next
 * message of a kind, keeping the others in order.
 */
export class TestClient {
  private readonly inbox: Message[] = [];
  private waiters: Array<() => void> = [];
  readonly clientId: string;
  closedWith: string | undefined;
  private seq = 0;

  private constructor(
    readonly connection: Connection,
    clientId?: string,
  ) {
    this.clientId = clientId ?? `client${++nextClient}`;
    connection.onMessage((frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok) throw decoded.error;
      this.inbox.push(decoded.value);
      for (const w of this.waiters.splice(0)) w();
    });
    connection.onClose((info) => {
      this.closedWith = info.code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    server: TestServer,
    via: 'ws' | 'tcp' = 'ws',
    clientId?: string,
  ): Promise<TestClient> {
    const connection =
      via === 'ws'
        ? await connectNodeWebSocket(server.wsUrl)
        : await connectTcp({ host: '127.0.0.1', port: server.tcpPort });
    if (!connection.ok) throw connection.error;
    return new TestClient(connection.value, clientId);
  }

  /** Connects and completes Hello with a token for `subject`. */
  static async session(
    server: TestServer,
    subject: string,
    options: {
      via?: 'ws' | 'tcp';
      scopes?: string[];
      clientId?: string;
      workspaces?: string[];
    } = {},
  ): Promise<TestClient> {
    const client = await TestClient.connect(server, options.via ?? 'ws', options.clientId);
    await client.hello(await token(subject, options.scopes, options.workspaces));
    return client;
  }

  send(message: Message): void {
    const sent = this.connection.send(encodeMessage(message));
    if (!sent.ok) throw sent.error;
  }

  sendRaw(frame: Uint8Array): void {
    const sent = this.connection.send(frame);
    if (!sent.ok) throw sent.error;
  }

  /** The next message of one of `types` (others stay queued), within `timeoutMs`. */
  async next<T extends MessageType>(types: T | T[], timeoutMs = 5000): Promise<MessageOf<T>> {
    const wanted = Array.isArray(types) ? types : [types];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => (wanted as string[]).includes(m.type));
      if (i >= 0) return this.inbox.splice(i, 1)[0] as MessageOf<T>;
      const left = deadline - Date.now();
      if (left <= 0 || this.closedWith !== undefined) {
        throw new Error(
          `no ${wanted.join('/')} within ${timeoutMs} ms (closed: ${this.closedWith ?? 'no'}); inbox: ${this.inbox.map((m) => m.type).join(', ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Whatever messages of `types` arrived so far (without waiting). */
  drain<T extends MessageType>(types: T[]): MessageOf<T>[] {
    const out: MessageOf<T>[] = [];
    for (let i = 0; i < this.inbox.length; ) {
      if ((types as string[]).includes(this.inbox[i]!.type))
        out.push(this.inbox.splice(i, 1)[0] as MessageOf<T>);
      else i++;
    }
    return out;
  }

  /** Waits until the connection is closed, within `timeoutMs`. */
  async closed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.closedWith === undefined) {
      if (Date.now() > deadline) throw new Error('the connection did not close');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closedWith;
  }

  async hello(tokenValue: string | undefined): Promise<MessageOf<'Welcome'>> {
    this.send({
      type: 'Hello',
      version: PROTOCOL_VERSION,
      positionEncoding: 'utf-16',
      clientId: this.clientId,
      ...(tokenValue !== undefined ? { token: tokenValue } : {}),
    });
    const reply = await this.next(['Welcome', 'Refused']);
    if (reply.type === 'Refused')
      throw new Error(`refused: ${reply.error.code} ${reply.error.message}`);
    return reply;
  }

  /** Opens a workspace and returns its state and revision. */
  async open(
    workspace: string,
    create = true,
  ): Promise<{ state: Workspace; revision: number; lastSeq: number | undefined }> {
    const requestId = 1;
    this.send({ type: 'Open', requestId, workspace, create });
    // An Error for another request (a bad Presence, an admin message) answers something sent
    // before: it stays queued for whoever waits for it.
    const unrelated: Message[] = [];
    let reply = await this.next(['Snapshot', 'Error']);
    while (reply.type === 'Error' && reply.requestId !== requestId) {
      unrelated.push(reply);
      reply = await this.next(['Snapshot', 'Error']);
    }
    this.inbox.unshift(...unrelated);
    if (reply.type === 'Error')
      throw new Error(`open failed: ${reply.error.code} ${reply.error.message}`);
    return { state: reply.state, revision: reply.revision, lastSeq: reply.lastSeq };
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Sends a Submit under this client's id without waiting for its answer; returns its seq. */
  sendSubmit(
    workspace: string,
    baseRevision: number,
    change: WorkspaceChange,
    seq = this.nextSeq(),
  ): number {
    this.send({ type: 'Submit', workspace, baseRevision, clientId: this.clientId, seq, change });
    return seq;
  }

  /** Submits a change and waits for its Ack or Reject. */
  async submit(
    workspace: string,
    baseRevision: number,
    change: WorkspaceChange,
    seq = this.nextSeq(),
  ) {
    this.sendSubmit(workspace, baseRevision, change, seq);
    for (;;) {
      const reply = await this.next(['Ack', 'Reject']);
      if (reply.seq === seq) return reply;
    }
  }

  close(): void {
    this.connection.close();
  }
}

/** Builds a change by path against `state` with ids from `clientId`. */
export function build(
  state: Workspace,
  clientId: string,
  fn: (b: ChangeBuilder) => void,
  start = 1,
): WorkspaceChange {
  const b = new ChangeBuilder(state, createIdGenerator(clientId, start));
  fn(b);
  return b.change;
}

/** Shorthand for a text edit change. */
export function edit(state: Workspace, path: string, ops: Op[]): WorkspaceChange {
  return build(state, 'x', (b) => {
    const r = b.edit(path, ops);
    if (!r.ok) throw r.error;
  });
}

export { parseWorkspace };
