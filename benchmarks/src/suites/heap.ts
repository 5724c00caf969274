import {
  collectGarbage,
  median,
  type Row,
  type Suite,
  type SuiteOptions,
  wrongNote,
} from '../harness.js';
import {
  codemirrorText,
  mutableText,
  persistentText,
  plainString,
  type Replayer,
  yjs,
} from '../replayers.js';
import { loadTrace, type Trace } from '../trace.js';

const OURS: readonly Replayer[] = [mutableText, persistentText] as readonly Replayer[];
const PEERS: readonly Replayer[] = [yjs, codemirrorText, plainString] as readonly Replayer[];

/** What keeps measured documents reachable until their size has been read. */
let held: unknown = null;

/**
 * The heap a participant's final document holds: heap used after a full collection with the
 * document alive, minus the same before the replay, in KB. The trace is loaded and the replay
 * run once before (outside a smoke run), so that neither the trace nor the code and caches the
 * first run creates count, only the document. The heap moves by some ten KB between identical
 * runs (compilation and other background work), so this is the median of `runs` measurements.
 */
function heapOf(
  replayer: Replayer,
  trace: Trace,
  options: SuiteOptions,
): { kb: number; correct: boolean } {
  if (!options.smoke) replayer.replay(trace);
  const samples: number[] = [];
  let correct = true;
  for (let i = 0; i < (options.smoke ? 1 : options.runs); i++) {
    held = null;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let doc = replayer.replay(trace);
    if (typeof doc === 'string') doc = flatten(doc);
    held = doc;
    collectGarbage();
    samples.push((process.memoryUsage().heapUsed - before) / 1024);
    correct &&= replayer.text(held) === trace.endContent;
  }
  held = null;
  return { kb: median(samples), correct };
}

/** The same string as one flat sequential string (reading a code unit flattens a cons string). */
function flatten(s: string): string {
  if (s.length > 0) s.charCodeAt(s.length >> 1);
  return s;
}

/**
 * Peak heap of the final document: for each trace, what each participant's document holds
 * after the whole trace is replayed into it, measured in this suite's own process with forced
 * garbage collection (`--expose-gc`).
 */
export const suite: Suite = {
  name: 'heap',
  run(options) {
    const rows: Row[] = [];
    for (const name of options.traces) {
      const trace = loadTrace(name);
      const sizes = new Map<string, { kb: number; correct: boolean }>();
      for (const r of [...OURS, ...PEERS]) sizes.set(r.name, heapOf(r, trace, options));
      const peers = Object.fromEntries(PEERS.map((p) => [p.name, sizes.get(p.name)!.kb]));
      for (const ours of OURS) {
        const wrong = [ours, ...PEERS]
          .filter((r) => !sizes.get(r.name)!.correct)
          .map((r) => r.name);
        rows.push({
          name: ours === mutableText ? `heap ${name}` : `heap ${name} (persistent Text)`,
          ours: sizes.get(ours.name)!.kb,
          peers,
          verified: wrong.length === 0,
          unit: 'KB',
          notes: `final text ${trace.endContent.length} code units${wrongNote(wrong)}`,
        });
      }
    }
    return rows;
  },
};
