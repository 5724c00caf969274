import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** One edit of a trace: delete `del` code units at `pos`, then insert `ins` there. */
export interface Patch {
  readonly pos: number;
  readonly del: number;
  readonly ins: string;
}

/**
 * An editing trace: transactions of patches applied in order from `startContent`; the result
 * must be `endContent`. Inside a transaction each patch applies to the result of the one before.
 */
export interface Trace {
  readonly name: string;
  readonly startContent: string;
  readonly endContent: string;
  readonly txns: readonly (readonly Patch[])[];
  /** Every patch of every transaction, in order. */
  readonly patches: readonly Patch[];
}

interface RawTrace {
  startContent: string;
  endContent: string;
  txns: Array<{ patches: Array<[number, number, string]> }>;
}

/**
 * Where the traces live: benchmarks/data (copied there so that a fresh clone has them), or the
 * shared collection next to the repository as a fallback for a checkout without the copies.
 */
export function traceDirectory(): string {
  const own = fileURLToPath(new URL('../data/', import.meta.url));
  if (existsSync(own) && readdirSync(own).some((f) => f.endsWith('.json.gz'))) return own;
  const shared = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
  if (existsSync(shared)) return shared;
  throw new Error(`No editing traces in ${own} nor ${shared}; see benchmarks/data/README.md.`);
}

/** The names of every trace (file names without `.json.gz`), sorted. */
export function traceNames(): string[] {
  return readdirSync(traceDirectory())
    .filter((f) => f.endsWith('.json.gz'))
    .map((f) => f.slice(0, -'.json.gz'.length))
    .sort();
}

/** Loads and decompresses one trace. */
export function loadTrace(name: string): Trace {
  const raw = JSON.parse(
    gunzipSync(readFileSync(`${traceDirectory()}/${name}.json.gz`)).toString('utf8'),
  ) as RawTrace;
  const txns = raw.txns.map((t) => t.patches.map(([pos, del, ins]) => ({ pos, del, ins })));
  return {
    name,
    startContent: raw.startContent,
    endContent: raw.endContent,
    txns,
    patches: txns.flat(),
  };
}

/** The trace in the smallest file: what a smoke run replays (one of the shortest histories). */
export function smallestTraceName(): string {
  const dir = traceDirectory();
  const names = traceNames();
  let best = names[0]!;
  for (const name of names) {
    if (statSync(`${dir}/${name}.json.gz`).size < statSync(`${dir}/${best}.json.gz`).size)
      best = name;
  }
  return best;
}
