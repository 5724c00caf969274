import { createServer as createHttpServer } from 'node:http';
import { connect as connectRaw, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testCert, testKey } from '../../../test-support/tls/index.js';
import {
  type Connection,
  type ConnectionEvent,
  type ConnectionLimits,
  ConnectionManager,
  type Listener,
} from '../src/index.js';
import {
  connectNodeWebSocket,
  connectTcp,
  listenTcp,
  listenWebSocket,
  type TcpListener,
  type WebSocketListener,
} from '../src/node/index.js';
import { sleep, within } from '../src/testing/index.js';

// Sockets still in a handshake before admission (TLS, a WebSocket upgrade) count against the
// connection limits from the moment they connect. The handshake deadline stays at its 10 s
// default here, so a socket closed within a second was refused, not timed out.

const tls = { cert: testCert, key: testKey };

interface Target {
  readonly name: string;
  listen(limits: Partial<ConnectionLimits>): Promise<TcpListener | WebSocketListener>;
  /** Opens a real client that completes every handshake; throws if it cannot. */
  connect(listener: TcpListener | WebSocketListener): Promise<Connection>;
}

function opened<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const targets: Target[] = [
  {
    name: 'tls://',
    listen: (limits) => listenTcp({ tls, limits }),
    connect: async (listener) =>
      opened(await connectTcp({ host: '127.0.0.1', port: listener.port, tls: { ca: testCert } })),
  },
  {
    name: 'wss://',
    listen: (limits) => listenWebSocket({ tls, limits }),
    connect: async (listener) =>
      opened(await connectNodeWebSocket(listener.address, { tls: { ca: testCert } })),
  },
  {
    name: 'ws://',
    listen: (limits) => listenWebSocket({ limits }),
    connect: async (listener) => opened(await connectNodeWebSocket(listener.address)),
  },
];

/** A plain socket that connects and then says nothing: no TLS hello, no upgrade request. */
interface SilentSocket {
  readonly socket: Socket;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
}

let sockets: Socket[] = [];
let listeners: Listener[] = [];

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets = [];
  const open = listeners;
  listeners = [];
  await within(
    Promise.all(open.map((listener) => listener.close('The test is over.'))),
    10_000,
    'the listeners to close',
  );
});

function silentSocket(port: number): Promise<SilentSocket> {
  return new Promise((resolve, reject) => {
    const socket = connectRaw({ host: '127.0.0.1', port });
    sockets.push(socket);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => {
      socket.on('error', () => undefined);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await sleep(5);
    })(),
    5_000,
    what,
  );
}

async function started(target: Target, limits: Partial<ConnectionLimits>) {
  const listener = await target.listen(limits);
  listeners.push(listener);
  const events: ConnectionEvent[] = [];
  listener.onEvent((event) => events.push(event));
  return { listener, events };
}

const limitCases = [
  {
    name: 'per address',
    limits: { maxConnections: 10, maxConnectionsPerAddress: 2 },
    reason: /Address 127\.0\.0\.1 holds its limit of 2 connections/,
  },
  {
    name: 'in total',
    limits: { maxConnections: 2, maxConnectionsPerAddress: 10 },
    reason: /The server holds its limit of 2 connections/,
  },
];

for (const target of targets) {
  describe(`a ${target.name} listener counts sockets in their handshake`, () => {
    for (const { name, limits, reason } of limitCases) {
      it(`destroys a socket over the limit ${name} at once, and frees the slots as sockets close`, async () => {
        const { listener, events } = await started(target, limits);
        const first = await silentSocket(listener.port);
        const second = await silentSocket(listener.port);
        await until(() => listener.handshakeCount === 2, 'two sockets counted in their handshake');
        const third = await silentSocket(listener.port);
        await within(third.closed, 1_000, 'the third socket to be destroyed');
        expect(events.filter((event) => event.type === 'refusedInHandshake')).toEqual([
          {
            type: 'refusedInHandshake',
            remoteAddress: '127.0.0.1',
            code: 'TOO_MANY_CONNECTIONS',
            reason: expect.stringMatching(reason),
          },
        ]);
        expect(listener.handshakeCount).toBe(2);
        // The two silent sockets are still held: nothing else cut them.
        expect(first.socket.destroyed || second.socket.destroyed).toBe(false);

        first.socket.destroy();
        second.socket.destroy();
        await until(() => listener.handshakeCount === 0, 'the closed sockets to be released');
        const client = await target.connect(listener);
        await until(() => listener.connectionCount === 1, 'the real client to be admitted');
        expect(client.state).toBe('open');
        expect(listener.handshakeCount).toBe(0);
      });
    }

    it('counts a socket that completed its handshake once, as an admitted connection', async () => {
      const { listener, events } = await started(target, {
        maxConnections: 2,
        maxConnectionsPerAddress: 2,
      });
      const admitted: Connection[] = [];
      listener.onConnection((connection) => admitted.push(connection));
      const first = await target.connect(listener);
      await target.connect(listener);
      await until(() => listener.connectionCount === 2, 'two clients to be admitted');
      expect(listener.handshakeCount).toBe(0);

      const extra = await silentSocket(listener.port);
      await within(extra.closed, 1_000, 'the raw socket over the limit to be destroyed');
      expect(events.filter((event) => event.type === 'refusedInHandshake')).toHaveLength(1);

      first.close('NORMAL', 'making room');
      await within(admitted[0]!.closed, 5_000, 'the first connection to close on the server');
      await until(() => listener.connectionCount === 1, 'the slot to be freed');
      const next = await target.connect(listener);
      await until(() => listener.connectionCount === 2, 'the next client to be admitted');
      expect(next.state).toBe('open');
      expect(events.filter((event) => event.type === 'refused')).toHaveLength(0);
    });
  });
}

