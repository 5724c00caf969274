import { DEFAULT_PROTOCOL_LIMITS, type MessageOf, PROTOCOL_VERSION } from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';
import { TERMS_BEFORE_WELCOME, termsFrom, textPerFrame } from '../src/session-terms.js';

const MiB = 1024 * 1024;

function welcome(
  limits: Partial<MessageOf<'Welcome'>['limits']> = {},
  scopes?: readonly string[],
): MessageOf<'Welcome'> {
  return {
    type: 'Welcome',
    version: PROTOCOL_VERSION,
    sessionId: 's1',
    clientId: 'c1',
    subject: 'alice',
    heartbeatMs: 1000,
    limits: {
      maxFrameBytes: 2 * MiB,
      maxOpsPerChange: 500,
      maxFileSize: 1000,
      maxPathBytes: 300,
      maxPresenceStateBytes: 4096,
      ...limits,
    },
    ...(scopes ? { scopes } : {}),
  };
}

describe('termsFrom', () => {
  it('takes who the client is and the plain limits from the Welcome', () => {
    const terms = termsFrom(welcome(), Number.POSITIVE_INFINITY);
    expect(terms.subject).toBe('alice');
    expect(terms.sessionId).toBe('s1');
    expect(terms.maxOpsPerChange).toBe(500);
    expect(terms.maxFileSize).toBe(1000);
  });

  it('sends frames no larger than both the server and the connection take', () => {
    expect(termsFrom(welcome(), 64 * 1024).maxFrameBytes).toBe(64 * 1024);
    expect(termsFrom(welcome(), 8 * MiB).maxFrameBytes).toBe(2 * MiB);
  });

  it('takes the default string limit from a server that states none (before 1.1)', () => {
    expect(termsFrom(welcome(), 8 * MiB).maxStringBytes).toBe(
      DEFAULT_PROTOCOL_LIMITS.maxStringBytes,
    );
    expect(termsFrom(welcome({ maxStringBytes: 1000 }), 8 * MiB).maxStringBytes).toBe(1000);
  });

  it('maps the path limits to the names vfs-workspace uses, only those stated', () => {
    expect(termsFrom(welcome(), 8 * MiB).pathLimits).toEqual({ maxPathBytes: 300 });
    expect(termsFrom(welcome({ maxNameBytes: 40, maxPathDepth: 7 }), 8 * MiB).pathLimits).toEqual({
      maxPathBytes: 300,
      maxSegmentBytes: 40,
      maxDepth: 7,
    });
  });

  it('reads the scopes, and ignores them all when one does not parse', () => {
    expect(termsFrom(welcome(), 8 * MiB).capabilities).toBeUndefined();
    const read = termsFrom(welcome({}, ['read:**', '!write:secret/**']), 8 * MiB);
    expect(read.capabilities?.toStrings()).toEqual(['read:**', '!write:secret/**']);
    expect(termsFrom(welcome({}, ['read:**', 'fly:**']), 8 * MiB).capabilities).toBeUndefined();
  });

  it('accepts frames as large as the Welcome announces and strings as long as a file, never less than the defaults', () => {
    const small = termsFrom(welcome({ maxFrameBytes: 1024 }), 8 * MiB).decodeLimits;
    expect(small.maxFrameBytes).toBe(DEFAULT_PROTOCOL_LIMITS.maxFrameBytes);
    expect(small.maxStringBytes).toBe(DEFAULT_PROTOCOL_LIMITS.maxStringBytes);
    const large = termsFrom(
      welcome({ maxFrameBytes: 16 * MiB, maxFileSize: 10 * MiB }),
      8 * MiB,
    ).decodeLimits;
    expect(large.maxFrameBytes).toBe(16 * MiB);
    expect(large.maxStringBytes).toBe(30 * MiB);
    expect(large.maxArrayLength).toBe(DEFAULT_PROTOCOL_LIMITS.maxArrayLength);
  });

  it('starts from no limits but the protocol defaults before any Welcome', () => {
    expect(TERMS_BEFORE_WELCOME.maxFrameBytes).toBe(Number.POSITIVE_INFINITY);
    expect(TERMS_BEFORE_WELCOME.decodeLimits).toBe(DEFAULT_PROTOCOL_LIMITS);
    expect(TERMS_BEFORE_WELCOME.capabilities).toBeUndefined();
  });
});

describe('textPerFrame', () => {
  it('is a quarter of the smaller of the frame and string limits', () => {
    expect(textPerFrame(4000, 10_000)).toBe(1000);
    expect(textPerFrame(10_000, 4001)).toBe(1000);
  });

  it('lets at least 64 code units through however small the frames', () => {
    expect(textPerFrame(10, 10)).toBe(64);
  });
});
