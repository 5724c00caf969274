import type { Connection, ConnectionEvent, Listener, ServerConnection } from '../../src/index.js';
import { sleep, within } from '../../src/testing/index.js';

/** The limits of the server under attack: small, so that every attack hits one quickly. */
export const HOSTILE_LIMITS = {
  maxFrameSize: 64 * 1024,
  highWaterMark: 256 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxConnections: 50,
  maxConnectionsPerAddress: 10_000,
  handshakeTimeoutMs: 500,
  pingIntervalMs: 200,
  heartbeatTimeoutMs: 1_000,
  closeTimeoutMs: 1_000,
} as const;

const encoder = new TextEncoder();
/** The handshake a peer sends first; the server marks it ready. */
export const HELLO = encoder.encode('hello');
/** Asks the server to send to this peer as fast as it can (the slow-consumer attack). */
export const FLOOD_ME = encoder.encode('flood-me');

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * The application on the server under attack: it marks a peer ready on `hello`, echoes every
 * later frame, and on `flood-me` sends 64 KiB frames until `send` refuses (at most 4,000).
 */
export class HostileServerApp {
  readonly events: ConnectionEvent[] = [];
  /** The error code that ended each flood, or `none` if the flood ran out of frames. */
  readonly floodOutcomes: string[] = [];
  /** The largest send buffer seen on a flooded connection. */
  maxFloodBuffered = 0;
  /** The most connections the listener held at once. */
  peakConnections = 0;

  constructor(readonly listener: Listener) {
    listener.onEvent((event) => {
      this.events.push(event);
      this.peakConnections = Math.max(this.peakConnections, listener.connectionCount);
    });
    listener.onConnection((connection) => {
      connection.onMessage((frame) => {
        if (!connection.ready) {
          if (same(frame, HELLO)) connection.markReady();
        } else if (same(frame, FLOOD_ME)) {
          void this.flood(connection);
        } else {
          connection.send(frame);
        }
      });
    });
  }

  /** How many connections closed with each code so far. */
  closedCodes(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of this.events) {
      if (event.type === 'closed') counts[event.info.code] = (counts[event.info.code] ?? 0) + 1;
    }
    return counts;
  }

  private async flood(connection: ServerConnection): Promise<void> {
    const frame = new Uint8Array(HOSTILE_LIMITS.maxFrameSize);
    for (let i = 0; i < 4_000; i++) {
      const result = connection.send(frame);
      this.maxFloodBuffered = Math.max(this.maxFloodBuffered, connection.bufferedAmount);
      if (!result.ok) {
        this.floodOutcomes.push(result.error.code);
        return;
      }
      if (i % 16 === 15) await sleep(1);
    }
    this.floodOutcomes.push('none');
  }
}

/**
 * A well-behaved client that keeps doing echo round trips for as long as it runs. Every round
 * trip must come back within 3 s, even while a thousand sockets are being accepted on a loaded
 * 2-core machine: `failures` lists those that did not.
 */
export class GoodClient {
  roundTrips = 0;
  /** The slowest round trip, in milliseconds. */
  slowestMs = 0;
  failures: string[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(private readonly connection: Connection) {}

  start(): void {
    this.connection.send(HELLO);
    let waiting: ((frame: Uint8Array) => void) | undefined;
    this.connection.onMessage((frame) => waiting?.(frame));
    this.loop = (async () => {
      for (let n = 0; this.running; n++) {
        const payload = encoder.encode(`round trip ${n}`);
        const echoed = new Promise<Uint8Array>((resolve) => {
          waiting = resolve;
        });
        const start = performance.now();
        this.connection.send(payload);
        try {
          const frame = await within(echoed, 3_000, `round trip ${n}`);
          this.slowestMs = Math.max(this.slowestMs, performance.now() - start);
          if (same(frame, payload)) this.roundTrips++;
          else this.failures.push(`round trip ${n} came back different`);
        } catch (error) {
          this.failures.push(String(error));
          if (this.connection.state !== 'open') return;
        }
        await sleep(20);
      }
    })();
  }

  /** Stops after the round trip in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Samples memory while attacks run and reports the growth over the baseline. */
export class MemoryProbe {
  private readonly baseline = process.memoryUsage();
  private maxRss = 0;
  private maxHeap = 0;
  private readonly timer = setInterval(() => this.sample(), 25);

  sample(): void {
    const usage = process.memoryUsage();
    this.maxRss = Math.max(this.maxRss, usage.rss);
    this.maxHeap = Math.max(this.maxHeap, usage.heapUsed);
  }

  /** Stops sampling; the growth of rss and heap over the baseline, in MiB. */
  stop(): { rssMiB: number; heapMiB: number } {
    clearInterval(this.timer);
    this.sample();
    return {
      rssMiB: (this.maxRss - this.baseline.rss) / 2 ** 20,
      heapMiB: (this.maxHeap - this.baseline.heapUsed) / 2 ** 20,
    };
  }
}
