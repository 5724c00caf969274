import {
  type Contender,
  type Row,
  type Suite,
  type SuiteOptions,
  timeContenders,
  wrongNote,
} from '../harness.js';
import {
  codemirrorChangeSet,
  codemirrorText,
  mutableText,
  persistentText,
  plainString,
  type Replayer,
  yjs,
} from '../replayers.js';
import { loadTrace, type Trace } from '../trace.js';

const PEERS: readonly Replayer[] = [
  yjs,
  codemirrorText,
  codemirrorChangeSet,
  plainString,
] as readonly Replayer[];

/**
 * Times the replay of `trace` by each of ours and each peer, and checks every final text against
 * the trace's `endContent`. One row per variant of ours, named `replay <trace><suffix>`; the
 * peers are timed once and appear in every row.
 */
export function replayRows(
  trace: Trace,
  ours: ReadonlyArray<{ replayer: Replayer; suffix: string }>,
  peers: readonly Replayer[],
  options: SuiteOptions,
): Row[] {
  const all = [...ours.map((o) => o.replayer), ...peers];
  const contenders: Contender[] = all.map((r) => ({ name: r.name, run: () => r.replay(trace) }));
  const timings = timeContenders(contenders, options);
  const correct = new Map(
    all.map((r) => [r.name, r.text(timings.get(r.name)!.result) === trace.endContent]),
  );
  const peerTimes = Object.fromEntries(peers.map((p) => [p.name, timings.get(p.name)!.median]));
  return ours.map(({ replayer, suffix }) => {
    const wrong = [replayer, ...peers].filter((r) => !correct.get(r.name)).map((r) => r.name);
    return {
      name: `replay ${trace.name}${suffix}`,
      ours: timings.get(replayer.name)!.median,
      peers: peerTimes,
      verified: wrong.length === 0,
      notes: `${trace.patches.length} patches${wrongNote(wrong)}`,
    };
  });
}

/**
 * Replays each trace, patch by patch, into each participant's document and checks the final
 * content against the trace's `endContent`: ours edited in place (MutableText) and persistent
 * (Text, a new version per edit), against Yjs, CodeMirror's Text and ChangeSet, and a string.
 */
export const suite: Suite = {
  name: 'replay',
  run(options) {
    const ours = [
      { replayer: mutableText as Replayer, suffix: '' },
      { replayer: persistentText as Replayer, suffix: ' (persistent Text)' },
    ];
    return options.traces.flatMap((name) => replayRows(loadTrace(name), ours, PEERS, options));
  },
};
