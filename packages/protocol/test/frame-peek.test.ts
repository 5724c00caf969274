import { decodeMessage, encodeMessage, type Message } from '@dist-space/protocol';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { peekFrameAddress } from '../src/frame-peek.js';
import { anyMessage } from './support/arbitraries.js';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

// A frame refused whole for a limit still says whom it is for, so that a Submit refused so gets
// the Reject of its seq (a client waits for it before sending more) and a request its Error.

const STRINGS_OF_4_KIB = { maxStringBytes: 4_096 };

function refused(value: unknown) {
  const result = decodeMessage(encode(value), STRINGS_OF_4_KIB);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('a frame refused for a limit', () => {
  it("carries a Submit's workspace and seq, read before its change", () => {
    const error = refused([
      20,
      { workspace: 'acme', baseRevision: 3, clientId: 'c1', seq: 17, change: ['x'.repeat(5_000)] },
    ]);
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.details).toEqual({
      limit: 'maxStringBytes',
      value: 4_096,
      actual: 5_000,
      type: 'Submit',
      workspace: 'acme',
      seq: 17,
    });
  });

  it("carries a request's id, and nothing it could not read", () => {
    const error = refused([10, { requestId: 9, workspace: 'w'.repeat(5_000) }]);
    expect(error.details).toMatchObject({ type: 'Open', requestId: 9 });
    expect(error.details).not.toHaveProperty('workspace');
  });

  it('reads no workspace id the field itself would refuse: the address goes back out', () => {
    const error = refused([20, { workspace: '../etc', seq: 4, change: ['x'.repeat(5_000)] }]);
    expect(error.details).toMatchObject({ type: 'Submit', seq: 4 });
    expect(error.details).not.toHaveProperty('workspace');
  });

  it('stops at the first value that is no scalar: fields after the change stay unread', () => {
    const error = refused([
      20,
      { workspace: 'acme', change: ['x'.repeat(5_000)], seq: 17, baseRevision: 3, clientId: 'c' },
    ]);
    expect(error.details).toMatchObject({ type: 'Submit', workspace: 'acme' });
    expect(error.details).not.toHaveProperty('seq');
  });

  it('adds nothing to a frame that is no envelope of a known type', () => {
    for (const value of [['x'.repeat(5_000)], [999, { seq: 1, s: 'x'.repeat(5_000) }]]) {
      expect(refused(value).details).toEqual({
        limit: 'maxStringBytes',
        value: 4_096,
        actual: 5_000,
      });
    }
  });
});

describe('peekFrameAddress', () => {
  it('reads what every encoded message says of its address', async () => {
    await assertInChunks(
      fc.property(anyMessage, (message: Message) => {
        const fields = message as unknown as Record<string, unknown>;
        const address = peekFrameAddress(encodeMessage(message));
        expect(address?.type).toBe(message.type);
        // Read until the first field that is no scalar: what it read is what the message holds.
        for (const key of ['requestId', 'workspace', 'seq'] as const) {
          const read = address?.[key];
          if (read !== undefined) expect(read).toBe(fields[key]);
        }
        // A Submit's address comes before its change, and is always read.
        if (message.type === 'Submit') {
          expect(address).toMatchObject({ workspace: message.workspace, seq: message.seq });
        }
      }),
    );
  });

  it('reads the address of a sample Submit and never throws on cut or random bytes', async () => {
    const submit = encodeMessage(SAMPLE_MESSAGES.Submit);
    expect(peekFrameAddress(submit)).toEqual({
      type: 'Submit',
      workspace: 'acme.web-app',
      seq: 17,
    });
    for (let end = 0; end < submit.length; end++) peekFrameAddress(submit.subarray(0, end));
    await assertInChunks(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const address = peekFrameAddress(bytes);
        if (address !== undefined) expect(typeof address.type).toBe('string');
      }),
    );
  });
});
