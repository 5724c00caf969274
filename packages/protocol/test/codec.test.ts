import {
  decodeMessage,
  encodeMessage,
  formatVersion,
  type Message,
  maySend,
  PROTOCOL_VERSION,
  validateMessage,
} from '@dist-space/protocol';
import { Encoder, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES, workspaceOf } from './support/sample-messages.js';

/** The error a decode gives; fails the test when the decode succeeds. */
function decodeError(bytes: Uint8Array | number[], limits = {}) {
  const result = decodeMessage(
    bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes),
    limits,
  );
  if (result.ok) throw new Error(`expected an error, decoded ${JSON.stringify(result.value)}`);
  return result.error;
}

function decoded(bytes: Uint8Array): Message {
  const result = decodeMessage(bytes);
  if (!result.ok) throw result.error;
  return result.value;
}

/** A frame with an arbitrary envelope, bypassing encodeMessage's field handling. */
const frame = (value: unknown) => encode(value);

describe('MALFORMED_FRAME', () => {
  const cases: Array<[string, number[] | Uint8Array, RegExp]> = [
    ['an empty frame', [], /empty/],
    [
      'a truncated frame',
      Array.from(encodeMessage(SAMPLE_MESSAGES.Ack)).slice(0, -3),
      /ends before/,
    ],
    ['trailing bytes', [...encodeMessage(SAMPLE_MESSAGES.Ping), 0xc0], /1 bytes follow/],
    [
      'two messages in one frame',
      [...encodeMessage(SAMPLE_MESSAGES.Ping), ...encodeMessage(SAMPLE_MESSAGES.Pong)],
      /follow the message/,
    ],
    ['the never-used byte 0xc1', [0x92, 0x28, 0xc1], /0xc1/],
    ['an extension type (a timestamp)', frame([40, { nonce: new Date(0) }]), /extension type/],
    ['a map with an integer key', [0x92, 0x28, 0x81, 0x01, 0x02], /key .* not a string/],
    ['the map key __proto__', frame([40, JSON.parse('{"__proto__": 1, "nonce": 2}')]), /__proto__/],
    [
      'an overlong UTF-8 "/"',
      [0x92, 0x0d, 0x81, 0xa9, ...Buffer.from('workspace'), 0xa2, 0xc0, 0xaf],
      /UTF-8/,
    ],
    [
      'an encoded lone surrogate',
      [0x92, 0x0d, 0x81, 0xa9, ...Buffer.from('workspace'), 0xa3, 0xed, 0xa0, 0x80],
      /UTF-8/,
    ],
    [
      'a string cut inside a character',
      [0x92, 0x0d, 0x81, 0xa9, ...Buffer.from('workspace'), 0xa1, 0xc3],
      /UTF-8/,
    ],
    ['a lone value, not an envelope', frame(42), /not an envelope/],
    ['an envelope of three', frame([40, { nonce: 1 }, 0]), /not an envelope/],
    ['a type id that is a string', frame(['Ping', { nonce: 1 }]), /type id/],
    ['a payload that is an array', frame([40, [1]]), /not a map/],
    [
      'an array declaring more items than the frame holds',
      [0x92, 0x28, 0xdc, 0x03, 0xe8, 0xc0],
      /ends before/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(`refuses ${name}`, () => {
      const error = decodeError(bytes);
      expect(error.code).toBe('MALFORMED_FRAME');
      expect(error.message).toMatch(message);
    });
  }

  it('refuses a lying array header before allocating for it', () => {
    // 2,000 array16(65535) headers: @msgpack/msgpack alone allocates ~1 GB for these 6 KB.
    const bytes = new Uint8Array(6_000);
    for (let i = 0; i < bytes.length; i += 3) bytes.set([0xdc, 0xff, 0xff], i);
    const before = process.memoryUsage().heapUsed;
    expect(decodeError(bytes, { maxArrayLength: 65_535 }).code).toBe('MALFORMED_FRAME');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('deep nesting', () => {
  for (const [name, open] of [
    ['arrays', 0x91],
    ['maps', 0x81],
  ] as const) {
    it(`refuses 100,000 nested ${name} with LIMIT_EXCEEDED, not a stack overflow`, () => {
      const parts: number[] = [];
      for (let i = 0; i < 100_000; i++) {
        if (open === 0x81)
          parts.push(0x81, 0xa1, 0x6b); // {"k": ...
        else parts.push(0x91);
      }
      parts.push(0xc0);
      const error = decodeError(parts);
      expect(error.code).toBe('LIMIT_EXCEEDED');
      expect(error.details).toEqual({ limit: 'maxDepth', value: 256 });
    });
  }

  it('refuses deep nesting inside a valid envelope, in a free-form map', () => {
    let state: unknown = 1;
    for (let i = 0; i < 300; i++) state = { nested: state };
    const bytes = new Encoder({ maxDepth: 1_000 }).encode([
      30,
      { workspace: 'w', revision: 1, files: {}, state },
    ]);
    expect(decodeError(bytes).details).toEqual({
      limit: 'maxDepth',
      value: 256,
      type: 'Presence',
      workspace: 'w',
    });
  });
});

describe('UNKNOWN_TYPE', () => {
  it('names the type id, which a newer peer may use', () => {
    const error = decodeError(frame([99, {}]));
    expect(error.code).toBe('UNKNOWN_TYPE');
    expect(error.details).toEqual({ typeId: 99 });
    expect(error.message).toMatch(/type 99 is unknown/);
  });
});

describe('INVALID_PAYLOAD', () => {
  it('names the message type, the field and what was expected', () => {
    const error = decodeError(encodeMessage({ ...SAMPLE_MESSAGES.Ack, seq: 0 }));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toBe('Ack.seq must be an integer >= 1; got the number 0.');
    expect(error.details).toMatchObject({ type: 'Ack', field: 'seq', expected: 'an integer >= 1' });
  });

  it('says when a required field is missing', () => {
    const error = decodeError(frame([21, { workspace: 'w', seq: 1 }]));
    expect(error.message).toMatch(
      /^Ack\.revision must be present \(the field is required; uint ≥ 1\); got nothing\.$/,
    );
  });

  it('gives the path into nested fields', () => {
    const sessions = structuredClone(SAMPLE_MESSAGES.Sessions) as unknown as {
      sessions: Array<{ workspaces: string[] }>;
    };
    sessions.sessions[1]!.workspaces = ['ok', '.hidden'];
    const error = decodeError(encodeMessage(sessions as unknown as Message));
    expect(error.details).toMatchObject({ type: 'Sessions', field: 'sessions[1].workspaces[1]' });
  });

  it('gives map keys in the path, quoted', () => {
    const error = decodeError(
      frame([30, { workspace: 'w', revision: 1, files: { 'a:1': { selections: [[1, -2]] } } }]),
    );
    expect(error.details).toMatchObject({ field: 'files["a:1"].selections[0][1]' });
  });

  it('carries requestId, workspace and seq when readable, so that the server can answer', () => {
    const reject = frame([
      22,
      { workspace: 'w', seq: 9, error: { code: 'lowercase', message: '' } },
    ]);
    expect(decodeError(reject).details).toMatchObject({
      workspace: 'w',
      seq: 9,
      field: 'error.code',
    });
    const open = frame([10, { requestId: 4, workspace: '' }]);
    expect(decodeError(open).details).toMatchObject({ requestId: 4, field: 'workspace' });
  });

  it('refuses client ids that vfs-workspace could not prefix node ids with', () => {
    const hello = { ...SAMPLE_MESSAGES.Hello, clientId: 'x'.repeat(65) };
    expect(decodeError(encodeMessage(hello)).details).toMatchObject({ field: 'clientId' });
    expect(decoded(encodeMessage({ ...hello, clientId: 'x'.repeat(64) }))).toMatchObject({
      clientId: 'x'.repeat(64),
    });
  });

  it('refuses workspace ids starting with a dot or holding a slash', () => {
    for (const workspace of ['.git', '..', 'a/b', '', 'x'.repeat(129)]) {
      expect(decodeError(encodeMessage({ type: 'Leave', workspace })).details).toMatchObject({
        field: 'workspace',
      });
    }
  });

  it('checks rules across fields: a chunk index below its count', () => {
    const error = decodeError(encodeMessage({ ...SAMPLE_MESSAGES.SnapshotChunk, index: 5 }));
    expect(error.message).toMatch(/^SnapshotChunk\.index must be below count \(5\)/);
  });

  it('checks rules across fields: Changes are consecutive revisions', () => {
    const { Changes } = SAMPLE_MESSAGES;
    const gap = {
      ...Changes,
      changes: [Changes.changes[0]!, { ...Changes.changes[1]!, revision: 1_283 }],
    };
    expect(decodeError(encodeMessage(gap)).details).toMatchObject({ field: 'changes[1].revision' });
    const short = { ...Changes, toRevision: 1_290 };
    expect(decodeError(encodeMessage(short)).details).toMatchObject({ field: 'toRevision' });
  });

  it('requires positionEncoding utf-16', () => {
    const hello = frame([1, { version: [1, 0], positionEncoding: 'utf-8', clientId: 'c' }]);
    expect(decodeError(hello).message).toMatch(
      /Hello\.positionEncoding must be "utf-16"; got "utf-8"/,
    );
  });
});

describe('forward compatibility', () => {
  it('ignores fields it does not know', () => {
    const bytes = frame([21, { workspace: 'w', seq: 1, revision: 2, addedInV1_3: { x: 1 } }]);
    expect(decoded(bytes)).toEqual({ type: 'Ack', workspace: 'w', seq: 1, revision: 2 });
  });

  it('reads nil as an absent optional field', () => {
    const bytes = frame([10, { requestId: 1, workspace: 'w', create: null }]);
    expect(decoded(bytes)).toEqual({ type: 'Open', requestId: 1, workspace: 'w' });
  });

  it('accepts a newer minor version in Hello', () => {
    const hello = decoded(encodeMessage({ ...SAMPLE_MESSAGES.Hello, version: [1, 7] }));
    expect(hello).toMatchObject({ version: [1, 7] });
  });

  it('refuses another major version in Hello with UNSUPPORTED_VERSION, whatever else it holds', () => {
    const error = decodeError(frame([1, { version: [2, 3], brandNewField: true }]));
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toContain(
      `2.3 but the server speaks ${formatVersion(PROTOCOL_VERSION)};`,
    );
  });

  it('accepts any msgpack integer form and whole floats for integer fields', () => {
    // nonce as uint64, then as float64 2.0: encoders in other languages may choose either.
    const asUint64 = [
      0x92,
      0x28,
      0x81,
      0xa5,
      ...Buffer.from('nonce'),
      0xcf,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      7,
    ];
    expect(decoded(Uint8Array.from(asUint64))).toEqual({ type: 'Ping', nonce: 7 });
    const asFloat = [
      0x92,
      0x28,
      0x81,
      0xa5,
      ...Buffer.from('nonce'),
      0xcb,
      0x40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ];
    expect(decoded(Uint8Array.from(asFloat))).toEqual({ type: 'Ping', nonce: 2 });
    const negativeZero = [
      0x92,
      0x28,
      0x81,
      0xa5,
      ...Buffer.from('nonce'),
      0xcb,
      0x80,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ];
    expect(Object.is((decoded(Uint8Array.from(negativeZero)) as { nonce: number }).nonce, 0)).toBe(
      true,
    );
  });

  it('refuses integers beyond 2^53 and fractions in integer fields', () => {
    const huge = [0x92, 0x28, 0x81, 0xa5, ...Buffer.from('nonce'), 0xcf, 0xff, 0, 0, 0, 0, 0, 0, 0];
    expect(decodeError(huge).details).toMatchObject({ field: 'nonce' });
    expect(decodeError(frame([40, { nonce: 1.5 }])).details).toMatchObject({ field: 'nonce' });
  });
});

describe('strings', () => {
  it('keeps a leading byte-order mark in long strings (the library alone drops it)', () => {
    const content = `\uFEFF${'line of text\n'.repeat(40)}`;
    const state = workspaceOf({ format: 1, nodes: [['a:1', 'root', 'bom.txt', content]] });
    const again = decoded(encodeMessage({ ...SAMPLE_MESSAGES.Snapshot, state }));
    expect(again.type === 'Snapshot' && again.state.text('a:1')?.toString()).toBe(content);
  });

  it('keeps byte-order marks in long map keys and binary beside them intact', () => {
    const key = `\uFEFF${'k'.repeat(300)}`;
    const records = [
      { [key]: `\uFEFF${'v'.repeat(300)}`, bytes: Uint8Array.of(0xef, 0xbb, 0xbf, 1) },
    ];
    const again = decoded(encodeMessage({ type: 'LogRecords', requestId: 1, records }));
    expect(again).toEqual({ type: 'LogRecords', requestId: 1, records });
  });

  it('round-trips non-ASCII text of every UTF-8 length', () => {
    const message = `é中😀 ${'ü'.repeat(300)} \u{10FFFF}`;
    const error = { type: 'Goodbye' as const, error: { code: 'X', message } };
    expect(decoded(encodeMessage(error))).toEqual(error);
  });
});

describe('limits', () => {
  it('refuses a Presence state over maxPresenceStateBytes', () => {
    const presence = { ...SAMPLE_MESSAGES.Presence, state: { note: 'x'.repeat(5_000) } };
    const error = decodeError(encodeMessage(presence));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({
      limit: 'maxPresenceStateBytes',
      value: 4096,
      field: 'state',
    });
  });

  it('refuses a frame over maxFrameBytes before reading it', () => {
    const error = decodeError(new Uint8Array(101), { maxFrameBytes: 100 });
    expect(error.details).toEqual({ limit: 'maxFrameBytes', value: 100, actual: 101 });
  });

  it('throws on limits that are not whole numbers >= 1: a configuration bug', () => {
    expect(() => decodeMessage(new Uint8Array(1), { maxDepth: 0 })).toThrow(RangeError);
    expect(() => decodeMessage(new Uint8Array(1), { maxFrameBytes: 1.5 })).toThrow(RangeError);
    expect(() => decodeMessage(new Uint8Array(1), { maxDepth: 1_001 })).toThrow(RangeError);
  });
});

describe('binary', () => {
  it('copies binary out of the frame, so that the frame buffer may be reused', () => {
    const bytes = encodeMessage(SAMPLE_MESSAGES.SnapshotChunk);
    const chunk = decoded(bytes) as typeof SAMPLE_MESSAGES.SnapshotChunk;
    bytes.fill(0);
    expect(chunk.bytes).toEqual(SAMPLE_MESSAGES.SnapshotChunk.bytes);
  });
});

describe('validateMessage', () => {
  it('returns the message as the receiver would see it', () => {
    expect(validateMessage(SAMPLE_MESSAGES.Broadcast)).toEqual({
      ok: true,
      value: SAMPLE_MESSAGES.Broadcast,
    });
  });

  it('gives the error the receiver would get', () => {
    const result = validateMessage({ ...SAMPLE_MESSAGES.Ping, nonce: -1 });
    expect(result.ok || result.error.code).toBe('INVALID_PAYLOAD');
  });

  it('refuses what cannot be encoded without throwing', () => {
    const state = { fn: () => 1 } as unknown as Record<string, never>;
    const result = validateMessage({ ...SAMPLE_MESSAGES.Presence, state });
    expect(result.ok || result.error.code).toBe('INVALID_PAYLOAD');
  });
});

describe('encodeMessage', () => {
  it('throws a TypeError for an object that is no message: a caller bug', () => {
    expect(() => encodeMessage({ type: 'Nope' } as unknown as Message)).toThrow(TypeError);
  });

  it('never changes a frame it returned, however many follow it', () => {
    // About 100 bytes each: 1,500 of them fill the 64 KiB slab more than twice.
    const kept = Array.from({ length: 1_500 }, (_, i) => {
      const message = { ...SAMPLE_MESSAGES.Submit, seq: i + 1 };
      return { message, frame: encodeMessage(message), copy: encodeMessage(message).slice() };
    });
    for (const { message, frame, copy } of kept) {
      expect(frame).toEqual(copy);
      expect(decodeMessage(frame)).toEqual({ ok: true, value: message });
    }
  });

  it('leaves out undefined optional fields', () => {
    const open = { type: 'Open', requestId: 1, workspace: 'w', create: undefined } as const;
    expect(encodeMessage(open)).toEqual(
      encodeMessage({ type: 'Open', requestId: 1, workspace: 'w' }),
    );
  });
});

describe('maySend', () => {
  it('follows the direction column of the table', () => {
    expect(maySend('Submit', 'client')).toBe(true);
    expect(maySend('Submit', 'server')).toBe(false);
    expect(maySend('Broadcast', 'client')).toBe(false);
    expect(maySend('Ping', 'client')).toBe(true);
    expect(maySend('Ping', 'server')).toBe(true);
  });
});
