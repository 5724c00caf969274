import { percentile } from '../harness.js';
import type { ServerProcess } from './server-process.js';
import type { System, TypingClient, Typist } from './typing.js';

/** Who types where: `clients` clients into one shared document, or each into its own. */
export interface Load {
  readonly clients: number;
  readonly documents: 'shared' | 'separate';
}

/** How long a measurement takes. */
export interface Timing {
  /** Typing before the window opens, so that both sides reach their steady state. */
  readonly warmupMs: number;
  /** The measurement window. */
  readonly windowMs: number;
}

/** What one run of one load measured for one system. */
export interface Measurement {
  /** Changes acknowledged per second in the window, all clients together. */
  readonly changesPerSecond: number;
  /** Milliseconds from sending a change to its ack, median and 99th percentile. */
  readonly p50: number;
  readonly p99: number;
  /**
   * Microseconds of CPU (user + system, all threads) per acknowledged change: the server
   * process's, and this process's (every client together).
   */
  readonly serverCpuPerChange: number;
  readonly clientCpuPerChange: number;
  /** Why the run does not verify (a client's document differs from the server's, an error). */
  readonly problem: string | undefined;
}

/** How long the clients may take to receive every ack and broadcast after they stop typing. */
const DRAIN_TIMEOUT_MS = 60_000;

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `load` against `server` (a server of `system` in a child process): connects the clients
 * to new documents named after `label`, lets them type for the warm-up and the window, stops
 * typing, waits for every change to be acknowledged and broadcast, checks that every client's
 * document is the server's, and disconnects them.
 */
export async function measure(
  system: System,
  server: ServerProcess,
  load: Load,
  label: string,
  source: string,
  timing: Timing,
): Promise<Measurement> {
  let clients: TypingClient[] = [];
  try {
    const typists: Typist[] = Array.from({ length: load.clients }, (_, i) => ({
      source,
      cursor: Math.floor((i * source.length) / load.clients),
    }));
    const docs =
      load.documents === 'shared'
        ? [{ id: `${label}-0`, typists }]
        : typists.map((typist, i) => ({ id: `${label}-${i}`, typists: [typist] }));
    clients = (
      await Promise.all(docs.map((doc) => system.connect(server.url, doc.id, doc.typists)))
    ).flat();

    for (const client of clients) client.start();
    await sleep(timing.warmupMs);
    for (const client of clients) client.meter.recording = true;
    const serverBefore = await server.cpuUsage();
    const clientsBefore = process.cpuUsage();
    const start = performance.now();
    await sleep(timing.windowMs);
    for (const client of clients) client.meter.recording = false;
    const seconds = (performance.now() - start) / 1000;
    const clientsCpu = process.cpuUsage(clientsBefore);
    const serverAfter = await server.cpuUsage();
    for (const client of clients) client.stop();

    let changes = 0;
    const latencies: number[] = [];
    for (const client of clients) {
      changes += client.meter.changes;
      for (const latency of client.meter.latencies) latencies.push(latency);
    }
    latencies.sort((a, b) => a - b);
    // A window without a single ack (a machine too busy for a short smoke window) measured
    // nothing: its latencies are NaN, and the row must not pass as verified.
    const problem =
      (await verify(system, server.url, docs, clients)) ??
      (changes === 0
        ? `no change was acknowledged in the ${timing.windowMs} ms window`
        : undefined);
    return {
      changesPerSecond: changes / seconds,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      serverCpuPerChange: (cpuMicros(serverAfter) - cpuMicros(serverBefore)) / Math.max(1, changes),
      clientCpuPerChange: cpuMicros(clientsCpu) / Math.max(1, changes),
      problem,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

/**
 * Waits until every client has its changes acknowledged and has caught up with the others, then
 * compares each client's document with the server's.
 */
async function verify(
  system: System,
  url: string,
  docs: readonly { id: string; typists: readonly Typist[] }[],
  clients: readonly TypingClient[],
): Promise<string | undefined> {
  let offset = 0;
  const groups = docs.map((doc) => {
    const group = clients.slice(offset, offset + doc.typists.length);
    offset += doc.typists.length;
    return { id: doc.id, clients: group };
  });
  const settled = () =>
    groups.every(
      (g) =>
        g.clients.every((c) => c.idle || c.failure !== undefined) &&
        g.clients.every((c) => c.version === g.clients[0]!.version),
    );
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (!settled()) {
    if (performance.now() > deadline)
      return `the clients did not settle within ${DRAIN_TIMEOUT_MS} ms`;
    await sleep(5);
  }
  const failure = clients.find((c) => c.failure !== undefined)?.failure;
  if (failure !== undefined) return failure;
  for (const group of groups) {
    const expected = await system.serverText(url, group.id);
    const wrong = group.clients.findIndex((c) => c.text() !== expected);
    if (wrong >= 0) return `client ${wrong} of ${group.id} differs from the server's document`;
  }
  return undefined;
}
