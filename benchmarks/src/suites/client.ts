import { oursReplay } from '../client/ours-replay.js';
import { type ReplaySystem, within } from '../client/session.js';
import { sharedbReplay } from '../client/sharedb-replay.js';
import { median, type Row, type Suite, type SuiteOptions } from '../harness.js';
import { startServerProcess, withServerProcess } from '../server/server-process.js';
import { loadTrace, type Patch } from '../trace.js';

/**
 * Our client SDK against ShareDB's client, each with its own server over WebSocket on loopback:
 * a writer replays the automerge-paper trace as local edits, as fast as an editor could hand
 * them over, while a second client only watches; how long until the edits are applied locally,
 * acknowledged, and held by the watcher. The servers run in child processes (as in the server
 * suite), both clients in this one. benchmarks/README.md, "Client", says more.
 */

const TRACE = 'automerge-paper';
/** A smoke run replays this many patches of the trace: enough to pipeline, done in seconds. */
const SMOKE_PATCHES = 3_000;
/**
 * The writer replays synchronously for this long, then yields to the event loop (setImmediate)
 * so that acks and broadcasts can flow, as an editor handles the input of one frame and then
 * gives the loop back. The same wall-clock slice for both systems: a slower client gets fewer
 * patches into a slice, not more time between yields.
 */
const SLICE_MS = 5;
/** How long the writer's acks and the reader's copy may take after the replay, at most. */
const FULL_TIMEOUT_MS = 600_000;
const SMOKE_TIMEOUT_MS = 30_000;

const SYSTEMS: readonly ReplaySystem[] = [oursReplay, sharedbReplay];

/** What one replay of one system measured, in ms from the start of the replay. */
interface Measurement {
  /** The last patch applied locally (including the time the loop spent elsewhere). */
  readonly local: number;
  /** The time spent inside the writer's apply calls. */
  readonly applying: number;
  /** Every edit of the writer acknowledged. */
  readonly synced: number;
  /** The reader holds the final text. */
  readonly reader: number;
  /** Changes the reader received. */
  readonly received: number;
  /** Why the run does not verify, if it does not. */
  readonly problem: string | undefined;
}

interface Workload {
  readonly start: string;
  readonly patches: readonly Patch[];
  readonly end: string;
}

function workload(smoke: boolean): Workload {
  const trace = loadTrace(TRACE);
  if (!smoke) return { start: trace.startContent, patches: trace.patches, end: trace.endContent };
  const patches = trace.patches.slice(0, SMOKE_PATCHES);
  let end = trace.startContent;
  for (const p of patches) end = end.slice(0, p.pos) + p.ins + end.slice(p.pos + p.del);
  return { start: trace.startContent, patches, end };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function replay(
  system: ReplaySystem,
  url: string,
  doc: string,
  work: Workload,
  timeoutMs: number,
): Promise<Measurement> {
  const session = await system.open(url, doc, work.start);
  try {
    const readerDone = session.readerHolds(work.end);
    const start = performance.now();
    let applying = 0;
    let i = 0;
    while (i < work.patches.length) {
      const sliceStart = performance.now();
      let now = sliceStart;
      while (i < work.patches.length && now - sliceStart < SLICE_MS) {
        session.apply(work.patches[i++]!);
        now = performance.now();
      }
      applying += now - sliceStart;
      if (i < work.patches.length) await yieldToLoop();
    }
    const local = performance.now() - start;
    await within(session.synced(), timeoutMs, `${system.name}: the writer's acks`);
    const synced = performance.now() - start;
    const reader = (await within(readerDone, timeoutMs, `${system.name}: the reader`)) - start;
    const serverText = await system.serverText(url, doc);
    const wrong = [
      ['writer', session.writerText()],
      ['reader', session.readerText()],
      ['server', serverText],
    ]
      .filter(([, text]) => text !== work.end)
      .map(([who]) => who);
    const problems = [
      ...(session.failure ? [session.failure] : []),
      ...(wrong.length > 0 ? [`${system.name}: wrong final text at ${wrong.join(', ')}`] : []),
    ];
    return {
      local,
      applying,
      synced,
      reader,
      received: session.received,
      problem: problems.length > 0 ? problems.join('; ') : undefined,
    };
  } finally {
    await session.close();
  }
}

function rowsOf(work: Workload, results: ReadonlyMap<string, Measurement[]>): Row[] {
  const oursRuns = results.get(oursReplay.name)!;
  const peerRuns = results.get(sharedbReplay.name)!;
  const problems = [...oursRuns, ...peerRuns].map((m) => m.problem).filter((p) => p !== undefined);
  const verified = problems.length === 0;
  const notes = `${work.patches.length} patches${verified ? '' : `; ${[...new Set(problems)].join('; ')}`}`;
  const row = (what: string, unit: string | undefined, pick: (m: Measurement) => number): Row => ({
    name: `${TRACE}: ${what}`,
    ours: median(oursRuns.map(pick)),
    peers: { [sharedbReplay.name]: median(peerRuns.map(pick)) },
    verified,
    ...(unit === undefined ? {} : { unit }),
    notes,
  });
  return [
    row('all edits applied locally', undefined, (m) => m.local),
    row('of it in the local edit calls', undefined, (m) => m.applying),
    row('writer synced (all acked)', undefined, (m) => m.synced),
    row('reader holds the final text', undefined, (m) => m.reader),
    row('changes the reader received', 'changes', (m) => m.received),
  ];
}

export const suite: Suite = {
  name: 'client',
  async run(options: SuiteOptions) {
    const work = workload(options.smoke);
    const runs = options.smoke ? 1 : options.runs;
    const timeoutMs = options.smoke ? SMOKE_TIMEOUT_MS : FULL_TIMEOUT_MS;
    const shared = options.smoke
      ? new Map(
          await Promise.all(
            SYSTEMS.map(async (s) => [s, await startServerProcess(s.server)] as const),
          ),
        )
      : undefined;
    const results = new Map<string, Measurement[]>(SYSTEMS.map((s) => [s.name, []]));
    try {
      for (let run = 0; run < runs; run++) {
        // Alternate who goes first, so that a drift in the machine's load falls on both.
        const order = run % 2 === 0 ? SYSTEMS : [...SYSTEMS].reverse();
        for (const system of order) {
          const measured = await withServerProcess(system.server, shared?.get(system), (server) =>
            replay(system, server.url, `replay-${run}`, work, timeoutMs),
          );
          results.get(system.name)!.push(measured);
        }
      }
    } finally {
      if (shared) await Promise.all([...shared.values()].map((server) => server.stop()));
    }
    return rowsOf(work, results);
  },
};
