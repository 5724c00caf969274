import {
  DEFAULT_PROTOCOL_LIMITS,
  messageFromValue,
  messageToValue,
  resolveProtocolLimits,
} from '@dist-space/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

describe('messageToValue and messageFromValue', () => {
  it('give the envelope with changes in their tuple wire form', () => {
    expect(messageToValue(SAMPLE_MESSAGES.Submit)).toEqual([
      20,
      {
        workspace: 'acme.web-app',
        baseRevision: 1_284,
        clientId: 'alice-laptop_7f3a',
        seq: 17,
        change: [[4, 'alice:7', [[0, 42, 'x']]]],
      },
    ]);
  });

  it('read a message back from JSON with the same validation', () => {
    const json = JSON.parse(JSON.stringify(messageToValue(SAMPLE_MESSAGES.Broadcast)));
    expect(messageFromValue(json)).toEqual({ ok: true, value: SAMPLE_MESSAGES.Broadcast });
    const bad = messageFromValue([21, { workspace: 'w', seq: 1, revision: 0 }]);
    expect(bad.ok || bad.error.details).toMatchObject({ type: 'Ack', field: 'revision' });
  });

  it('refuse, without throwing, a presence state too deep to encode', () => {
    let state: unknown = 0;
    for (let i = 0; i < 2_000; i++) state = { nested: state };
    const result = messageFromValue([30, { workspace: 'w', revision: 1, files: {}, state }]);
    expect(result.ok || result.error.details).toMatchObject({ type: 'Presence', field: 'state' });
  });

  it('never throw on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(1, 10, 20, 23, 30, 61), (payload, id) => {
        for (const envelope of [payload, [id, payload]]) {
          const result = messageFromValue(envelope);
          if (result.ok) expect(messageFromValue(messageToValue(result.value))).toEqual(result);
        }
      }),
    );
  });
});

describe('resolveProtocolLimits', () => {
  it('fills what is left out from the defaults, once per object', () => {
    const partial = { maxDepth: 16 };
    const resolved = resolveProtocolLimits(partial);
    expect(resolved).toEqual({ ...DEFAULT_PROTOCOL_LIMITS, maxDepth: 16 });
    expect(resolveProtocolLimits(partial)).toBe(resolved);
    expect(resolveProtocolLimits({ maxDepth: undefined } as never)).toEqual(
      DEFAULT_PROTOCOL_LIMITS,
    );
  });
});
