import { DistSpaceError, type ErrorCode, isWellFormed } from '@dist-space/ot-core';
import {
  errorFromPayload,
  errorToPayload,
  formatVersion,
  MAX_ERROR_MESSAGE_LENGTH,
  negotiateVersion,
  PROTOCOL_VERSION,
} from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';

describe('negotiateVersion', () => {
  it('speaks 1.1', () => {
    expect(formatVersion(PROTOCOL_VERSION)).toBe('1.1');
  });

  it('accepts the same major, using the lower minor', () => {
    expect(negotiateVersion([1, 0], [1, 0])).toEqual({ ok: true, value: [1, 0] });
    expect(negotiateVersion([1, 4], [1, 2])).toEqual({ ok: true, value: [1, 2] });
    expect(negotiateVersion([1, 1], [1, 3])).toEqual({ ok: true, value: [1, 1] });
  });

  it('refuses another major, naming both versions and what to upgrade', () => {
    const newer = negotiateVersion([2, 1], [1, 0]);
    expect(newer.ok).toBe(false);
    if (newer.ok) return;
    expect(newer.error.code).toBe('UNSUPPORTED_VERSION');
    expect(newer.error.message).toBe(
      'The client speaks protocol 2.1 but the server speaks 1.0; different major versions cannot talk. Upgrade the server.',
    );
    expect(newer.error.details).toEqual({ clientVersion: [2, 1], serverVersion: [1, 0] });
    const older = negotiateVersion([0, 9], [1, 0]);
    expect(older.ok || older.error.message).toMatch(/0\.9 .* 1\.0.*Upgrade the client\.$/);
  });
});

describe('ErrorPayload', () => {
  it('carries a DistSpaceError there and back', () => {
    const error = new DistSpaceError('REBASE_REQUIRED', 'Revision 3 is no longer kept.', {
      sinceRevision: 3,
      oldestRevision: 100,
    });
    const payload = errorToPayload(error);
    expect(payload).toEqual(error.toJSON());
    const back = errorFromPayload(payload);
    expect(back).toBeInstanceOf(DistSpaceError);
    expect(back.toJSON()).toEqual(error.toJSON());
  });

  it('leaves out empty details', () => {
    expect(errorToPayload(new DistSpaceError('UNKNOWN_TYPE', 'x'))).toEqual({
      code: 'UNKNOWN_TYPE',
      message: 'x',
    });
  });

  it('keeps a code this version does not know, as a string', () => {
    const back = errorFromPayload({ code: 'QUOTA_EXCEEDED_V9', message: 'Too many workspaces.' });
    expect(back.code as string).toBe('QUOTA_EXCEEDED_V9');
    expect(back.details).toEqual({});
  });

  it('cuts a long message to the bound, never inside a surrogate pair', () => {
    const long = `${'a'.repeat(MAX_ERROR_MESSAGE_LENGTH - 2)}😀😀`;
    const { message } = errorToPayload(new DistSpaceError('INVALID_PAYLOAD' as ErrorCode, long));
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(message.endsWith('…')).toBe(true);
    expect(isWellFormed(message)).toBe(true);
  });
});
