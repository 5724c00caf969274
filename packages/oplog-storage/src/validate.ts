import { DistSpaceError, isWellFormed } from '@dist-space/ot-core';
import { encodeChange, encodeSnapshot } from './record-codec.js';
import type { StoredChange, StoredSnapshot } from './types.js';

/** The longest workspace name or client id a store accepts, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 256;

// Control characters would make names unprintable in errors and logs; lone surrogates do not
// survive UTF-8, so two different names could become the same key on disk.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_NAME_LENGTH &&
    !CONTROL.test(value) &&
    isWellFormed(value)
  );
}

/** Throws `INVALID_WORKSPACE_NAME` unless `workspace` is a name a store accepts. */
export function checkWorkspaceName(workspace: unknown): asserts workspace is string {
  if (!isName(workspace)) {
    throw new DistSpaceError(
      'INVALID_WORKSPACE_NAME',
      `A workspace name must be a string of 1 to ${MAX_NAME_LENGTH} characters without control characters or lone surrogates; got ${JSON.stringify(String(workspace)).slice(0, 80)}.`,
      { workspace: String(workspace).slice(0, MAX_NAME_LENGTH) },
    );
  }
}

/** Throws `INVALID_RANGE` unless `rev` is a whole number >= `min`. */
export function checkRevision(name: string, rev: unknown, min: number): asserts rev is number {
  if (!Number.isSafeInteger(rev) || (rev as number) < min) {
    throw new DistSpaceError(
      'INVALID_RANGE',
      `${name} must be a whole number of at least ${min}; got ${String(rev)}.`,
      { [name]: String(rev) },
    );
  }
}

function invalidRecord(workspace: string, what: string, problem: string): DistSpaceError {
  return new DistSpaceError('INVALID_RECORD', `${what} for workspace "${workspace}" ${problem}.`, {
    workspace,
  });
}

function checkChangeShape(workspace: string, change: StoredChange, index: number): void {
  const what = `The change at index ${index} of the batch`;
  if (typeof change !== 'object' || change === null) {
    throw invalidRecord(workspace, what, 'is not an object');
  }
  if (!Number.isSafeInteger(change.rev) || change.rev < 1) {
    throw invalidRecord(workspace, what, 'needs a whole-number `rev` of at least 1');
  }
  if (!isName(change.clientId)) {
    throw invalidRecord(
      workspace,
      what,
      `needs a \`clientId\` of 1 to ${MAX_NAME_LENGTH} characters without control characters`,
    );
  }
  if (!Number.isSafeInteger(change.seq) || change.seq < 0) {
    throw invalidRecord(workspace, what, 'needs a whole-number `seq` of at least 0');
  }
  if (typeof change.author !== 'string') {
    throw invalidRecord(workspace, what, 'needs a string `author`');
  }
  if (!Number.isFinite(change.time)) {
    throw invalidRecord(workspace, what, 'needs a finite number `time`');
  }
}

/**
 * Whether `value` holds an object with an own key `__proto__` at any depth. msgpack writes such
 * a key but refuses to read it back (a guard against prototype pollution), so a record holding
 * one would be stored and then never readable: it is refused before it is written. Arrays and
 * plain objects are walked; msgpack's own depth limit (100) bounds the walk of anything that
 * encodes.
 */
