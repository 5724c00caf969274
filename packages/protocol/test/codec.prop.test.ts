import {
  decodeMessage,
  encodeMessage,
  MESSAGE_TYPES,
  type Message,
  type MessageType,
  messageToValue,
  validateMessage,
} from '@dist-space/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { anyMessage, MESSAGE_ARBITRARIES } from './support/arbitraries.js';

/**
 * What must hold of any message decodeMessage returns: it validates as the receiver would see
 * it, and re-encoding it gives a frame that decodes to a message encoding to the same bytes.
 */
function expectSound(message: Message): void {
  const again = validateMessage(message);
  expect(again.ok).toBe(true);
  if (!again.ok) return;
  expect(encodeMessage(again.value)).toEqual(encodeMessage(message));
}

/** Decodes without letting an exception through: the property fails on one. */
function decodeNeverThrows(bytes: Uint8Array): void {
  const result = decodeMessage(bytes);
  if (result.ok) expectSound(result.value);
  else expect(typeof result.error.code).toBe('string');
}

/** Snapshots and Changes carry whole generated workspaces and changes: a quarter of the runs. */
const heavy = new Set<MessageType>(['Snapshot', 'Changes']);
const quarter = Math.max(50, Math.floor(fc.readConfigureGlobal().numRuns! / 4));

describe('encode then decode is the identity', () => {
  for (const type of Object.keys(MESSAGE_TYPES) as MessageType[]) {
    it(`for any valid ${type}`, async () => {
      await assertInChunks(
        fc.property(MESSAGE_ARBITRARIES[type] as fc.Arbitrary<Message>, (message) => {
          const decoded = decodeMessage(encodeMessage(message));
          // A Workspace is compared by its content: equal trees may be built differently.
          if (decoded.ok && type === 'Snapshot') {
            expect(messageToValue(decoded.value)).toEqual(messageToValue(message));
          } else {
            expect(decoded).toEqual({ ok: true, value: message });
          }
        }),
        heavy.has(type) ? quarter : undefined,
      );
    });
  }
});

/** Byte edits: flip bits of a byte, insert a byte, delete a byte. */
type Mutation = { kind: 'flip' | 'insert' | 'delete'; at: number; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete'),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((x) => x),
  byte: fc.integer({ min: 1, max: 255 }),
}) as fc.Arbitrary<Mutation>;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = Array.from(bytes);
  for (const { kind, at, byte } of mutations) {
    const i = Math.floor(at * (out.length + (kind === 'insert' ? 1 : 0)));
    if (kind === 'flip' && out.length > 0) out[i] = out[i]! ^ byte;
    else if (kind === 'insert') out.splice(i, 0, byte);
    else if (kind === 'delete' && out.length > 0) out.splice(i, 1);
  }
  return Uint8Array.from(out);
}

describe('decoding hostile bytes never throws and never returns an invalid message', () => {
  it('for arbitrary bytes', async () => {
    await assertInChunks(fc.property(fc.uint8Array({ maxLength: 400 }), decodeNeverThrows));
  });

  it('for arbitrary bytes behind a valid envelope head', async () => {
    const ids = Object.values(MESSAGE_TYPES).map((spec) => spec.id);
    await assertInChunks(
      fc.property(
        fc.constantFrom(...ids),
        fc.integer({ min: 0x80, max: 0x8f }),
        fc.uint8Array({ maxLength: 200 }),
        (id, mapHead, rest) => decodeNeverThrows(Uint8Array.from([0x92, id, mapHead, ...rest])),
      ),
    );
  });

  it('for truncated valid frames, which are always MALFORMED_FRAME', async () => {
    await assertInChunks(
      fc.property(
        anyMessage,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (message, at) => {
          const bytes = encodeMessage(message);
          const result = decodeMessage(bytes.subarray(0, Math.floor(at * bytes.length)));
          expect(result.ok || result.error.code).toBe('MALFORMED_FRAME');
        },
      ),
    );
  });

  it('for valid frames with bytes flipped, inserted and deleted', async () => {
    await assertInChunks(
      fc.property(
        anyMessage,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (message, edits) => decodeNeverThrows(mutate(encodeMessage(message), edits)),
      ),
    );
  });
});
