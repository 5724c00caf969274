import { decodeChange, encodeChange, type StoredChange } from '@dist-space/oplog-storage';
import { isDistSpaceError } from '@dist-space/ot-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';

// msgpack writes -0 as the integer 0.
const double = fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0));

// Values msgpack keeps exactly: JSON-like data plus bytes.
const plain: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    double,
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array(),
    fc.array(tie('value')),
    // Without `__proto__`, which msgpack refuses to read back and the stores refuse to write
    // (see the conformance suite).
    fc.dictionary(
      fc.string().filter((key) => key !== '__proto__'),
      tie('value'),
    ),
  ),
})).value;

const storedChange: fc.Arbitrary<StoredChange> = fc.record({
  rev: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  clientId: fc.string({ minLength: 1 }),
  seq: fc.nat(),
  author: fc.string(),
  time: double.filter(Number.isFinite),
  change: plain,
});

describe('the record codec (properties)', () => {
  it('decodes what it encodes', async () => {
    await assertInChunks(
      fc.property(storedChange, (change) => {
        expect(decodeChange(encodeChange(change), 'ws', change.rev)).toEqual(change);
      }),
    );
  });

  it('reports every changed byte as corruption, never as other data', async () => {
    await assertInChunks(
      fc.property(storedChange, fc.nat(), fc.integer({ min: 1, max: 255 }), (change, at, delta) => {
        const record = encodeChange(change);
        const i = at % record.length;
        record[i] = (record[i]! + delta) & 0xff;
        try {
          decodeChange(record, 'ws', change.rev);
        } catch (e) {
          expect(isDistSpaceError(e, 'STORE_CORRUPT')).toBe(true);
          return;
        }
        expect.fail(`a change to byte ${i} went unnoticed`);
      }),
    );
  });

  it('reports every truncated record as corruption', async () => {
    await assertInChunks(
      fc.property(storedChange, fc.nat(), (change, cut) => {
        const record = encodeChange(change);
        const length = cut % record.length;
        expect(() => decodeChange(record.subarray(0, length), 'ws', change.rev)).toThrow(/corrupt/);
      }),
    );
  });
});
