import { Decoder, Encoder } from '@msgpack/msgpack';
import { crc32c } from './crc32c.js';
import { type RecordLocation, storeCorrupt, versionUnsupported } from './errors.js';
import type { StoredChange, StoredSnapshot } from './types.js';

/**
 * The record format this code writes and the newest it reads. A record of a newer version is
 * refused with `STORE_VERSION_UNSUPPORTED` rather than misread.
 */
export const RECORD_FORMAT_VERSION = 1;

/**
 * The kind byte of a record, so that a value filed in the wrong place is caught. Kinds 1-15
 * belong to this package; adapters number their own records from 16.
 */
export const RecordKind = {
  /** A {@link StoredChange}. */
  Change: 1,
  /** A {@link StoredSnapshot}. */
  Snapshot: 2,
} as const;

/** Bytes before the payload: version (1), kind (1), CRC-32C (4, little-endian). */
export const RECORD_HEADER_BYTES = 6;

// `ignoreUndefined` gives JSON's treatment of `{ a: undefined }` (the key is dropped), so that a
// value read back has the same keys that `JSON.stringify` would have kept. One encoder for all
// records: making one per call (what `encode()` does) costs more than encoding a small change.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/**
 * Encodes `payload` with msgpack behind a header of format version, record kind and CRC-32C.
 * The checksum covers the version, the kind and the payload. Throws whatever msgpack throws for
 * a value it cannot encode; callers validate first.
 */
export function encodeRecord(kind: number, payload: unknown): Uint8Array {
  const body = encoder.encodeSharedRef(payload);
  const record = new Uint8Array(RECORD_HEADER_BYTES + body.length);
  record[0] = RECORD_FORMAT_VERSION;
  record[1] = kind;
  record.set(body, RECORD_HEADER_BYTES);
  const crc = checksum(record);
  new DataView(record.buffer, record.byteOffset, record.byteLength).setUint32(2, crc, true);
  return record;
}

/**
 * Checks and decodes a record written by {@link encodeRecord}. Throws `STORE_CORRUPT` (naming
 * `at`) when the checksum fails, the kind differs or the payload does not decode, and
 * `STORE_VERSION_UNSUPPORTED` for a sound record of a newer format. The result shares no memory
 * with `bytes`, so neither can change the other.
 */
export function decodeRecord(bytes: Uint8Array, kind: number, at: RecordLocation): unknown {
  if (bytes.length < RECORD_HEADER_BYTES) {
    throw storeCorrupt(at, `is ${bytes.length} bytes long, shorter than a record header`);
  }
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(2, true);
  if (stored !== checksum(bytes)) throw storeCorrupt(at, 'fails its checksum');
  const version = bytes[0]!;
  if (version > RECORD_FORMAT_VERSION) throw versionUnsupported(at, version, RECORD_FORMAT_VERSION);
  if (version === 0) throw storeCorrupt(at, 'has format version 0, which was never written');
  if (bytes[1] !== kind) throw storeCorrupt(at, `is a record of kind ${bytes[1]}, not ${kind}`);
  try {
    // A copy into a plain Uint8Array: msgpack hands out binary fields as views of its input, and
    // an adapter's input may be a Buffer (whose slice() is a view) or memory it reuses.
    const body = new Uint8Array(bytes.length - RECORD_HEADER_BYTES);
    body.set(bytes.subarray(RECORD_HEADER_BYTES));
    return decoder.decode(body);
  } catch (e) {
    throw storeCorrupt(at, `does not decode (${(e as Error).message})`);
  }
}

function checksum(record: Uint8Array): number {
  return crc32c(record.subarray(RECORD_HEADER_BYTES), crc32c(record.subarray(0, 2)));
}

/** Encodes a change as a record. Check it first (`encodeBatch` does both). */
export function encodeChange(change: StoredChange): Uint8Array {
  return encodeRecord(RecordKind.Change, [
    change.rev,
    change.clientId,
    change.seq,
    change.author,
    change.time,
    change.change,
  ]);
}

/**
 * Decodes a change record filed under `rev` of `workspace`, and checks that it says it is that
 * revision (so a record in the wrong place is reported, not returned).
 */
export function decodeChange(bytes: Uint8Array, workspace: string, rev: number): StoredChange {
  const at = { workspace, rev, record: 'change' };
  const payload = decodeRecord(bytes, RecordKind.Change, at);
  if (!Array.isArray(payload) || payload.length !== 6) {
    throw storeCorrupt(at, 'does not have the six fields of a change');
  }
  const [storedRev, clientId, seq, author, time, change] = payload as unknown[];
  if (storedRev !== rev) throw storeCorrupt(at, `says it is revision ${String(storedRev)}`);
  const decoded = { rev, clientId, seq, author, time, change };
  if (!isStoredChange(decoded)) throw storeCorrupt(at, 'has a field of the wrong type');
  return decoded;
}

/** Encodes a snapshot as a record. Check it first (`encodeSnapshotChecked` does both). */
export function encodeSnapshot(snapshot: StoredSnapshot): Uint8Array {
  return encodeRecord(RecordKind.Snapshot, [snapshot.rev, snapshot.time, snapshot.state]);
}

/** Decodes a snapshot record filed under `rev` of `workspace`, checking its revision. */
export function decodeSnapshot(bytes: Uint8Array, workspace: string, rev: number): StoredSnapshot {
  const at = { workspace, rev, record: 'snapshot' };
  const payload = decodeRecord(bytes, RecordKind.Snapshot, at);
  if (!Array.isArray(payload) || payload.length !== 3) {
    throw storeCorrupt(at, 'does not have the three fields of a snapshot');
  }
  const [storedRev, time, state] = payload as unknown[];
  if (storedRev !== rev) throw storeCorrupt(at, `says it is revision ${String(storedRev)}`);
  if (typeof time !== 'number') throw storeCorrupt(at, 'has a time that is not a number');
  return { rev, time, state };
}

function isStoredChange(value: {
  rev: number;
  clientId: unknown;
  seq: unknown;
  author: unknown;
  time: unknown;
}): value is StoredChange {
  return (
    typeof value.clientId === 'string' &&
    Number.isSafeInteger(value.seq) &&
    typeof value.author === 'string' &&
    typeof value.time === 'number'
  );
}
