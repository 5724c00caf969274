import {
  crc32c,
  decodeChange,
  decodeRecord,
  decodeSnapshot,
  encodeChange,
  encodeRecord,
  encodeSnapshot,
  RECORD_FORMAT_VERSION,
  RecordKind,
} from '@dist-space/oplog-storage';
import { isDistSpaceError } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';

const ascii = (text: string) => new TextEncoder().encode(text);
const change = { rev: 7, clientId: 'c', seq: 3, author: 'alice', time: 1, change: { ops: [1, 2] } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    // RFC 3720 appendix B.4 and the usual "123456789" check value of CRC-32C.
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('continues from a previous value, at any split', () => {
    const data = ascii('The quick brown fox jumps over the lazy dog, twice over.');
    for (let split = 0; split <= data.length; split++) {
      expect(crc32c(data.subarray(split), crc32c(data.subarray(0, split)))).toBe(crc32c(data));
    }
  });
});

describe('the record codec', () => {
  it('lays a record out as version, kind, checksum, msgpack', () => {
    const record = encodeRecord(RecordKind.Change, 'hi');
    expect([...record]).toEqual([
      RECORD_FORMAT_VERSION,
      RecordKind.Change,
      ...record.subarray(2, 6),
      0xa2,
      0x68,
      0x69,
    ]);
    expect(decodeRecord(record, RecordKind.Change, { record: 'test' })).toBe('hi');
  });

  it('round-trips changes and snapshots', () => {
    expect(decodeChange(encodeChange(change), 'ws', 7)).toEqual(change);
    const snapshot = { rev: 4, time: 2, state: { files: ['a'] } };
    expect(decodeSnapshot(encodeSnapshot(snapshot), 'ws', 4)).toEqual(snapshot);
  });

  it('reports a record filed under the wrong revision or kind as corrupt', () => {
    const wrongRev = thrown(() => decodeChange(encodeChange(change), 'ws', 8));
    expect(isDistSpaceError(wrongRev, 'STORE_CORRUPT')).toBe(true);
    expect((wrongRev as Error).message).toContain('revision 8 of workspace "ws"');
    const wrongKind = thrown(() => decodeSnapshot(encodeChange(change), 'ws', 7));
    expect(isDistSpaceError(wrongKind, 'STORE_CORRUPT')).toBe(true);
  });

  it('reports a sound record of a newer format as unsupported, not corrupt', () => {
    const record = encodeRecord(RecordKind.Change, 1);
    record[0] = RECORD_FORMAT_VERSION + 1;
    // Re-seal the checksum as a newer writer would have.
    const body = record.subarray(6);
    const crc = crc32c(body, crc32c(record.subarray(0, 2)));
    new DataView(record.buffer).setUint32(2, crc, true);
    const error = thrown(() =>
      decodeRecord(record, RecordKind.Change, { workspace: 'w', rev: 1, record: 'change' }),
    );
    expect(isDistSpaceError(error, 'STORE_VERSION_UNSUPPORTED')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({
      workspace: 'w',
      rev: 1,
      found: 2,
    });
  });

  it('reports short records as corrupt', () => {
    for (let length = 0; length < 7; length++) {
      const error = thrown(() => decodeChange(encodeChange(change).subarray(0, length), 'ws', 7));
      expect(isDistSpaceError(error, 'STORE_CORRUPT')).toBe(true);
    }
  });
});
