import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Clock, Row, SuiteOptions } from './harness.js';
import { formatTable } from './table.js';
import { smallestTraceName, traceNames } from './trace.js';

/** A suite in the registry: its name and the module whose `suite` export runs it. */
export interface SuiteEntry {
  readonly name: string;
  readonly module: URL;
}

/** What to run. */
export interface BenchOptions {
  /** The registered suites. */
  readonly suites: readonly SuiteEntry[];
  /** Run only the suite of this name. */
  readonly only?: string;
  /** One quick run per case on the smallest trace, to prove the code runs and verifies. */
  readonly smoke: boolean;
  /** Timed runs per case (the median is reported); ignored by a smoke run. */
  readonly runs: number;
  /** How runs are timed (wall-clock by default). */
  readonly clock?: Clock;
  /** The traces to use; by default all (a smoke run: the smallest). */
  readonly traces?: readonly string[];
  /** Where progress and tables go. */
  readonly print: (text: string) => void;
}

/** Every row, and the suites that failed to run at all. */
export interface BenchResult {
  readonly rows: Row[];
  readonly failures: string[];
}

/** Messages between the runner and a suite's child process. */
export interface SuiteRequest {
  readonly module: string;
  readonly options: SuiteOptions;
}
export type SuiteReply = { readonly rows: Row[] } | { readonly error: string };

/** True when every suite ran and every row verified: the process should exit 0. */
export function succeeded(result: BenchResult): boolean {
  return result.failures.length === 0 && result.rows.every((r) => r.verified);
}

/**
 * Runs the chosen suites, each in a child process of its own so that one suite's compiled code
 * and heap do not disturb the next, and prints each suite's table as it finishes.
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchResult> {
  const chosen =
    options.only === undefined
      ? options.suites
      : options.suites.filter((s) => s.name === options.only);
  if (chosen.length === 0) {
    const names = options.suites.map((s) => s.name).join(', ');
    return { rows: [], failures: [`no suite named ${String(options.only)} (there are: ${names})`] };
  }
  const traces = options.traces ?? (options.smoke ? [smallestTraceName()] : traceNames());
  const suiteOptions: SuiteOptions = {
    smoke: options.smoke,
    runs: options.runs,
    traces,
    clock: options.clock ?? 'wall',
  };
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const entry of chosen) {
    const start = performance.now();
    const reply = await runInChild(entry, suiteOptions);
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    if ('error' in reply) {
      failures.push(`${entry.name}: ${reply.error}`);
      options.print(`suite ${entry.name} failed after ${seconds} s:\n${reply.error}\n`);
      continue;
    }
    rows.push(...reply.rows);
    options.print(`${formatTable(entry.name, reply.rows, suiteOptions)}\n(${seconds} s)\n`);
  }
  return { rows, failures };
}

const childScript = fileURLToPath(new URL('./child.ts', import.meta.url));
/**
 * The Node options a child process needs to run this package's TypeScript sources: the tsx
 * loader, resolved here so that the child finds it wherever it is started from, and the
 * `@dist-space/source` condition, so that the workspace packages load from their sources as here.
 */
export const TYPESCRIPT_CHILD_OPTIONS: readonly string[] = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  '--conditions=@dist-space/source',
];

/** Runs one suite in a fresh Node process that can force garbage collection. */
function runInChild(entry: SuiteEntry, options: SuiteOptions): Promise<SuiteReply> {
  return new Promise((resolve) => {
    const child = fork(childScript, [], {
      execArgv: [...TYPESCRIPT_CHILD_OPTIONS, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: SuiteReply | undefined;
    child.on('message', (message) => {
      reply = message as SuiteReply;
    });
    child.on('error', (error) => {
      reply ??= { error: error.message };
    });
    child.on('exit', (code, signal) => {
      resolve(reply ?? { error: `the child process exited (${signal ?? code}) without results` });
    });
    const request: SuiteRequest = { module: entry.module.href, options };
    child.send(request);
  });
}
