import { describe, expect, it } from 'vitest';
import {
  closeTextString,
  encodeCloseText,
  parseCloseText,
  parseWebSocketClose,
  WEBSOCKET_CLOSE_TEXT_BYTES,
  websocketStatusFor,
} from '../src/close-reason.js';

describe('close reasons on the wire', () => {
  it('round-trips a code and reason as `CODE: reason`', () => {
    const text = encodeCloseText('RATE_LIMITED', 'Slow down: 10/s.', 1_000);
    expect(new TextDecoder().decode(text)).toBe('RATE_LIMITED: Slow down: 10/s.');
    expect(parseCloseText(text)).toEqual({ code: 'RATE_LIMITED', reason: 'Slow down: 10/s.' });
  });

  it('cuts a long reason to the byte budget at a character boundary', () => {
    const reason = 'ü'.repeat(200);
    const text = closeTextString('SLOW_CONSUMER', reason, WEBSOCKET_CLOSE_TEXT_BYTES);
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(WEBSOCKET_CLOSE_TEXT_BYTES);
    expect(text).not.toContain('\uFFFD');
    expect(parseCloseText(text)?.code).toBe('SLOW_CONSUMER');
  });

  it('uses statuses a browser may send: 1000 for NORMAL, 4000-4999 for every other code', () => {
    expect(websocketStatusFor('NORMAL')).toBe(1000);
    for (const code of ['LIMIT_EXCEEDED', 'RATE_LIMITED', 'INVALID_OP'] as const) {
      expect(websocketStatusFor(code)).toBeGreaterThanOrEqual(4000);
      expect(websocketStatusFor(code)).toBeLessThan(5000);
    }
  });

  it('reads a close without a Dist-Space reason from its status', () => {
    expect(parseWebSocketClose(1009, '')).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(parseWebSocketClose(1006, '')).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(parseWebSocketClose(1001, '')).toMatchObject({ code: 'NORMAL' });
    expect(parseWebSocketClose(4029, '')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(parseWebSocketClose(4099, 'not ours')).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(parseWebSocketClose(4099, 'UNAUTHORIZED: bad token')).toEqual({
      code: 'UNAUTHORIZED',
      reason: 'bad token',
    });
  });
});
