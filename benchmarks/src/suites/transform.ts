import type { ChangeDesc, ChangeSet } from '@codemirror/state';
import { type Change, type Op, transform } from '@dist-space/ot-core';
import { type as otText, type TextOp } from 'ot-text-unicode';
import {
  blind,
  changeDescEdits,
  changeSetEdits,
  effectOfEdits,
  otTextEdits,
  oursEdits,
} from '../effect.js';
import {
  type Contender,
  type Row,
  type Suite,
  type SuiteOptions,
  timeContenders,
  wrongNote,
} from '../harness.js';
import {
  lengthsBefore,
  toChangeSet,
  toOtText,
  toOurs,
  txnToChangeSet,
  txnToOtText,
} from '../ops.js';
import { loadTrace, type Patch, type Trace } from '../trace.js';

/** How many changes one op is caught up across. */
const HISTORY = 1000;
/** How many pairs of ops a smoke run transforms: enough to meet every kind of op. */
const SMOKE_PAIRS = 3000;

/**
 * Pairs of concurrent ops, in each participant's form: `a[i]` is to be transformed against
 * `b[i]`, both made on a document of `lengths[i]` code units; `b` was sequenced first, so `a`
 * goes after it at a tie (our side `'right'`, CodeMirror's `before = false`).
 */
interface Pairs {
  readonly count: number;
  readonly lengths: readonly number[];
  readonly ours: { a: Change[]; b: Change[] };
  readonly otText: { a: TextOp[]; b: TextOp[] };
  readonly codemirror: { a: ChangeSet[]; aDesc: ChangeDesc[]; b: ChangeDesc[] };
}

/** Keeps a patch inside a document of `length` code units. */
function clamp(p: Patch, length: number): Patch {
  const pos = Math.min(p.pos, length);
  return { pos, del: Math.min(p.del, length - pos), ins: p.ins };
}

/**
 * Each patch against the next one, taken as concurrent: the next patch is moved onto the
 * document the first one was made on (clamped to its length; for typing it already fits).
 */
function keystrokePairs(trace: Trace, smoke: boolean): Pairs {
  const patches = trace.patches;
  const lengths = lengthsBefore(trace.startContent.length, patches);
  const pairs: Pairs = {
    count: 0,
    lengths: [],
    ours: { a: [], b: [] },
    otText: { a: [], b: [] },
    codemirror: { a: [], aDesc: [], b: [] },
  };
  const pairLengths: number[] = [];
  const count = Math.min(patches.length - 1, smoke ? SMOKE_PAIRS : Number.POSITIVE_INFINITY);
  for (let i = 0; i < count; i++) {
    const len = lengths[i]!;
    const a = patches[i]!;
    const b = clamp(patches[i + 1]!, len);
    pairLengths.push(len);
    pairs.ours.a.push(toOurs(a));
    pairs.ours.b.push(toOurs(b));
    pairs.otText.a.push(toOtText(a));
    pairs.otText.b.push(toOtText(b));
    const aSet = toChangeSet(a, len);
    pairs.codemirror.a.push(aSet);
    pairs.codemirror.aDesc.push(aSet.desc);
    pairs.codemirror.b.push(toChangeSet(b, len).desc);
  }
  return { ...pairs, count: pairLengths.length, lengths: pairLengths };
}

/**
 * Catch-ups: an insert made at the start of a window of {@link HISTORY} transactions, brought
 * up to date across all of them, one transaction after another, as a server does with a change
 * whose client was that far behind. One window per {@link HISTORY} transactions of the trace.
 */
interface CatchUps {
  readonly windows: number;
  readonly starts: readonly number[];
  /** The document length before each transaction. */
  readonly lengths: readonly number[];
  readonly ours: { x: Change[]; history: Change[] };
  readonly otText: { x: TextOp[]; history: TextOp[] };
  readonly codemirror: { x: ChangeSet[]; history: ChangeDesc[] };
}

