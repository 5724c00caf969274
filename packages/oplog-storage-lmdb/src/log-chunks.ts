import {
  checkReadStart,
  decodeChange,
  type StoredChange,
  storeCorrupt,
  workspaceNotFound,
} from '@dist-space/oplog-storage';
import type { LmdbDatabases } from './databases.js';
import type { LmdbLookups } from './lookups.js';

// A read is cut into chunks, each in a fresh read transaction, so that a slow consumer does not
// hold an old snapshot open (which would stop LMDB reusing freed pages).
const READ_CHUNK_CHANGES = 1000;
const READ_CHUNK_BYTES = 8 * 2 ** 20;

/**
 * One chunk of a read of workspace `id`'s log: the changes from `from` on, up to `end`, at most
 * {@link READ_CHUNK_CHANGES} of them and stopping once they reach {@link READ_CHUNK_BYTES}. Run
 * it inside a read transaction; a revision missing before `end` is explained as an error.
 */
export function readLogChunk(
  log: LmdbDatabases['log'],
  lookups: LmdbLookups,
  workspace: string,
  id: number,
  from: number,
  end: number,
): StoredChange[] {
  const chunk: StoredChange[] = [];
  let bytes = 0;
  const to = Math.min(end, from + READ_CHUNK_CHANGES - 1);
  for (const { key, value } of log.getRange({ start: [id, from], end: [id, to + 1] })) {
    const expected = from + chunk.length;
    if (key[1] !== expected) break;
    chunk.push(decodeChange(value, workspace, expected));
    bytes += value.length;
    if (bytes >= READ_CHUNK_BYTES) break;
  }
  if (chunk.length === 0 || (chunk.length < to - from + 1 && bytes < READ_CHUNK_BYTES)) {
    explainMissing(lookups, workspace, id, from + chunk.length);
  }
  return chunk;
}

/** A revision that should be in the log is not: say why, as precisely as the store can. */
function explainMissing(lookups: LmdbLookups, workspace: string, id: number, rev: number): never {
  const ws = lookups.workspace(workspace);
  if (ws.id !== id) throw workspaceNotFound(workspace);
  checkReadStart(workspace, rev, ws.firstRevision);
  throw storeCorrupt({ workspace, rev, record: 'change' }, 'is missing from the log');
}
