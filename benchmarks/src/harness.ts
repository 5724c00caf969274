// What a suite is and how it times its cases. A suite runs in a child process of its own (see
// runner.ts) and returns rows; the runner prints and saves them.

/**
 * One result: a case measured for our code and each peer in the same process run. Values are
 * medians in milliseconds unless `unit` says otherwise (a throughput such as `M ops/s`, where
 * more is better, or a size such as `MB`).
 */
export interface Row {
  /** What was measured, e.g. `replay automerge-paper`. */
  name: string;
  /** Our figure. */
  ours: number;
  /** Each peer's figure, by peer name. */
  peers: Record<string, number>;
  /** False when any participant's final result differed from the expected one. */
  verified: boolean;
  /** The unit of the figures when it is not milliseconds. */
  unit?: string;
  /** Anything a reader needs to interpret the row. */
  notes?: string;
}

/** How a suite is asked to run. */
export interface SuiteOptions {
  /** A quick run that only proves the code runs and verifies: one run, no warm-up. */
  readonly smoke: boolean;
  /** Timed runs per case; the median is reported. */
  readonly runs: number;
  /**
   * What a run's time is: `wall` (elapsed time, the default) or `cpu` (the process's CPU time,
   * which a busy machine's other processes do not inflate, but which also counts the garbage
   * collector's helper threads).
   */
  readonly clock?: Clock;
  /** The traces to use. */
  readonly traces: readonly string[];
}

/** How runs are timed; see {@link SuiteOptions.clock}. */
export type Clock = 'wall' | 'cpu';

/** Milliseconds on the given clock, from an arbitrary origin. */
export function now(clock: Clock | undefined): number {
  if (clock !== 'cpu') return performance.now();
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** A benchmark suite: a module whose `suite` export this is. */
export interface Suite {
  /** Its name, as `--only` takes it. */
  readonly name: string;
  /** Measures every case and returns a row for each. */
  run(options: SuiteOptions): Row[] | Promise<Row[]>;
}

/** One participant of a timed case: `run` does the whole work once and returns its result. */
export interface Contender<R = unknown> {
  readonly name: string;
  run(): R;
}

/** The timings of one contender, and the result of its last run (for verification). */
export interface Timing<R = unknown> {
  readonly median: number;
  readonly samples: readonly number[];
  readonly result: R;
}

/** Runs a full garbage collection when the process was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which `fraction` of `sorted` lies (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/**
 * Times each contender `options.runs` times (once in a smoke run), after one untimed warm-up run
 * each (none in a smoke run). Runs are interleaved, one of each contender per round, so that the
 * noise of a shared machine and the garbage each leaves behind fall on all of them alike. The
 * heap is collected once before the timed rounds, not before each run: a forced full collection
 * shrinks V8's young generation, which made the next run of an allocation-heavy contender (a
 * transform loop) four times slower than in a process that has been running for a while.
 */
export function timeContenders(
  contenders: readonly Contender[],
  options: SuiteOptions,
): Map<string, Timing> {
  const runs = options.smoke ? 1 : Math.max(1, options.runs);
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const results = new Map<string, unknown>();
  if (!options.smoke) for (const c of contenders) c.run();
  collectGarbage();
  for (let round = 0; round < runs; round++) {
    for (const c of contenders) {
      const start = now(options.clock);
      const result = c.run();
      samples.get(c.name)!.push(now(options.clock) - start);
      results.set(c.name, result);
    }
  }
  const out = new Map<string, Timing>();
  for (const c of contenders) {
    const s = samples.get(c.name)!;
    out.set(c.name, { median: median(s), samples: s, result: results.get(c.name) });
  }
  return out;
}

/** The part of a row's notes that names the participants whose result was wrong, if any. */
export function wrongNote(wrong: readonly string[], what = 'wrong final text'): string {
  return wrong.length === 0 ? '' : `; ${what}: ${wrong.join(', ')}`;
}
