// Durable append throughput: LmdbOpLogStore against a plain append-only file that is
// fdatasync'ed after every record (the baseline any log must beat to be worth its keep), with
// the very same encoded records.
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeChange, type StoredChange } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { median, type Row, type SuiteOptions } from '../harness.js';
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

/** Runs `total` jobs with at most `concurrency` in flight, in the order of their numbers. */
async function pipeline(
  total: number,
  concurrency: number,
  job: (n: number) => Promise<void>,
): Promise<void> {
  let next = 1;
  const worker = async () => {
    while (next <= total) await job(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function lmdbAppends(
  dir: string,
  total: number,
  concurrency: number,
): Promise<{ rate: number; ok: boolean }> {
  const store = await openLmdbOpLogStore({ path: join(dir, 'lmdb'), create: true });
  await store.createWorkspace('ws');
  const start = performance.now();
  // A sequencer hands out revisions in order and appends without waiting for the appends
  // before: overlapping appends of one event-loop turn share a commit.
  await pipeline(total, concurrency, (rev) => store.append('ws', [smallChange(rev)]));
  const seconds = (performance.now() - start) / 1000;
  const ok = (await store.lastRevision('ws')) === total;
  await store.close();
  return { rate: total / seconds, ok };
}

async function fileAppends(
  dir: string,
  total: number,
  concurrency: number,
): Promise<{ rate: number; ok: boolean }> {
  const records = Array.from({ length: total }, (_, i) => encodeChange(smallChange(i + 1)));
  const file = await openFile(join(dir, 'log.bin'), 'a');
  const start = performance.now();
  await pipeline(total, concurrency, async (rev) => {
    await file.appendFile(records[rev - 1]!);
    await file.datasync();
  });
  const seconds = (performance.now() - start) / 1000;
  const size = (await file.stat()).size;
  await file.close();
  return { rate: total / seconds, ok: size === records.reduce((sum, r) => sum + r.length, 0) };
}

/** Durable appends per second, one appender and 64 pipelined ones. */
export async function appendRows(options: SuiteOptions): Promise<Row[]> {
  const runs = options.smoke ? 1 : Math.min(options.runs, 3);
  const rows: Row[] = [];
  for (const [concurrency, total] of [
    [1, options.smoke ? 50 : 1_000],
    [64, options.smoke ? 500 : 20_000],
  ] as const) {
    const ours: number[] = [];
    const baseline: number[] = [];
    let verified = true;
    for (let run = 0; run < runs; run++) {
      await withTempDir(async (dir) => {
        const lmdb = await lmdbAppends(dir, total, concurrency);
        const file = await fileAppends(dir, total, concurrency);
        ours.push(lmdb.rate);
        baseline.push(file.rate);
        verified &&= lmdb.ok && file.ok;
      });
    }
    rows.push({
      name: `durable append, ${concurrency} appender${concurrency === 1 ? '' : 's'} (${total} small changes)`,
      ours: median(ours),
      peers: { 'appendFile+fdatasync': median(baseline) },
      verified,
      unit: 'appends/s',
      notes:
        'each append resolves after its data is synced to disk; lmdb shares one commit among the appends of an event-loop turn',
    });
  }
  return rows;
}
