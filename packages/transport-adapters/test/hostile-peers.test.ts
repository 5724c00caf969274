import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/index.js';
import { seededRandom } from '../src/index.js';
import {
  connectNodeWebSocket,
  connectTcp,
  listenTcp,
  listenWebSocket,
  type TcpListener,
  type WebSocketListener,
} from '../src/node/index.js';
import { sleep, within } from '../src/testing/index.js';
import {
  FLOOD_ME,
  GoodClient,
  HELLO,
  HOSTILE_LIMITS,
  HostileServerApp,
  MemoryProbe,
} from './support/hostile-fixture.js';
import { type RawTransport, rawHttpPeer, rawTcp, rawWebSocket } from './support/raw-peers.js';

interface Target {
  readonly raw: RawTransport;
  /**
   * What a peer over the connection limit sees: a close with `TOO_MANY_CONNECTIONS` where sockets
   * are admitted as they connect (TCP), or `undefined`, a socket cut before its WebSocket upgrade,
   * where the listener counts sockets from connect through that upgrade.
   */
  readonly excessOutcome: 'TOO_MANY_CONNECTIONS' | 'undefined';
  listen(): Promise<TcpListener | WebSocketListener>;
  connect(listener: TcpListener | WebSocketListener): Promise<Connection>;
}

const targets: Target[] = [
  {
    raw: rawTcp,
    excessOutcome: 'TOO_MANY_CONNECTIONS',
    listen: () => listenTcp({ limits: HOSTILE_LIMITS, backlog: 2_048 }),
    async connect(listener) {
      const result = await connectTcp({ host: '127.0.0.1', port: listener.port });
      if (!result.ok) throw result.error;
      return result.value;
    },
  },
  {
    raw: rawWebSocket,
    excessOutcome: 'undefined',
    listen: () => listenWebSocket({ limits: HOSTILE_LIMITS, backlog: 2_048 }),
    async connect(listener) {
      const result = await connectNodeWebSocket(listener.address);
      if (!result.ok) throw result.error;
      return result.value;
    },
  },
];

const outcomeWithin = <T>(promise: Promise<T>, what: string) => within(promise, 5_000, what);

