// Raw frame throughput of the transports over loopback, without any protocol on top: round trips
// per second (one frame in flight, echoed) and one-way MB/s (as fast as backpressure allows), for
// TCP and WebSocket, with 100 B and 64 KiB frames. Server and client run in this one process.

import type { Connection, Listener } from '@dist-space/transport-adapters';
import {
  connectNodeWebSocket,
  connectTcp,
  listenTcp,
  listenWebSocket,
  type TcpListener,
} from '@dist-space/transport-adapters/node';
import { median, type Row, type SuiteOptions } from '../harness.js';

interface TransportKind {
  readonly name: string;
  listen(): Promise<Listener>;
  connect(listener: Listener): Promise<Connection>;
}

// Throughput, not abuse protection, is measured: no rate limit, room for the largest frame.
const limits = {
  messagesPerSecond: Infinity,
  handshakeTimeoutMs: 0,
  maxFrameSize: 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
};

const kinds: readonly TransportKind[] = [
  {
    name: 'TCP',
    listen: () => listenTcp({ limits }),
    async connect(listener) {
      const { port } = listener as TcpListener;
      return unwrap(
        await connectTcp({ host: '127.0.0.1', port, maxFrameSize: limits.maxFrameSize }),
      );
    },
  },
  {
    name: 'WebSocket',
    listen: () => listenWebSocket({ limits }),
    async connect(listener) {
      return unwrap(
        await connectNodeWebSocket(listener.address, { maxFrameSize: limits.maxFrameSize }),
      );
    },
  },
];

const sizes = [
  { label: '100 B', bytes: 100, roundTrips: 5_000, streamed: 200_000 },
  { label: '64 KiB', bytes: 64 * 1024, roundTrips: 1_000, streamed: 3_000 },
] as const;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * A copy of `template` whose first four bytes are `n`, so that the receiver can check order. A
 * fresh buffer per frame: a transport may hold a sent frame until it is written, so a sender
 * must not change it after `send` (as with a Node socket); the protocol layer encodes a new
 * buffer per message anyway.
 */
function numbered(template: Uint8Array, n: number): Uint8Array {
  const frame = template.slice();
  new DataView(frame.buffer).setUint32(0, n, false);
  return frame;
}

function sequenceOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, false);
}

/**
 * The server side: echoes every frame on connections that ask for `echo` (first frame 0x01),
 * and on `count` connections (first frame 0x02) counts frames, checks their sequence numbers
 * and answers with one 4-byte frame (the number of frames in order) when told how many to expect.
 */
function serve(listener: Listener): void {
  listener.onConnection((connection) => {
    connection.markReady();
    let mode: 'echo' | 'count' | undefined;
    let expected = 0;
    let inOrder = 0;
    connection.onMessage((frame) => {
      if (mode === undefined) {
        mode = frame[0] === 1 ? 'echo' : 'count';
        expected = frame.byteLength >= 5 ? sequenceOf(frame.subarray(1)) : 0;
        return;
      }
      if (mode === 'echo') {
        connection.send(frame);
        return;
      }
      if (sequenceOf(frame) === inOrder) inOrder++;
      if (inOrder === expected) connection.send(numbered(new Uint8Array(4), inOrder));
    });
  });
}

/** Round trips per second with one frame in flight; verified frame by frame. */
async function roundTrips(client: Connection, bytes: number, count: number) {
  const frame = new Uint8Array(bytes).fill(0xab);
  client.send(Uint8Array.of(1));
  let verified = true;
  let resolveNext: ((frame: Uint8Array) => void) | undefined;
  client.onMessage((echo) => resolveNext?.(echo));
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    const echoed = new Promise<Uint8Array>((resolve) => {
      resolveNext = resolve;
    });
    client.send(numbered(frame, n));
    const echo = await echoed;
    verified &&= echo.byteLength === bytes && sequenceOf(echo) === n && echo[bytes - 1] === 0xab;
  }
  const seconds = (performance.now() - start) / 1000;
  return { rate: count / seconds, verified };
}

/** One-way MB/s: send `count` frames as fast as backpressure allows, until the server confirms. */
async function stream(client: Connection, bytes: number, count: number) {
  const frame = new Uint8Array(bytes).fill(0xcd);
  const hello = new Uint8Array(5);
  hello[0] = 2;
  new DataView(hello.buffer).setUint32(1, count, false);
  client.send(hello);
  const confirmed = new Promise<number>((resolve) =>
    client.onMessage((reply) => resolve(sequenceOf(reply))),
  );
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    const result = client.send(numbered(frame, n));
    if (!result.ok) throw result.error;
    if (!result.value) await new Promise<void>((resolve) => client.onDrain(resolve));
  }
  const inOrder = await confirmed;
  const seconds = (performance.now() - start) / 1000;
  return { rate: (bytes * count) / 1e6 / seconds, verified: inOrder === count };
}

/** Measures each transport and frame size; returns one row per (transport, size, measure). */
export async function transportLoopbackRows(
  options: Pick<SuiteOptions, 'smoke' | 'runs'>,
): Promise<Row[]> {
  const runs = options.smoke ? 1 : Math.max(1, options.runs);
  const rows: Row[] = [];
  for (const kind of kinds) {
    const listener = await kind.listen();
    serve(listener);
    for (const size of sizes) {
      const scale = options.smoke ? 0.01 : 1;
      const cases = [
        {
          name: `${kind.name} round trips, ${size.label} frames`,
          unit: 'round trips/s',
          measure: (client: Connection) =>
            roundTrips(client, size.bytes, Math.max(10, Math.round(size.roundTrips * scale))),
        },
        {
          name: `${kind.name} one-way, ${size.label} frames`,
          unit: 'MB/s',
          measure: (client: Connection) =>
            stream(client, size.bytes, Math.max(10, Math.round(size.streamed * scale))),
        },
      ];
      for (const { name, unit, measure } of cases) {
        const samples: number[] = [];
        let verified = true;
        // One untimed warm-up (outside a smoke run), then the timed runs, each on a fresh connection.
        for (let run = options.smoke ? 1 : 0; run <= runs; run++) {
          const client = await kind.connect(listener);
          const result = await measure(client);
          client.close();
          await client.closed;
          verified &&= result.verified;
          if (run > 0) samples.push(result.rate);
        }
        rows.push({
          name,
          ours: Math.round(median(samples) * 10) / 10,
          peers: {},
          verified,
          unit,
          notes: 'loopback, server and client in one process; every frame checked for order',
        });
      }
    }
    await listener.close();
  }
  return rows;
}
