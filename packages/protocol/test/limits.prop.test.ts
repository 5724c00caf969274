import {
  decodeMessage,
  encodeMessage,
  encodeSnapshotChunks,
  encodeWorkspaceState,
  type Message,
  type PlainValue,
  type ProtocolLimits,
  SnapshotAssembler,
  type Submit,
} from '@dist-space/protocol';
import { type NodeSnapshot, utf8Length, type WorkspaceOp } from '@dist-space/vfs-workspace';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { anyMessage } from './support/arbitraries.js';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

type LimitName = keyof ProtocolLimits;

/**
 * For the properties that build messages of thousands of items: each run checks one size, and a
 * quarter of the runs covers the sizes well.
 */
const largeMessages = Math.max(50, Math.floor(fc.readConfigureGlobal().numRuns! / 4));

/**
 * At `limit = n` the frame decodes; at `n - 1` it gives LIMIT_EXCEEDED naming the limit (or,
 * with `code`, that code: see maxPathDepth).
 */
function expectLimitAt(message: Message, name: LimitName, n: number, code?: string): void {
  const bytes = encodeMessage(message);
  const at = decodeMessage(bytes, { [name]: n });
  expect(at.ok, at.ok ? '' : at.error.message).toBe(true);
  if (n <= 1) return;
  const over = decodeMessage(bytes, { [name]: n - 1 });
  expect(over.ok).toBe(false);
  if (over.ok) return;
  expect(over.error.code).toBe(code ?? 'LIMIT_EXCEEDED');
  if (code === undefined) expect(over.error.details).toMatchObject({ limit: name, value: n - 1 });
}

const submitOf = (change: readonly WorkspaceOp[]): Submit => ({
  ...SAMPLE_MESSAGES.Submit,
  change,
});

const text = (min: number, max: number) =>
  fc.string({ unit: 'binary', minLength: min, maxLength: max });
const records = (items: PlainValue[]) => ({
  type: 'LogRecords' as const,
  requestId: 1,
  records: items as never,
});

describe('each limit: at the limit a frame passes, one over it gives LIMIT_EXCEEDED', () => {
  it('maxFrameBytes', async () => {
    await assertInChunks(
      fc.property(anyMessage, (message) =>
        expectLimitAt(message, 'maxFrameBytes', encodeMessage(message).length),
      ),
      largeMessages,
    );
  });

  it('maxStringBytes', async () => {
    await assertInChunks(
      fc.property(text(12, 400), (message) => {
        const goodbye = { type: 'Goodbye' as const, error: { code: 'X', message } };
        expectLimitAt(goodbye, 'maxStringBytes', utf8Length(message));
      }),
    );
  });

  it('maxArrayLength', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 3, max: 3_000 }), (n) =>
        expectLimitAt(records(Array.from({ length: n }, () => ({}))), 'maxArrayLength', n),
      ),
      largeMessages,
    );
  });

  it('maxMapSize', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 3, max: 500 }), (n) => {
        const record = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
        expectLimitAt(records([record]), 'maxMapSize', n);
      }),
      largeMessages,
    );
  });

  it('maxDepth', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 250 }), (arrays) => {
        let value: PlainValue = 0;
        for (let i = 0; i < arrays; i++) value = [value];
        // The envelope, the payload, `records` and the record itself come first.
        expectLimitAt(records([{ k: value }]), 'maxDepth', 4 + arrays);
      }),
    );
  });

  it('maxOpsPerChange', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 500 }), (n) => {
        const edit = {
          type: 'edit',
          id: 'alice:3',
          change: [{ type: 'insert', pos: 0, text: 'x' }],
        };
        expectLimitAt(
          submitOf(Array.from({ length: n }, () => edit as WorkspaceOp)),
          'maxOpsPerChange',
          n,
        );
      }),
      largeMessages,
    );
  });

  it('maxNameBytes', async () => {
    // Pieces of 1 to 4 UTF-8 bytes, all in NFC; names are at most 255 bytes whatever the limit.
    const pieces = fc.array(fc.constantFrom('a', 'Z', '.', 'é', '中', '😀'), {
      minLength: 1,
      maxLength: 60,
    });
    await assertInChunks(
      fc.property(pieces, (parts) => {
        const name = parts.join('');
        fc.pre(name !== '.' && name !== '..' && utf8Length(name) <= 255);
        const create = {
          type: 'createFile',
          id: 'alice:9',
          parent: 'root',
          name,
          ancestors: [],
          content: '',
        };
        expectLimitAt(submitOf([create as WorkspaceOp]), 'maxNameBytes', utf8Length(name));
      }),
    );
  });

  it('maxPathDepth, over the depth of a deleted subtree', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 60 }), (depth) => {
        // A chain of depth + 1 directories: the deleted one, and depth levels beneath it.
        let removed: NodeSnapshot = {
          kind: 'dir',
          id: `alice:${depth + 1}`,
          name: 'leaf',
          children: [],
        };
        for (let level = depth; level >= 1; level--) {
          removed = { kind: 'dir', id: `alice:${level}`, name: `d${level}`, children: [removed] };
        }
        const del = {
          type: 'delete',
          id: 'alice:1',
          parent: 'root',
          name: 'd1',
          ancestors: [],
          removed,
        };
        // vfs-workspace checks it and says which op, not which limit: the code alone is checked.
        expectLimitAt(submitOf([del as WorkspaceOp]), 'maxPathDepth', depth, 'LIMIT_EXCEEDED');
      }),
    );
  });

  it('maxPathDepth, over the ancestors an op names (vfs-workspace reports INVALID_OP)', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 60 }), (n) => {
        const ancestors = [...Array.from({ length: n - 1 }, (_, i) => `alice:${i + 10}`), 'root'];
        const create = {
          type: 'createDir',
          id: 'alice:9',
          parent: 'alice:100',
          name: 'x',
          ancestors,
        };
        expectLimitAt(submitOf([create as WorkspaceOp]), 'maxPathDepth', n, 'INVALID_PAYLOAD');
      }),
    );
  });

  it('maxPresenceStateBytes', async () => {
    await assertInChunks(
      fc.property(text(0, 300), (note) => {
        const state = { note };
        const presence = { ...SAMPLE_MESSAGES.Presence, state };
        expectLimitAt(presence, 'maxPresenceStateBytes', encode(state).length);
      }),
    );
  });

  it('maxPresenceFiles', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 100 }), (n) => {
        const files = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`alice:${i}`, { selections: [] }]),
        );
        expectLimitAt({ ...SAMPLE_MESSAGES.Presence, files }, 'maxPresenceFiles', n);
      }),
      largeMessages,
    );
  });

  it('maxSelectionsPerFile', async () => {
    await assertInChunks(
      fc.property(fc.integer({ min: 1, max: 1_500 }), (n) => {
        const selections = Array.from({ length: n }, (_, i) => ({ anchor: i, head: i + 1 }));
        const files = { 'alice:3': { selections } };
        expectLimitAt({ ...SAMPLE_MESSAGES.Presence, files }, 'maxSelectionsPerFile', n);
      }),
      largeMessages,
    );
  });

  it('maxSnapshotBytes, over the joined chunks', async () => {
    const { state, ...header } = SAMPLE_MESSAGES.Snapshot;
    const bytes = encodeWorkspaceState(state);
    await assertInChunks(
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
      largeMessages,
    );
  });
});
