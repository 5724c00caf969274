import { describe, expect, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';
import {
  bytesEqual,
  closedWithin,
  FrameLog,
  nextConnection,
  patternFrame,
  sleep,
  within,
} from './support.js';

const LIMIT = 256 * 1024;

/** Frames, ordering, sizes, closing and backpressure. */
export function describeFrames(harness: ConformanceHarness): void {
  describe('frames', () => {
    it('delivers frames whole and in order, both ways, including empty ones', async () => {
      const listener = await harness.listen();
      const accepted = nextConnection(listener);
      const { connection: client } = await harness.connect(listener);
      const server = await accepted;
      server.markReady();
      server.onMessage((frame) => server.send(frame));
      const echoes = new FrameLog(client);
      const sizes = Array.from({ length: 300 }, (_, i) => (i * 997) % 3_000);
      expect(sizes.every((size, i) => client.send(patternFrame(size, i)).ok)).toBe(true);
      const received = await echoes.waitFor(sizes.length);
      expect(received.map((frame) => frame.byteLength)).toEqual(sizes);
      expect(received.every((frame, i) => bytesEqual(frame, patternFrame(sizes[i] ?? 0, i)))).toBe(
        true,
      );
    });

    it('holds frames that arrive before the first listener is attached', async () => {
      const listener = await harness.listen();
      listener.onConnection((server) => {
        server.markReady();
        server.send(patternFrame(10, 1));
        server.send(patternFrame(20, 2));
      });
      const { connection: client } = await harness.connect(listener);
      await sleep(50);
      const log = new FrameLog(client);
      const frames = await log.waitFor(2);
      expect(frames).toEqual([patternFrame(10, 1), patternFrame(20, 2)]);
    });

    it('carries a frame of exactly maxFrameSize both ways', async () => {
      const listener = await harness.listen({ limits: { maxFrameSize: LIMIT } });
      const accepted = nextConnection(listener);
      const { connection: client } = await harness.connect(listener, { maxFrameSize: LIMIT });
      const server = await accepted;
      server.markReady();
      server.onMessage((frame) => server.send(frame));
      const echoes = new FrameLog(client);
      expect(client.send(patternFrame(LIMIT, 9)).ok).toBe(true);
      const [echo] = await echoes.waitFor(1);
      expect(bytesEqual(echo!, patternFrame(LIMIT, 9))).toBe(true);
    });

    it('refuses to send a frame over maxFrameSize and stays open', async () => {
      const listener = await harness.listen({ limits: { maxFrameSize: LIMIT } });
      const { connection: client } = await harness.connect(listener, { maxFrameSize: LIMIT });
      const result = client.send(new Uint8Array(LIMIT + 1));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('LIMIT_EXCEEDED');
      expect(client.state).toBe('open');
    });

    it('closes with LIMIT_EXCEEDED, seen by both ends, when the peer sends one byte over', async () => {
      const listener = await harness.listen({ limits: { maxFrameSize: LIMIT } });
      const accepted = nextConnection(listener);
      const { connection: client } = await harness.connect(listener, { maxFrameSize: LIMIT + 1 });
      const server = await accepted;
      server.markReady();
      expect(client.send(new Uint8Array(LIMIT + 1)).ok).toBe(true);
      const [serverInfo, clientInfo] = await Promise.all([
        closedWithin(server, 5_000, 'the server to close'),
        closedWithin(client, 5_000, 'the client to learn of the close'),
      ]);
      expect(serverInfo).toMatchObject({ code: 'LIMIT_EXCEEDED', initiator: 'local' });
      expect(clientInfo).toMatchObject({ code: 'LIMIT_EXCEEDED', initiator: 'remote' });
    });
  });

  describe('closing', () => {
    for (const side of ['client', 'server'] as const) {
      it(`closes from the ${side}: frames sent first arrive, then both ends learn code and reason`, async () => {
        const listener = await harness.listen();
        const accepted = nextConnection(listener);
        const { connection: client } = await harness.connect(listener);
        const server = await accepted;
        server.markReady();
        const [closer, other] = side === 'client' ? [client, server] : [server, client];
        const log = new FrameLog(other);
        const reason = 'Gone to lunch: back at 14:00 (ünïcødé ✓)';
        for (let i = 0; i < 3; i++) closer.send(patternFrame(100, i));
        closer.close('SHUTTING_DOWN', reason);
        expect(closer.state).not.toBe('open');
        const [mine, theirs] = await Promise.all([
          closedWithin(closer, 5_000, 'the closing end to close'),
          closedWithin(other, 5_000, 'the other end to learn of the close'),
        ]);
        expect(mine).toEqual({ code: 'SHUTTING_DOWN', reason, initiator: 'local' });
        expect(theirs).toEqual({ code: 'SHUTTING_DOWN', reason, initiator: 'remote' });
        expect(log.frames).toEqual([0, 1, 2].map((i) => patternFrame(100, i)));
      });
    }

    it('answers CONNECTION_CLOSED to a send after close, and reports onClose to late listeners', async () => {
      const listener = await harness.listen();
      const { connection: client } = await harness.connect(listener);
      client.close();
      const result = client.send(new Uint8Array(1));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('CONNECTION_CLOSED');
      await closedWithin(client, 5_000, 'the client to close');
      const late = await within(
        new Promise((resolve) => client.onClose(resolve)),
        1_000,
        'a late onClose listener',
      );
      expect(late).toMatchObject({ code: 'NORMAL', initiator: 'local' });
    });

    it('closes every connection with SHUTTING_DOWN when the listener closes', async () => {
      const listener = await harness.listen();
      const { connection: client } = await harness.connect(listener);
      await within(listener.close('Maintenance.'), 5_000, 'the listener to close');
      const info = await closedWithin(client, 5_000, 'the client to learn of the shutdown');
      expect(info).toEqual({ code: 'SHUTTING_DOWN', reason: 'Maintenance.', initiator: 'remote' });
    });
  });

  describe('backpressure', () => {
    it('answers false at the high-water mark and reports drain once the reader catches up', async () => {
      const highWaterMark = 64 * 1024;
      const listener = await harness.listen({
        limits: { highWaterMark, maxFrameSize: 64 * 1024, maxBufferedBytes: 256 * 1024 * 1024 },
      });
      const accepted = nextConnection(listener);
      const reader = await harness.connect(listener, { maxFrameSize: 64 * 1024 });
      const server = await accepted;
      server.markReady();
      reader.pauseReading();
      const log = new FrameLog(reader.connection);
      let sent = 0;
      let full = false;
      // Bounded: loopback kernel buffers hold a few MiB; 4,000 frames of 16 KiB is 64 MiB.
      while (!full && sent < 4_000) {
        const result = server.send(patternFrame(16 * 1024, sent));
        expect(result.ok).toBe(true);
        full = result.ok && !result.value;
        sent++;
        if (sent % 64 === 0) await sleep(1);
      }
      expect(full).toBe(true);
      expect(server.bufferedAmount).toBeGreaterThanOrEqual(highWaterMark);
      const drained = within(
        new Promise<void>((resolve) => server.onDrain(resolve)),
        10_000,
        'drain',
      );
      reader.resumeReading();
      await drained;
      expect(server.bufferedAmount).toBeLessThanOrEqual(highWaterMark / 2);
      const frames = await log.waitFor(sent, 10_000);
      expect(frames.every((frame, i) => bytesEqual(frame, patternFrame(16 * 1024, i)))).toBe(true);
    });
  });
}