function randomBytes(seed: number, length: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

for (const target of targets) {
  const { raw } = target;

  describe(`hostile peers against a real ${raw.name} server on 127.0.0.1`, () => {
    let listener: TcpListener | WebSocketListener;
    let app: HostileServerApp;
    let good: GoodClient;
    let memory: MemoryProbe;

    beforeAll(async () => {
      listener = await target.listen();
      app = new HostileServerApp(listener);
      good = new GoodClient(await target.connect(listener));
      good.start();
      await sleep(100);
      memory = new MemoryProbe();
    });

    afterAll(async () => {
      await good.stop();
      const growth = memory.stop();
      console.log(
        `${raw.name} hostile suite: ${good.roundTrips} good round trips (slowest ${Math.round(good.slowestMs)} ms), memory growth`,
        growth,
      );
      await listener.close();
      // The well-behaved client kept working through every attack.
      expect(good.failures).toEqual([]);
      expect(good.roundTrips).toBeGreaterThan(20);
      expect(growth.rssMiB).toBeLessThan(200);
      expect(growth.heapMiB).toBeLessThan(100);
    });

    it('random bytes: the connection is closed with a framing or limit code', async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const peer = await raw.open(listener.port);
        peer.write(randomBytes(seed, 4_096));
        const outcome = await outcomeWithin(peer.outcome, `random-bytes peer ${seed} to be closed`);
        expect(['LIMIT_EXCEEDED', 'MALFORMED_FRAME', 'HANDSHAKE_TIMEOUT']).toContain(outcome.code);
      }
    });

    it('a 4 GiB (and a 2 GiB) length prefix: LIMIT_EXCEEDED from the header, nothing buffered', async () => {
      for (const declared of [2 ** 32 - 1, 2 ** 31 - 1]) {
        const peer = await raw.open(listener.port);
        peer.write(peer.frame(new Uint8Array(16), declared).subarray(0, -16));
        peer.write(new Uint8Array(16));
        const outcome = await outcomeWithin(peer.outcome, 'the huge-prefix peer to be closed');
        expect(outcome.code).toBe('LIMIT_EXCEEDED');
      }
    });

    it('a frame one byte over the limit: LIMIT_EXCEEDED', async () => {
      const peer = await raw.open(listener.port);
      peer.write(peer.frame(HELLO));
      peer.write(peer.frame(new Uint8Array(HOSTILE_LIMITS.maxFrameSize + 1)));
      const outcome = await outcomeWithin(peer.outcome, 'the oversized-frame peer to be closed');
      expect(outcome.code).toBe('LIMIT_EXCEEDED');
    });

    it('half a frame then silence: HANDSHAKE_TIMEOUT before hello, HEARTBEAT_TIMEOUT after', async () => {
      const before = await raw.open(listener.port);
      before.write(before.frame(new Uint8Array(100)).subarray(0, 50));
      const after = await raw.open(listener.port);
      after.write(after.frame(HELLO));
      after.write(after.frame(new Uint8Array(100)).subarray(0, 50));
      const [first, second] = await Promise.all([
        outcomeWithin(before.outcome, 'the silent peer before hello to be closed'),
        outcomeWithin(after.outcome, 'the silent peer after hello to be closed'),
      ]);
      expect(first.code).toBe('HANDSHAKE_TIMEOUT');
      expect(second.code).toBe('HEARTBEAT_TIMEOUT');
    });

    it('1,000 connections at once: the excess is refused, none hangs', async () => {
      const peers = await within(
        Promise.all(Array.from({ length: 1_000 }, () => raw.open(listener.port))),
        20_000,
        '1,000 sockets to connect',
      );
      const outcomes = await within(
        Promise.all(peers.map((peer) => peer.outcome)),
        20_000,
        'all 1,000 peers to be closed',
      );
      const counts: Record<string, number> = {};
      for (const { code } of outcomes) counts[String(code)] = (counts[String(code)] ?? 0) + 1;
      const excess = target.excessOutcome;
      expect(Object.keys(counts).sort()).toEqual(['HANDSHAKE_TIMEOUT', excess].sort());
      // Never more than the limit at once. 49 fit beside the good client, and their slots free up
      // as they time out (500 ms), so on a loaded machine a few more than 49 get in over the run.
      expect(app.peakConnections).toBeLessThanOrEqual(HOSTILE_LIMITS.maxConnections);
      expect(counts[excess]).toBeGreaterThan(500);
      const refusals = app.events.filter(
        (event) => event.type === 'refused' || event.type === 'refusedInHandshake',
      );
      expect(refusals).toHaveLength(counts[excess] ?? 0);
      await within(
        (async () => {
          while (listener.connectionCount > 1) await sleep(20);
        })(),
        5_000,
        'only the good client to remain',
      );
    });

    it('a client that never reads while the server sends: cut off with SLOW_CONSUMER', async () => {
      const peer = await raw.open(listener.port, { read: false });
      peer.write(peer.frame(HELLO));
      peer.write(peer.frame(FLOOD_ME));
      await within(
        (async () => {
          while (app.floodOutcomes.length === 0) await sleep(10);
        })(),
        10_000,
        'the flood to end',
      );
      expect(app.floodOutcomes).toEqual(['SLOW_CONSUMER']);
      expect(app.maxFloodBuffered).toBeLessThanOrEqual(
        HOSTILE_LIMITS.maxBufferedBytes + HOSTILE_LIMITS.maxFrameSize,
      );
      expect(app.closedCodes().SLOW_CONSUMER).toBe(1);
      peer.socket.destroy();
    });

    if (raw === rawWebSocket) {
      it('garbage instead of an HTTP upgrade: 400, closed', async () => {
        const peer = await rawHttpPeer(listener.port, randomBytes(99, 512));
        const outcome = await outcomeWithin(peer.outcome, 'the garbage peer to be closed');
        expect(outcome.httpStatus).toBe(400);
      });

      it('half an HTTP upgrade then silence: closed at the handshake deadline', async () => {
        const peer = await rawHttpPeer(listener.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const outcome = await outcomeWithin(peer.outcome, 'the slowloris peer to be closed');
        expect(outcome.httpStatus === undefined || outcome.httpStatus === 408).toBe(true);
      });
    }
  });
}
