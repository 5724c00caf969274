import { median, type Row, type Suite, type SuiteOptions } from '../harness.js';
import { type Load, type Measurement, measure, type Timing } from '../server/measure.js';
import { ours, oursOnMemory } from '../server/ours-client.js';
import { startServerProcess, withServerProcess } from '../server/server-process.js';
import { sharedb } from '../server/sharedb-client.js';
import type { System } from '../server/typing.js';
import { loadTrace } from '../trace.js';

/**
 * The reference server against ShareDB over WebSocket on loopback: clients typing as fast as
 * their protocol lets them (see TypingClient) into one shared document or each into its own;
 * acknowledged changes (= keystrokes) per second, the time from sending a change to its ack, and
 * the CPU each side spends per change. Ours commits every change to LMDB (fsync) before its ack;
 * ShareDB keeps them in memory. Ours runs a second time on the memory store, ShareDB's footing,
 * to tell the server's own cost from the commit's. Each server runs in a child process, the clients in this one
 * (benchmarks/README.md, "Server", says why).
 */

const LOADS: readonly (Load & { readonly name: string; readonly label: string })[] = [
  { name: '1 client', label: 'one', clients: 1, documents: 'shared' },
  { name: '8 clients, one workspace', label: 'eight', clients: 8, documents: 'shared' },
  { name: '64 clients, one workspace', label: 'shared', clients: 64, documents: 'shared' },
  { name: '64 clients, 64 workspaces', label: 'separate', clients: 64, documents: 'separate' },
];

/** The document every load starts from: a real source file (Svelte), ASCII only. */
const SOURCE_TRACE = 'sveltecomponent';

const FULL: Timing = { warmupMs: 1_000, windowMs: 5_000 };
const SMOKE: Timing = { warmupMs: 50, windowMs: 200 };

const SYSTEMS: readonly System[] = [ours, oursOnMemory, sharedb];

function rowsOf(name: string, results: ReadonlyMap<string, Measurement[]>): Row[] {
  const oursRuns = results.get(ours.name)!;
  const memoryRuns = results.get(oursOnMemory.name)!;
  const peerRuns = results.get(sharedb.name)!;
  const problems = [...oursRuns, ...memoryRuns, ...peerRuns]
    .map((m) => m.problem)
    .filter((p) => p !== undefined);
  const verified = problems.length === 0;
  const notes = verified ? undefined : problems.join('; ');
  const row =
    (runs: readonly Measurement[], suffix: string) =>
    (what: string, unit: string, pick: (m: Measurement) => number): Row => ({
      name: `${name}: ${what}${suffix}`,
      ours: median(runs.map(pick)),
      peers: { [sharedb.name]: median(peerRuns.map(pick)) },
      verified,
      unit,
      ...(notes === undefined ? {} : { notes }),
    });
  const durable = row(oursRuns, '');
  // Ours on the memory store against ShareDB on its MemoryDB: the same footing, for comparison.
  const inMemory = row(memoryRuns, ' (ours on memory)');
  return [
    durable('acked changes', 'changes/s', (m) => m.changesPerSecond),
    durable('p50 submit to ack', 'ms', (m) => m.p50),
    durable('p99 submit to ack', 'ms', (m) => m.p99),
    durable('server CPU per change', 'µs', (m) => m.serverCpuPerChange),
    durable('clients CPU per change', 'µs', (m) => m.clientCpuPerChange),
    inMemory('acked changes', 'changes/s', (m) => m.changesPerSecond),
    inMemory('p50 submit to ack', 'ms', (m) => m.p50),
    inMemory('p99 submit to ack', 'ms', (m) => m.p99),
    inMemory('server CPU per change', 'µs', (m) => m.serverCpuPerChange),
  ];
}

export const suite: Suite = {
  name: 'server',
  async run(options: SuiteOptions) {
    const source = loadTrace(SOURCE_TRACE).endContent;
    const timing = options.smoke ? SMOKE : FULL;
    const runs = options.smoke ? 1 : options.runs;
    const shared = options.smoke
      ? new Map(
          await Promise.all(
            SYSTEMS.map(async (s) => [s, await startServerProcess(s.server)] as const),
          ),
        )
      : undefined;
    const rows: Row[] = [];
    try {
      for (const load of LOADS) {
        const results = new Map<string, Measurement[]>(SYSTEMS.map((s) => [s.name, []]));
        for (let run = 0; run < runs; run++) {
          // Alternate who goes first, so that a drift in the machine's load falls on both.
          const order = run % 2 === 0 ? SYSTEMS : [...SYSTEMS].reverse();
          for (const system of order) {
            const measured = await withServerProcess(system.server, shared?.get(system), (server) =>
              measure(system, server, load, `${load.label}-${run}`, source, timing),
            );
            results.get(system.name)!.push(measured);
          }
        }
        rows.push(...rowsOf(load.name, results));
      }
    } finally {
      if (shared) await Promise.all([...shared.values()].map((server) => server.stop()));
    }
    return rows;
  },
};