function catchUps(trace: Trace, smoke: boolean): CatchUps {
  const txns = trace.txns;
  const lengths: number[] = [];
  let len = trace.startContent.length;
  for (const txn of txns) {
    lengths.push(len);
    for (const p of txn) len += p.ins.length - p.del;
  }
  const windows = Math.min(smoke ? 1 : Number.POSITIVE_INFINITY, Math.floor(txns.length / HISTORY));
  const starts: number[] = [];
  const out: CatchUps = {
    windows,
    starts,
    lengths,
    ours: { x: [], history: txns.map((t) => t.flatMap(toOurs)) },
    otText: { x: [], history: txns.map(txnToOtText) },
    codemirror: { x: [], history: txns.map((t, i) => txnToChangeSet(t, lengths[i]!).desc) },
  };
  for (let w = 0; w < windows; w++) {
    const start = w * HISTORY;
    starts.push(start);
    const x: Patch = { pos: Math.min(txns[start]![0]!.pos, lengths[start]!), del: 0, ins: 'x' };
    out.ours.x.push(toOurs(x));
    out.otText.x.push(toOtText(x));
    out.codemirror.x.push(toChangeSet(x, lengths[start]!));
  }
  return out;
}

/**
 * Each participant's transform of pair `i`. The timed loops below do the same but keep no
 * result (only a count, so that the work cannot be optimised away): holding a quarter of a
 * million results would make the garbage collector's copying of them part of the measurement.
 */
function keystrokeTransforms(p: Pairs): Record<string, (i: number) => unknown> {
  return {
    ours: (i) => transform(p.ours.a[i]!, p.ours.b[i]!, 'right'),
    'ot-text-unicode': (i) => otText.transform(p.otText.a[i]!, p.otText.b[i]!, 'right'),
    'changeset-map': (i) => p.codemirror.a[i]!.map(p.codemirror.b[i]!, false),
    'changedesc-map': (i) => p.codemirror.aDesc[i]!.mapDesc(p.codemirror.b[i]!, false),
  };
}

function keystrokeContenders(p: Pairs): Contender[] {
  return [
    {
      name: 'ours',
      run() {
        const { a, b } = p.ours;
        let sink = 0;
        for (let i = 0; i < p.count; i++) sink += transform(a[i]!, b[i]!, 'right').length;
        return sink;
      },
    },
    {
      name: 'ot-text-unicode',
      run() {
        const { a, b } = p.otText;
        let sink = 0;
        for (let i = 0; i < p.count; i++) sink += otText.transform(a[i]!, b[i]!, 'right').length;
        return sink;
      },
    },
    {
      name: 'changeset-map',
      run() {
        const { a, b } = p.codemirror;
        let sink = 0;
        for (let i = 0; i < p.count; i++) sink += a[i]!.map(b[i]!, false).length;
        return sink;
      },
    },
    {
      name: 'changedesc-map',
      run() {
        const { aDesc, b } = p.codemirror;
        let sink = 0;
        for (let i = 0; i < p.count; i++) sink += aDesc[i]!.mapDesc(b[i]!, false).length;
        return sink;
      },
    },
  ];
}