function holdsProtoKey(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || depth > 100) {
    return false;
  }
  if (Array.isArray(value)) return value.some((item) => holdsProtoKey(item, depth + 1));
  if (Object.hasOwn(value, '__proto__')) return true;
  for (const key in value) {
    if (holdsProtoKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

const PROTO_KEY = 'holds the key `__proto__`, which msgpack writes but refuses to read back';

/**
 * Checks the shape of every change of a batch and encodes each as a record, before any store
 * state is touched. Throws `INVALID_RECORD` for a change of the wrong shape, or a `change` value
 * msgpack cannot encode or could not decode again (a `__proto__` key).
 */
export function encodeBatch(workspace: string, changes: readonly StoredChange[]): Uint8Array[] {
  if (!Array.isArray(changes)) {
    throw invalidRecord(workspace, 'The batch', 'is not an array of changes');
  }
  return changes.map((change, index) => {
    checkChangeShape(workspace, change, index);
    if (holdsProtoKey(change.change)) {
      throw invalidRecord(workspace, `The change at index ${index} of the batch`, PROTO_KEY);
    }
    try {
      return encodeChange(change);
    } catch (e) {
      throw invalidRecord(
        workspace,
        `The change at index ${index} of the batch`,
        `holds a value msgpack cannot encode (${(e as Error).message})`,
      );
    }
  });
}

/** Checks a snapshot's shape and encodes it. Throws `INVALID_RECORD` if it cannot be stored. */
export function encodeSnapshotChecked(workspace: string, snapshot: StoredSnapshot): Uint8Array {
  const what = 'The snapshot';
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw invalidRecord(workspace, what, 'is not an object');
  }
  if (!Number.isSafeInteger(snapshot.rev) || snapshot.rev < 0) {
    throw invalidRecord(workspace, what, 'needs a whole-number `rev` of at least 0');
  }
  if (!Number.isFinite(snapshot.time)) {
    throw invalidRecord(workspace, what, 'needs a finite number `time`');
  }
  if (holdsProtoKey(snapshot.state)) throw invalidRecord(workspace, what, PROTO_KEY);
  try {
    return encodeSnapshot(snapshot);
  } catch (e) {
    throw invalidRecord(
      workspace,
      what,
      `holds a value msgpack cannot encode (${(e as Error).message})`,
    );
  }
}

/**
 * Checks a batch against the log it is to be appended to: consecutive revisions starting at
 * `lastRevision + 1`, and no `(clientId, seq)` pair the log (`revisionOfSeq`) or the batch
 * already holds. Adapters call it inside their atomic section, so that the check and the write
 * see the same log. Throws `REVISION_EXISTS`, `REVISION_GAP` or `DUPLICATE_CHANGE`.
 */
export function checkBatchAgainstLog(
  workspace: string,
  lastRevision: number,
  changes: readonly StoredChange[],
  revisionOfSeq: (clientId: string, seq: number) => number | undefined,
): void {
  const seen = new Set<string>();
  changes.forEach((change, index) => {
    const expected = lastRevision + 1 + index;
    if (change.rev < expected) {
      throw new DistSpaceError(
        'REVISION_EXISTS',
        `Revision ${change.rev} of workspace "${workspace}" already exists (the batch should continue at ${expected}): another writer appended first. Read the log from ${lastRevision + 1}, transform, and retry.`,
        { workspace, rev: change.rev, expected },
      );
    }
    if (change.rev > expected) {
      throw new DistSpaceError(
        'REVISION_GAP',
        `Revision ${change.rev} of workspace "${workspace}" would leave a gap: the next revision is ${expected}. Number a batch's changes consecutively from lastRevision + 1.`,
        { workspace, rev: change.rev, expected },
      );
    }
    const key = `${change.clientId}\u0000${change.seq}`;
    const existing = seen.has(key) ? change.rev : revisionOfSeq(change.clientId, change.seq);
    if (existing !== undefined) {
      throw new DistSpaceError(
        'DUPLICATE_CHANGE',
        `Client "${change.clientId}" already submitted seq ${change.seq} to workspace "${workspace}" (revision ${existing}). Answer a resubmission with the original acknowledgement instead of appending it again.`,
        { workspace, clientId: change.clientId, seq: change.seq, rev: existing },
      );
    }
    seen.add(key);
  });
}

/**
 * Checks a truncation: `belowRev` at most `lastRevision + 1`, and a snapshot at `belowRev - 1`
 * or later (`newestSnapshot`) when any change is to be dropped. Throws `INVALID_RANGE`,
 * `REVISION_NOT_FOUND` or `SNAPSHOT_REQUIRED`.
 */
export function checkTruncation(
  workspace: string,
  belowRev: number,
  firstRevision: number,
  lastRevision: number,
  newestSnapshot: number | undefined,
): void {
  checkRevision('belowRev', belowRev, 1);
  if (belowRev > lastRevision + 1) {
    throw new DistSpaceError(
      'REVISION_NOT_FOUND',
      `Cannot truncate workspace "${workspace}" below revision ${belowRev}: the log ends at ${lastRevision}.`,
      { workspace, rev: belowRev, lastRevision },
    );
  }
  if (belowRev > firstRevision && (newestSnapshot === undefined || newestSnapshot < belowRev - 1)) {
    throw new DistSpaceError(
      'SNAPSHOT_REQUIRED',
      `Truncating workspace "${workspace}" below revision ${belowRev} would drop changes no snapshot covers. Save a snapshot at revision ${belowRev - 1} or later first.`,
      { workspace, rev: belowRev, newestSnapshot: newestSnapshot ?? null },
    );
  }
}

/** Throws `REVISION_NOT_FOUND` if a snapshot's revision is past the end of the log. */
export function checkSnapshotRevision(workspace: string, rev: number, lastRevision: number): void {
  if (rev > lastRevision) {
    throw new DistSpaceError(
      'REVISION_NOT_FOUND',
      `Cannot save a snapshot of workspace "${workspace}" at revision ${rev}: the log ends at ${lastRevision}. Append the changes first.`,
      { workspace, rev, lastRevision },
    );
  }
}

/** Throws `REVISION_TRUNCATED` if a read starts below the oldest change the log holds. */
export function checkReadStart(workspace: string, fromRev: number, firstRevision: number): void {
  if (fromRev < firstRevision) {
    throw new DistSpaceError(
      'REVISION_TRUNCATED',
      `Workspace "${workspace}" no longer holds revision ${fromRev}: its log starts at ${firstRevision}. Load a snapshot instead and read on from there.`,
      { workspace, rev: fromRev, firstRevision },
    );
  }
}
