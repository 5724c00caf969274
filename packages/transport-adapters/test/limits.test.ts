import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS, resolveLimits } from '../src/index.js';

describe('connection limits', () => {
  it('fills in every default', () => {
    expect(resolveLimits()).toEqual(DEFAULT_CONNECTION_LIMITS);
    expect(resolveLimits({ maxConnections: 5, pingIntervalMs: undefined })).toEqual({
      ...DEFAULT_CONNECTION_LIMITS,
      maxConnections: 5,
    });
  });

  it('accepts Infinity for counts and rates, 0 for timeouts', () => {
    expect(
      resolveLimits({
        maxConnections: Infinity,
        messagesPerSecond: Infinity,
        handshakeTimeoutMs: 0,
      }),
    ).toMatchObject({
      maxConnections: Infinity,
      messagesPerSecond: Infinity,
      handshakeTimeoutMs: 0,
    });
  });

  it('rejects limits that are not numbers of the right kind, or do not fit together', () => {
    expect(() => resolveLimits({ maxFrameSize: 0 })).toThrow(/maxFrameSize/);
    expect(() => resolveLimits({ maxFrameSize: 1.5 })).toThrow(/maxFrameSize/);
    expect(() => resolveLimits({ maxFrameSize: Infinity })).toThrow(/maxFrameSize/);
    expect(() => resolveLimits({ heartbeatTimeoutMs: -1 })).toThrow(/heartbeatTimeoutMs/);
    expect(() => resolveLimits({ messagesPerSecond: 0 })).toThrow(/messagesPerSecond/);
    expect(() => resolveLimits({ maxFrameSize: 100, maxBufferedBytes: 50 })).toThrow(
      /maxBufferedBytes/,
    );
    expect(() =>
      resolveLimits({ highWaterMark: 100, maxBufferedBytes: 50, maxFrameSize: 10 }),
    ).toThrow(/highWaterMark/);
  });
});
