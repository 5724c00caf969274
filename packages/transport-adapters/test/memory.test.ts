import { describe, expect, it } from 'vitest';
import {
  type Connection,
  ManualScheduler,
  MemoryNetwork,
  type MemoryNetworkOptions,
  type PausableConnection,
  type ServerConnection,
} from '../src/index.js';

/** A network on a manual clock with one listener; every server end echoes into `arrivals`. */
function setup(options: MemoryNetworkOptions = {}) {
  const scheduler = new ManualScheduler();
  const network = new MemoryNetwork({ scheduler, ...options });
  const listener = network.listen('server', {
    limits: { handshakeTimeoutMs: 0, pingIntervalMs: 0, heartbeatTimeoutMs: 0 },
  });
  const servers: ServerConnection[] = [];
  const arrivals: string[] = [];
  listener.onConnection((server) => {
    servers.push(server);
    server.onMessage((frame) => arrivals.push(new TextDecoder().decode(frame)));
  });
  const connect = async (remoteAddress?: string): Promise<PausableConnection> => {
    const pending = network.connect('server', { remoteAddress });
    await scheduler.advance(1_000);
    const result = await pending;
    if (!result.ok) throw result.error;
    return result.value;
  };
  return { scheduler, network, listener, servers, arrivals, connect };
}

const text = (value: string) => new TextEncoder().encode(value);

async function sendInterleaved(options: MemoryNetworkOptions): Promise<string[]> {
  const { scheduler, arrivals, connect } = setup(options);
  const a = await connect();
  const b = await connect();
  for (let i = 0; i < 20; i++) {
    a.send(text(`a${i}`));
    b.send(text(`b${i}`));
  }
  await scheduler.advance(1_000);
  return arrivals;
}

