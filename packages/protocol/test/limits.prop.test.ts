import {
  decodeMessage,
  encodeMessage,
  encodeSnapshotChunks,
  encodeWorkspaceState,
  type Message,
  type PlainValue,
  type ProtocolLimits,
  SnapshotAssembler,
} from '@dist-space/protocol';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyMessage } from './support/arbitraries.js';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

type LimitName = keyof ProtocolLimits;

/** At `limit = n` the frame decodes; at `n - 1` it gives LIMIT_EXCEEDED naming the limit. */
function expectLimitAt(message: Message, name: LimitName, n: number): void {
  const bytes = encodeMessage(message);
  const at = decodeMessage(bytes, { [name]: n });
  expect(at.ok, at.ok ? '' : at.error.message).toBe(true);
  if (n <= 1) return;
  const over = decodeMessage(bytes, { [name]: n - 1 });
  expect(over.ok).toBe(false);
  if (over.ok) return;
  expect(over.error.code).toBe('LIMIT_EXCEEDED');
  expect(over.error.details).toMatchObject({ limit: name, value: n - 1 });
}

const text = (min: number, max: number) =>
  fc.string({ unit: 'binary', minLength: min, maxLength: max });
const utf8Length = (s: string) => new TextEncoder().encode(s).length;
const records = (items: PlainValue[]) => ({
  type: 'LogRecords' as const,
  requestId: 1,
  records: items as never,
});

describe('each limit: at the limit a frame passes, one over it gives LIMIT_EXCEEDED', () => {
  it('maxFrameBytes', () => {
    fc.assert(
      fc.property(anyMessage, (message) =>
        expectLimitAt(message, 'maxFrameBytes', encodeMessage(message).length),
      ),
    );
  });

  it('maxStringBytes', () => {
    fc.assert(
      fc.property(text(12, 400), (message) => {
        const goodbye = { type: 'Goodbye' as const, error: { code: 'X', message } };
        expectLimitAt(goodbye, 'maxStringBytes', utf8Length(message));
      }),
    );
  });

  it('maxArrayLength', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 3_000 }), (n) =>
        expectLimitAt(records(Array.from({ length: n }, () => ({}))), 'maxArrayLength', n),
      ),
    );
  });

  it('maxMapSize', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 500 }), (n) => {
        const record = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
        expectLimitAt(records([record]), 'maxMapSize', n);
      }),
    );
  });

  it('maxDepth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 250 }), (arrays) => {
        let value: PlainValue = 0;
        for (let i = 0; i < arrays; i++) value = [value];
        // The envelope, the payload, `records` and the record itself come first.
        expectLimitAt(records([{ k: value }]), 'maxDepth', 4 + arrays);
      }),
    );
  });

  it('maxPresenceStateBytes', () => {
    fc.assert(
      fc.property(text(0, 300), (note) => {
        const state = { note };
        const presence = { ...SAMPLE_MESSAGES.Presence, state };
        expectLimitAt(presence, 'maxPresenceStateBytes', encode(state).length);
      }),
    );
  });

  it('maxPresenceFiles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
        const files = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`alice:${i}`, { selections: [] }]),
        );
        expectLimitAt({ ...SAMPLE_MESSAGES.Presence, files }, 'maxPresenceFiles', n);
      }),
    );
  });

  it('maxSelectionsPerFile', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_500 }), (n) => {
        const selections = Array.from({ length: n }, (_, i) => ({ anchor: i, head: i + 1 }));
        const files = { 'alice:3': { selections } };
        expectLimitAt({ ...SAMPLE_MESSAGES.Presence, files }, 'maxSelectionsPerFile', n);
      }),
    );
  });

  it('maxSnapshotBytes, over the joined chunks', () => {
    const { state, ...header } = SAMPLE_MESSAGES.Snapshot;
    const bytes = encodeWorkspaceState(state);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (count) => {
        const frame = Math.ceil(bytes.length / count) + 120;
        const chunks = encodeSnapshotChunks(header, bytes, frame);
        const joinWith = (maxSnapshotBytes: number) => {
          const assembler = new SnapshotAssembler({ maxSnapshotBytes });
          let last: ReturnType<SnapshotAssembler['add']> | undefined;
          for (const chunk of chunks) {
            last = assembler.add(chunk);
            if (!last.ok) break;
          }
          return last!;
        };
        expect(joinWith(bytes.length)).toEqual({ ok: true, value: SAMPLE_MESSAGES.Snapshot });
        const over = joinWith(bytes.length - 1);
        expect(over.ok || over.error.details).toMatchObject({
          limit: 'maxSnapshotBytes',
          value: bytes.length - 1,
        });
      }),
    );
  });
});
