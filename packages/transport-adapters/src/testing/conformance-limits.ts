import { describe, expect, it } from 'vitest';
import type { ConnectionEvent, ServerConnection } from '../connection.js';
import type { ConformanceHarness } from './harness.js';
import { closedWithin, FrameLog, nextConnection, patternFrame, sleep, within } from './support.js';

const PING = Uint8Array.of(0x50);

/** Heartbeats, the handshake deadline, connection limits, the rate limit, slow consumers. */
export function describeLimits(harness: ConformanceHarness): void {
  describe('heartbeat', () => {
    it('keeps a peer that answers pings and closes a silent one with HEARTBEAT_TIMEOUT', async () => {
      const pings = new Map<string, number>();
      const events: ConnectionEvent[] = [];
      const listener = await harness.listen({
        limits: { pingIntervalMs: 60, heartbeatTimeoutMs: 300 },
        sendPing: (connection) => {
          pings.set(connection.id, (pings.get(connection.id) ?? 0) + 1);
          connection.send(PING);
        },
      });
      listener.onEvent((event) => events.push(event));
      listener.onConnection((connection) => connection.markReady());
      const { connection: lively } = await harness.connect(listener);
      lively.onMessage((frame) => lively.send(frame));
      const { connection: silent } = await harness.connect(listener);
      const info = await closedWithin(silent, 3_000, 'the silent peer to be cut off');
      expect(info).toMatchObject({ code: 'HEARTBEAT_TIMEOUT', initiator: 'remote' });
      await sleep(400);
      expect(lively.state).toBe('open');
      expect([...pings.values()].every((count) => count >= 1)).toBe(true);
      const closed = events.filter((event) => event.type === 'closed');
      expect(closed).toHaveLength(1);
      expect(closed[0]).toMatchObject({ info: { code: 'HEARTBEAT_TIMEOUT', initiator: 'local' } });
    });
  });

  describe('handshake deadline', () => {
    it('closes a peer that does not complete its handshake in time with HANDSHAKE_TIMEOUT', async () => {
      const listener = await harness.listen({ limits: { handshakeTimeoutMs: 150 } });
      listener.onConnection((connection) => {
        connection.onMessage(() => connection.markReady());
      });
      const { connection: polite } = await harness.connect(listener);
      polite.send(Uint8Array.of(1));
      const { connection: slow } = await harness.connect(listener);
      const info = await closedWithin(slow, 3_000, 'the slow peer to be cut off');
      expect(info).toMatchObject({ code: 'HANDSHAKE_TIMEOUT', initiator: 'remote' });
      await sleep(200);
      expect(polite.state).toBe('open');
    });
  });

  describe('connection limits', () => {
    const cases = [
      { name: 'per address', limits: { maxConnections: 10, maxConnectionsPerAddress: 2 } },
      { name: 'in total', limits: { maxConnections: 2, maxConnectionsPerAddress: 10 } },
    ];
    for (const { name, limits } of cases) {
      it(`refuses connections over the limit ${name} (TOO_MANY_CONNECTIONS and a last frame, or cut before a handshake)`, async () => {
        const refusal = Uint8Array.of(0xde, 0xad);
        const events: ConnectionEvent[] = [];
        const listener = await harness.listen({ limits, refusalFrame: () => refusal });
        listener.onEvent((event) => events.push(event));
        const admitted: ServerConnection[] = [];
        listener.onConnection((connection) => admitted.push(connection));
        const { connection: first } = await harness.connect(listener);
        await harness.connect(listener);
        if (harness.handshakeBeforeAdmission) {
          // Counted from connect: the third socket is cut before its handshake, with no reason.
          await harness.connectRefused(listener);
          const refused = events.filter((event) => event.type === 'refusedInHandshake');
          expect(refused).toHaveLength(1);
          expect(refused[0]).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
          expect(events.filter((event) => event.type === 'refused')).toHaveLength(0);
        } else {
          const { connection: third } = await harness.connect(listener);
          const log = new FrameLog(third);
          const info = await closedWithin(third, 5_000, 'the third connection to be refused');
          expect(info).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', initiator: 'remote' });
          expect(log.frames).toEqual([refusal]);
          expect(events.filter((event) => event.type === 'refused')).toHaveLength(1);
        }
        expect(listener.connectionCount).toBe(2);
        // A slot that frees up is given to the next peer.
        first.close();
        await closedWithin(admitted[0]!, 5_000, 'the first connection to close on the server');
        const { connection: fourth } = await harness.connect(listener);
        await sleep(100);
        expect(fourth.state).toBe('open');
        expect(listener.connectionCount).toBe(2);
      });
    }
  });

  describe('rate limit', () => {
    it('drops frames over a short burst and reports each, keeping the connection', async () => {
      const events: ConnectionEvent[] = [];
      const listener = await harness.listen({ limits: { messagesPerSecond: 1, messageBurst: 5 } });
      listener.onEvent((event) => events.push(event));
      const accepted = nextConnection(listener);
      const { connection: client } = await harness.connect(listener);
      const server = await accepted;
      server.markReady();
      const log = new FrameLog(server);
      for (let i = 0; i < 7; i++) client.send(patternFrame(10, i));
      await log.waitFor(5);
      await within(
        (async () => {
          while (events.filter((event) => event.type === 'rateLimited').length < 2) await sleep(5);
        })(),
        3_000,
        'two rateLimited events',
      );
      expect(log.frames).toEqual([0, 1, 2, 3, 4].map((i) => patternFrame(10, i)));
      expect(server.state).toBe('open');
    });

    it('closes a peer that keeps flooding with RATE_LIMITED', async () => {
      const listener = await harness.listen({ limits: { messagesPerSecond: 1, messageBurst: 5 } });
      const accepted = nextConnection(listener);
      const { connection: client } = await harness.connect(listener);
      (await accepted).markReady();
      for (let i = 0; i < 30; i++) client.send(patternFrame(10, i));
      const info = await closedWithin(client, 5_000, 'the flooding client to be cut off');
      expect(info).toMatchObject({ code: 'RATE_LIMITED', initiator: 'remote' });
    });
  });

  describe('slow consumer', () => {
    it('cuts off a peer that does not read once its buffer passes maxBufferedBytes', async () => {
      const frameSize = 64 * 1024;
      const maxBufferedBytes = 1024 * 1024;
      const listener = await harness.listen({
        limits: { maxFrameSize: frameSize, highWaterMark: 256 * 1024, maxBufferedBytes },
      });
      const accepted = nextConnection(listener);
      const reader = await harness.connect(listener, { maxFrameSize: frameSize });
      reader.pauseReading();
      const server = await accepted;
      server.markReady();
      let outcome: string | undefined;
      // Bounded: kernel buffers on loopback hold a few MiB; 2,000 frames of 64 KiB is 128 MiB.
      for (let i = 0; i < 2_000 && outcome === undefined; i++) {
        const result = server.send(patternFrame(frameSize, i));
        if (!result.ok) outcome = result.error.code;
        if (i % 32 === 31) await sleep(1);
      }
      expect(outcome).toBe('SLOW_CONSUMER');
      const info = await closedWithin(server, 5_000, 'the server end to close');
      expect(info).toMatchObject({ code: 'SLOW_CONSUMER', initiator: 'local' });
      expect(server.bufferedAmount).toBeLessThanOrEqual(maxBufferedBytes + frameSize);
      reader.resumeReading();
      await closedWithin(reader.connection, 10_000, 'the slow reader to see the end');
    });
  });
}