function catchUpContenders(c: CatchUps): Contender[] {
  return [
    {
      name: 'ours',
      run() {
        const out: Change[] = [];
        const history = c.ours.history;
        for (let w = 0; w < c.windows; w++) {
          let x = c.ours.x[w]!;
          const start = c.starts[w]!;
          for (let j = start; j < start + HISTORY; j++) x = transform(x, history[j]!, 'right');
          out.push(x);
        }
        return out;
      },
    },
    {
      name: 'ot-text-unicode',
      run() {
        const out: TextOp[] = [];
        const history = c.otText.history;
        for (let w = 0; w < c.windows; w++) {
          let x = c.otText.x[w]!;
          const start = c.starts[w]!;
          for (let j = start; j < start + HISTORY; j++)
            x = otText.transform(x, history[j]!, 'right');
          out.push(x);
        }
        return out;
      },
    },
    {
      name: 'changeset-map',
      run() {
        const out: ChangeSet[] = [];
        const history = c.codemirror.history;
        for (let w = 0; w < c.windows; w++) {
          let x = c.codemirror.x[w]!;
          const start = c.starts[w]!;
          for (let j = start; j < start + HISTORY; j++) x = x.map(history[j]!, false);
          out.push(x);
        }
        return out;
      },
    },
    {
      name: 'changedesc-map',
      run() {
        const out: ChangeDesc[] = [];
        const history = c.codemirror.history;
        for (let w = 0; w < c.windows; w++) {
          let x = c.codemirror.x[w]!.desc;
          const start = c.starts[w]!;
          for (let j = start; j < start + HISTORY; j++) x = x.mapDesc(history[j]!, false);
          out.push(x);
        }
        return out;
      },
    },
  ];
}

/** How each peer's results compare with ours. */
interface Agreement {
  /** Peers with at least one result that differs from ours (beyond the tie rule below). */
  readonly wrong: string[];
  /** Cases where CodeMirror placed a concurrent insert the other way at a replaced range. */
  readonly codemirrorTies: number;
}

/**
 * Compares every peer's results with ours, each turned into its effect on the document it
 * applies to (of length `lengths(i)`). ot-text-unicode must agree on every case. CodeMirror
 * places an insert made at the start of (or inside) a range that the other change replaced
 * before the replacement text, whatever the side, where ours and ot-text-unicode follow the
 * side and put it after; `tolerated(i, effect)` says whether CodeMirror's differing result
 * `effect` is that other placement.
 */
function compare(
  results: Map<string, unknown>,
  lengths: (i: number) => number,
  count: number,
  tolerated: (i: number, effect: string, descEffect: string) => boolean,
): Agreement {
  const ours = results.get('ours') as Change[];
  const otResults = results.get('ot-text-unicode') as TextOp[];
  const sets = results.get('changeset-map') as ChangeSet[];
  const descs = results.get('changedesc-map') as ChangeDesc[];
  const wrong = new Set<string>();
  let codemirrorTies = 0;
  for (let i = 0; i < count; i++) {
    const length = lengths(i);
    const expected = oursEdits(ours[i]!);
    const effect = effectOfEdits(length, expected);
    if (effectOfEdits(length, otTextEdits(otResults[i]!)) !== effect) {
      wrong.add('ot-text-unicode');
    }
    const set = effectOfEdits(length, changeSetEdits(sets[i]!));
    const desc = effectOfEdits(length, changeDescEdits(descs[i]!));
    if (set === effect && desc === effectOfEdits(length, blind(expected))) continue;
    if (tolerated(i, set, desc)) codemirrorTies++;
    else wrong.add(set === effect ? 'changedesc-map' : 'changeset-map');
  }
  return { wrong: [...wrong], codemirrorTies };
}

/** True when an effect (see effect.ts) is one insert of `text` alone; `?` stands for any unit. */
function isLoneInsert(effect: string, text: string): boolean {
  const match = /^(\d+)-(\d+):(.*)$/s.exec(effect);
  return (
    match !== null &&
    match[1] === match[2] &&
    (match[3] === text || match[3] === '?'.repeat(text.length))
  );
}

/** True when `b` replaces a range (deletes and inserts) that starts where `a` does. */
function replacesAtSamePosition(a: Change, b: Change): boolean {
  const x = a[0];
  const y = b[0];
  return (
    a.length === 1 &&
    b.length === 1 &&
    x !== undefined &&
    y !== undefined &&
    y.type === 'replace' &&
    x.pos === y.pos
  );
}