describe('the in-memory network', () => {
  it('keeps order within a connection and reorders between connections', async () => {
    const arrivals = await sendInterleaved({ seed: 3, latencyMs: { min: 1, max: 50 } });
    expect(arrivals).toHaveLength(40);
    for (const name of ['a', 'b']) {
      const own = arrivals.filter((entry) => entry.startsWith(name));
      expect(own).toEqual(Array.from({ length: 20 }, (_, i) => `${name}${i}`));
    }
    // Sent as a0 b0 a1 b1 ...: with random latency the two streams do not stay in lockstep.
    const lockstep = Array.from({ length: 20 }, (_, i) => [`a${i}`, `b${i}`]).flat();
    expect(arrivals).not.toEqual(lockstep);
  });

  it('replays exactly with the same seed, and differently with another', async () => {
    const options = { latencyMs: { min: 1, max: 50 } };
    const first = await sendInterleaved({ ...options, seed: 11 });
    const again = await sendInterleaved({ ...options, seed: 11 });
    const other = await sendInterleaved({ ...options, seed: 12 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('delivers a frame only after its latency', async () => {
    const { scheduler, arrivals, connect } = setup({ latencyMs: 50 });
    const client = await connect();
    client.send(text('x'));
    await scheduler.advance(49);
    expect(arrivals).toEqual([]);
    await scheduler.advance(1);
    expect(arrivals).toEqual(['x']);
  });

  it('cuts a connection: both ends see CONNECTION_CLOSED', async () => {
    const { network, servers, connect } = setup();
    const client = await connect();
    network.disconnect(client);
    const [clientInfo, serverInfo] = await Promise.all([client.closed, servers[0]!.closed]);
    expect(clientInfo).toMatchObject({ code: 'CONNECTION_CLOSED', initiator: 'remote' });
    expect(serverInfo).toMatchObject({ code: 'CONNECTION_CLOSED', initiator: 'remote' });
  });

  it('blackholes a connection: frames vanish silently until a heartbeat notices', async () => {
    const scheduler = new ManualScheduler();
    const network = new MemoryNetwork({ scheduler });
    const listener = network.listen('server', {
      limits: { pingIntervalMs: 100, heartbeatTimeoutMs: 300 },
    });
    const received: Uint8Array[] = [];
    let server: ServerConnection | undefined;
    listener.onConnection((connection) => {
      server = connection;
      connection.markReady();
      connection.onMessage((frame) => received.push(frame));
    });
    const pending = network.connect('server');
    await scheduler.advance(10);
    const result = await pending;
    if (!result.ok) throw result.error;
    const client: Connection = result.value;
    network.blackhole(client);
    client.send(text('lost'));
    await scheduler.advance(200);
    expect(received).toEqual([]);
    expect(client.state).toBe('open');
    await scheduler.advance(200);
    // The server closes; its close cannot get through either, so it completes at the close timeout.
    expect(server?.state).toBe('closing');
    await scheduler.advance(5_000);
    expect(server?.state).toBe('closed');
    expect(await server?.closed).toMatchObject({ code: 'HEARTBEAT_TIMEOUT', initiator: 'local' });
    // The client's end never hears anything: its own heartbeat (the layer above) must notice.
    expect(client.state).toBe('open');
    client.terminate('NORMAL', 'The test is over.');
  });

  it('injects faults from its seeded random source', async () => {
    const { scheduler, connect } = setup({ disconnectProbability: 1 });
    const client = await connect();
    client.send(text('x'));
    await scheduler.advance(10);
    expect(await client.closed).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('changes its fault rates after construction, keeping a rate not given', async () => {
    const { scheduler, network, arrivals, connect } = setup({ disconnectProbability: 1 });
    network.setFaults({ disconnectProbability: 0 });
    const client = await connect();
    client.send(text('kept'));
    await scheduler.advance(10);
    expect(arrivals).toEqual(['kept']);
    network.setFaults({ blackholeProbability: 1 });
    client.send(text('lost'));
    await scheduler.advance(10);
    // Blackholed, not cut: the disconnect rate stayed 0.
    expect(arrivals).toEqual(['kept']);
    expect(client.state).toBe('open');
    network.setFaults({ disconnectProbability: 1, blackholeProbability: 0 });
    const other = await connect();
    other.send(text('cut'));
    await scheduler.advance(10);
    expect(await other.closed).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(arrivals).toEqual(['kept']);
  });

  it('refuses a fault rate that is not a probability, and then changes nothing', async () => {
    for (const rate of [-0.1, 1.5, Number.NaN]) {
      expect(() => new MemoryNetwork({ disconnectProbability: rate })).toThrow(RangeError);
      expect(() => new MemoryNetwork({ blackholeProbability: rate })).toThrow(RangeError);
    }
    const { scheduler, network, arrivals, connect } = setup();
    expect(() =>
      network.setFaults({ disconnectProbability: 0.5, blackholeProbability: 2 }),
    ).toThrow(/blackholeProbability must be a probability from 0 to 1, not 2/);
    const client = await connect();
    for (let i = 0; i < 20; i++) client.send(text(`f${i}`));
    await scheduler.advance(10);
    expect(arrivals).toHaveLength(20);
    expect(client.state).toBe('open');
  });

  it('grows the sender buffer while the reader pauses, and drains when it resumes', async () => {
    const { scheduler, servers, connect } = setup();
    const client = await connect();
    servers[0]!.onMessage(() => {});
    let drained = 0;
    client.onDrain(() => drained++);
    client.pauseReading();
    servers[0]!.send(new Uint8Array(10));
    const server = servers[0]!;
    await scheduler.advance(10);
    expect(server.bufferedAmount).toBe(10);
    client.resumeReading();
    await scheduler.advance(10);
    expect(server.bufferedAmount).toBe(0);
    expect(drained).toBe(0);
  });

  it('closes a connection whose frames nobody reads, instead of holding them forever', async () => {
    const scheduler = new ManualScheduler();
    const network = new MemoryNetwork({ scheduler });
    const listener = network.listen('server', {
      limits: { maxFrameSize: 100, highWaterMark: 100, maxBufferedBytes: 1_000 },
    });
    const accepted: ServerConnection[] = [];
    listener.onConnection((server) => accepted.push(server)); // and never reads
    const pending = network.connect('server');
    await scheduler.advance(10);
    const result = await pending;
    if (!result.ok) throw result.error;
    for (let i = 0; i < 11; i++) result.value.send(new Uint8Array(100));
    await scheduler.advance(10);
    expect(await accepted[0]!.closed).toMatchObject({ code: 'LIMIT_EXCEEDED', initiator: 'local' });
    expect(await result.value.closed).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      initiator: 'remote',
    });
  });

  it('refuses a second listener of one name and a connection to no listener', async () => {
    const { network } = setup();
    expect(() => network.listen('server')).toThrow(RangeError);
    const result = await network.connect('nobody');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('CONNECT_FAILED');
  });
});
