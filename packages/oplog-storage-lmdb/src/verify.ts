import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { DistSpaceError } from '@dist-space/ot-core';

// The walk runs in a child process because lmdb-js does not return an error for a page that
// lies past the end of a cut file or a damaged branch page: the process dies of SIGBUS or
// SIGSEGV. Dying there is a finding, not a crash of the caller.
const WALK = `
const { open } = require(process.argv[1]);
const root = open({ path: process.argv[2], readOnly: true, maxDbs: 8, encoding: 'binary' });
let entries = 0, bytes = 0;
// The names first: opening a database ends the read transaction an iteration runs in.
const names = [...root.getKeys({})].filter((key) => typeof key === 'string');
for (const name of names) {
  const db = root.openDB({ name, encoding: 'binary' });
  for (const { value } of db.getRange({})) { entries++; bytes += value.length; }
}
process.stdout.write(JSON.stringify({ entries, bytes }));
`;

/** What a walk of every page of a store found. */
export interface LmdbWalkReport {
  /** Entries in all named databases. */
  readonly entries: number;
  /** Bytes of their values. */
  readonly bytes: number;
}

function lmdbEntry(): string {
  return createRequire(import.meta.url).resolve('lmdb');
}

/**
 * Reads every entry of every database of the store in `path` in a separate process, so that
 * damage LMDB would crash on (a cut data file, a broken tree page) is reported as
 * `STORE_CORRUPT` instead of killing this process. It checks that LMDB can reach every value,
 * not the values' own checksums (reading through the store does that). It takes about as long
 * as reading the whole data file; `openLmdbOpLogStore` runs it by itself only when the data
 * file is shorter than its meta page says.
 */
export function walkLmdbStore(path: string, timeoutMs = 10 * 60_000): Promise<LmdbWalkReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', WALK, lmdbEntry(), path],
      { timeout: timeoutMs, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(JSON.parse(stdout) as LmdbWalkReport);
          return;
        }
        const how = error.signal
          ? `died of ${error.signal}`
          : `failed (${stderr.trim().split('\n').at(-1) ?? error.message})`;
        reject(
          new DistSpaceError(
            'STORE_CORRUPT',
            `The store is corrupt: a process reading every page of ${path} ${how}. Restore the data directory from a backup.`,
            { path, record: 'data file', signal: error.signal ?? null },
          ),
        );
      },
    );
  });
}