/** A time row and a throughput row for one case. */
function rowsOf(
  name: string,
  timings: Map<string, { median: number; result: unknown }>,
  transforms: number,
  agreement: Agreement,
): Row[] {
  const { wrong, codemirrorTies } = agreement;
  const peerNames = [...timings.keys()].filter((n) => n !== 'ours');
  const ms = (n: string) => timings.get(n)!.median;
  const rate = (n: string) => transforms / ms(n) / 1000;
  const ties =
    codemirrorTies === 0
      ? ''
      : `, CodeMirror placed ${codemirrorTies} inserts at a replaced range the other way`;
  const notes = `${transforms} transforms; results agree with ours${ties}${wrongNote(wrong, 'results differ')}`;
  return [
    {
      name,
      ours: ms('ours'),
      peers: Object.fromEntries(peerNames.map((n) => [n, ms(n)])),
      verified: wrong.length === 0,
      notes,
    },
    {
      name: `${name} throughput`,
      ours: rate('ours'),
      peers: Object.fromEntries(peerNames.map((n) => [n, rate(n)])),
      verified: wrong.length === 0,
      unit: 'M ops/s',
      notes,
    },
  ];
}

/** The op-vs-next-op rows of one trace. */
function keystrokeRows(trace: Trace, options: SuiteOptions): Row[] {
  const pairs = keystrokePairs(trace, options.smoke);
  const timings = timeContenders(keystrokeContenders(pairs), options);
  const results = new Map(
    Object.entries(keystrokeTransforms(pairs)).map(([n, f]) => [
      n,
      Array.from({ length: pairs.count }, (_, i) => f(i)),
    ]),
  );
  const pairLength = (i: number) => pairs.lengths[i]! + pairs.ours.b[i]!.reduce(delta, 0);
  return rowsOf(
    `transform ${trace.name} op vs next op`,
    timings,
    pairs.count,
    compare(results, pairLength, pairs.count, (i, effect, descEffect) => {
      // The other placement is exactly ours with the opposite side.
      const a = pairs.ours.a[i]!;
      const b = pairs.ours.b[i]!;
      if (!replacesAtSamePosition(a, b)) return false;
      const other = oursEdits(transform(a, b, 'left'));
      return (
        effect === effectOfEdits(pairLength(i), other) &&
        descEffect === effectOfEdits(pairLength(i), blind(other))
      );
    }),
  );
}

/** The catch-up rows of one trace (none for a trace shorter than one window). */
function catchUpRows(trace: Trace, options: SuiteOptions): Row[] {
  const c = catchUps(trace, options.smoke);
  if (c.windows === 0) return [];
  const timings = timeContenders(catchUpContenders(c), options);
  const results = new Map([...timings].map(([n, t]) => [n, t.result]));
  const length = (w: number) => c.lengths[c.starts[w]! + HISTORY] ?? finalLength(trace);
  return rowsOf(
    `transform ${trace.name} catch-up over ${HISTORY} changes`,
    timings,
    c.windows * HISTORY,
    // Over a chain of changes the other placement shifts what follows; CodeMirror must still
    // have kept the insert whole.
    compare(results, length, c.windows, (_w, effect, descEffect) => {
      return isLoneInsert(effect, 'x') && isLoneInsert(descEffect, 'x');
    }),
  );
}

/**
 * Transform throughput: each trace op against a concurrent one, and one op caught up across
 * {@link HISTORY} changes; ours against ot-text-unicode's `transform` and CodeMirror's
 * `ChangeSet.map` and `ChangeDesc.mapDesc`. Every participant's result is checked against ours.
 * Each case builds its inputs in a function of its own, so that one case's inputs are garbage,
 * not a heap the next case's collections must trace.
 */
export const suite: Suite = {
  name: 'transform',
  run(options) {
    return options.traces.flatMap((name) => {
      const trace = loadTrace(name);
      return [...keystrokeRows(trace, options), ...catchUpRows(trace, options)];
    });
  },
};

/** How much an op changes the document's length. */
function delta(sum: number, op: Op): number {
  return sum + (op.type === 'delete' ? 0 : op.text.length) - (op.type === 'insert' ? 0 : op.len);
}

function finalLength(trace: Trace): number {
  return trace.endContent.length;
}