describe('a WebSocket listener on a caller-owned server', () => {
  it('leaves sockets before their upgrade to the caller: they are not counted', async () => {
    const server = createHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const listener = await listenWebSocket({ server, limits: { maxConnectionsPerAddress: 1 } });
    try {
      const silent = await Promise.all([1, 2, 3].map(() => silentSocket(listener.port)));
      await sleep(200);
      expect(silent.every(({ socket }) => !socket.destroyed)).toBe(true);
      expect(listener.handshakeCount).toBe(0);
      const client = opened(await connectNodeWebSocket(listener.address));
      await until(() => listener.connectionCount === 1, 'the client to be admitted');
      expect(client.state).toBe('open');
    } finally {
      // The upgraded connection is the listener's to close; the caller's server then stops.
      await within(listener.close(), 5_000, 'the listener to close');
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a WebSocket listener that counts admitted connections by a proxy header', () => {
  it('counts a socket in its upgrade by its own address, then moves it to the header address', async () => {
    const listener = await listenWebSocket({
      limits: { maxConnectionsPerAddress: 1 },
      remoteAddressOf: (request) => String(request.headers['x-forwarded-for']),
    });
    listeners.push(listener);
    const behind = async (address: string) =>
      opened(
        await connectNodeWebSocket(listener.address, { headers: { 'x-forwarded-for': address } }),
      );
    // Both come from 127.0.0.1, one at a time through the upgrade, and are admitted under
    // their header addresses: the socket-address count was released at admission.
    await behind('203.0.113.1');
    await behind('203.0.113.2');
    await until(() => listener.connectionCount === 2, 'both proxied clients to be admitted');
    expect(listener.handshakeCount).toBe(0);
    // One socket in its upgrade from 127.0.0.1 is allowed; a second one is not.
    await silentSocket(listener.port);
    await until(() => listener.handshakeCount === 1, 'the silent socket to be counted');
    const over = await silentSocket(listener.port);
    await within(over.closed, 1_000, 'the second silent socket from 127.0.0.1 to be destroyed');
  });
});

describe('ConnectionManager.holdHandshake', () => {
  it('counts each slot once, however often it is released', () => {
    const manager = new ConnectionManager({ limits: { maxConnectionsPerAddress: 2 } });
    const events: ConnectionEvent[] = [];
    manager.onEvent((event) => events.push(event));
    const first = manager.holdHandshake('10.0.0.1');
    expect(manager.holdHandshake('10.0.0.1')).toBeDefined();
    expect(manager.holdHandshake('10.0.0.1')).toBeUndefined();
    expect(manager.holdHandshake('10.0.0.2')).toBeDefined();
    expect(manager.handshakeCount).toBe(3);
    first?.release();
    first?.release();
    expect(manager.handshakeCount).toBe(2);
    expect(manager.holdHandshake('10.0.0.1')).toBeDefined();
    expect(manager.holdHandshake('10.0.0.1')).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['refusedInHandshake', 'refusedInHandshake']);
    expect(manager.connectionCount).toBe(0);
  });

  it('refuses every socket once the manager is shutting down', async () => {
    const manager = new ConnectionManager();
    const events: ConnectionEvent[] = [];
    manager.onEvent((event) => events.push(event));
    await manager.closeAll('Going away.');
    expect(manager.holdHandshake('10.0.0.1')).toBeUndefined();
    expect(events).toEqual([
      {
        type: 'refusedInHandshake',
        remoteAddress: '10.0.0.1',
        code: 'SHUTTING_DOWN',
        reason: 'Going away.',
      },
    ]);
  });
});

for (const target of targets) {
  describe(`a ${target.name} listener that closes`, () => {
    it('drops sockets still in their handshake at once, and closes admitted connections as usual', async () => {
      const { listener } = await started(target, {});
      const silent = await silentSocket(listener.port);
      const admitted = await target.connect(listener);
      await until(() => listener.handshakeCount === 1, 'the silent socket counted');
      // The handshake deadline is 10 s: a close within 3 s did not wait for it (it lets
      // handshakes under way finish for half a second).
      await within(listener.close('Going away.'), 3_000, 'the listener to close');
      await within(silent.closed, 1_000, 'the silent socket to be dropped');
      const info = await within(admitted.closed, 1_000, 'the admitted connection to close');
      expect(info.code).toBe('SHUTTING_DOWN');
    });
  });
}
