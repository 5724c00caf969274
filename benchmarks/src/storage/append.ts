// Durable append throughput: LmdbOpLogStore against a plain append-only file that is
// fdatasync'ed after every record (the baseline any log must beat to be worth its keep), with
// the very same encoded records.
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeChange, type StoredChange } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { median, percentile, type Row, type SuiteOptions } from '../harness.js';
import { withTempDir } from './temp.js';

/** A small change as a server stores it: one insert of a few characters into one file. */
function smallChange(rev: number): StoredChange {
  return {
    rev,
    clientId: `client-${rev % 64}`,
    seq: rev,
    author: 'bench',
    time: 1_700_000_000_000 + rev,
    change: [[4, 'bench:1', [[0, rev % 500, 'abc']]]],
  };
}

/** What one run of appends gave: its rate, whether it verified, and each append's time. */
interface AppendRun {
  readonly rate: number;
  readonly ok: boolean;
  /** Milliseconds from calling each append to its promise resolving, sorted. */
  readonly latencies: readonly number[];
}

/**
 * Runs `total` jobs with at most `concurrency` in flight, in the order of their numbers, and
 * returns the rate and each job's time.
 */
async function pipeline(
  total: number,
  concurrency: number,
  job: (n: number) => Promise<void>,
): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 1;
  const worker = async () => {
    while (next <= total) {
      const started = performance.now();
      await job(next++);
      latencies.push(performance.now() - started);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { rate: total / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function lmdbAppends(dir: string, total: number, concurrency: number): Promise<AppendRun> {
  const store = await openLmdbOpLogStore({ path: join(dir, 'lmdb'), create: true });
  await store.createWorkspace('ws');
  // A sequencer hands out revisions in order and appends without waiting for the appends
  // before: overlapping appends of one event-loop turn share a commit.
  const run = await pipeline(total, concurrency, (rev) => store.append('ws', [smallChange(rev)]));
  const ok = (await store.lastRevision('ws')) === total;
  await store.close();
  return { ...run, ok };
}

async function fileAppends(dir: string, total: number, concurrency: number): Promise<AppendRun> {
  const records = Array.from({ length: total }, (_, i) => encodeChange(smallChange(i + 1)));
  const file = await openFile(join(dir, 'log.bin'), 'a');
  const run = await pipeline(total, concurrency, async (rev) => {
    await file.appendFile(records[rev - 1]!);
    await file.datasync();
  });
  const size = (await file.stat()).size;
  await file.close();
  return { ...run, ok: size === records.reduce((sum, r) => sum + r.length, 0) };
}

/**
 * Durable appends per second, one appender and 64 pipelined ones; and for one appender the p50
 * and p99 time of an append, the least a durable acknowledgement can take (benchmarks/README.md,
 * "Server", uses it).
 */
export async function appendRows(options: SuiteOptions): Promise<Row[]> {
  const runs = options.smoke ? 1 : Math.min(options.runs, 3);
  const rows: Row[] = [];
  for (const [concurrency, total] of [
    [1, options.smoke ? 50 : 1_000],
    [64, options.smoke ? 500 : 20_000],
  ] as const) {
    const ours: AppendRun[] = [];
    const baseline: AppendRun[] = [];
    for (let run = 0; run < runs; run++) {
      await withTempDir(async (dir) => {
        ours.push(await lmdbAppends(dir, total, concurrency));
        baseline.push(await fileAppends(dir, total, concurrency));
      });
    }
    const verified = [...ours, ...baseline].every((r) => r.ok);
    const label = `${concurrency} appender${concurrency === 1 ? '' : 's'} (${total} small changes)`;
    const row = (what: string, unit: string, pick: (r: AppendRun) => number): Row => ({
      name: `durable append${what}, ${label}`,
      ours: median(ours.map(pick)),
      peers: { 'appendFile+fdatasync': median(baseline.map(pick)) },
      verified,
      unit,
      notes:
        'each append resolves after its data is synced to disk; lmdb shares one commit among the appends of an event-loop turn',
    });
    rows.push(row('', 'appends/s', (r) => r.rate));
    if (concurrency === 1) {
      rows.push(row(' p50 time', 'ms', (r) => percentile(r.latencies, 0.5)));
      rows.push(row(' p99 time', 'ms', (r) => percentile(r.latencies, 0.99)));
    }
  }
  return rows;
}
