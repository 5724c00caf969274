import type { CloseCode } from './connection.js';

/**
 * How a close code and reason travel as text: `CODE: reason`, UTF-8. The TCP close frame and the
 * WebSocket close reason both carry this form, so any `DistSpaceError` code crosses any transport.
 */
const closeTextPattern = /^([A-Z][A-Z0-9_]*): ?([\s\S]*)$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The largest close text a WebSocket close frame can carry (125 bytes less the 2-byte code). */
export const WEBSOCKET_CLOSE_TEXT_BYTES = 123;

/** The largest close text a TCP close frame carries. */
export const TCP_CLOSE_TEXT_BYTES = 1_000;

/** Encodes `code` and `reason` as `CODE: reason` in at most `maxBytes` UTF-8 bytes. */
export function encodeCloseText(code: CloseCode, reason: string, maxBytes: number): Uint8Array {
  const bytes = encoder.encode(`${code}: ${reason}`);
  if (bytes.length <= maxBytes) return bytes;
  // Cut at a character boundary: UTF-8 continuation bytes look like 0b10xxxxxx.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** The same as {@link encodeCloseText}, as a string (what the WebSocket API takes). */
export function closeTextString(code: CloseCode, reason: string, maxBytes: number): string {
  return decoder.decode(encodeCloseText(code, reason, maxBytes));
}

/** Reads `CODE: reason` back; `undefined` when the text is not of that form. */
export function parseCloseText(
  text: string | Uint8Array,
): { code: CloseCode; reason: string } | undefined {
  const match = closeTextPattern.exec(typeof text === 'string' ? text : decoder.decode(text));
  if (match === null) return undefined;
  return { code: match[1] as CloseCode, reason: match[2] ?? '' };
}

/**
 * WebSocket close status codes. Browsers may only send 1000 or 3000-4999, so every code but
 * `NORMAL` maps into the private range 4000-4999; the reason text carries the code by name
 * anyway, and these numbers only help people reading a browser's network panel.
 */
const websocketStatusByCode: Readonly<Record<string, number>> = {
  NORMAL: 1000,
  CONNECTION_CLOSED: 4000,
  LIMIT_EXCEEDED: 4009,
  MALFORMED_FRAME: 4002,
  HEARTBEAT_TIMEOUT: 4010,
  HANDSHAKE_TIMEOUT: 4011,
  TOO_MANY_CONNECTIONS: 4013,
  RATE_LIMITED: 4029,
  SLOW_CONSUMER: 4030,
  SHUTTING_DOWN: 4001,
};

/** Any other `DistSpaceError` code (one from a layer above) is sent with this status. */
const otherErrorStatus = 4099;

/** The WebSocket status code to send for `code`. */
export function websocketStatusFor(code: CloseCode): number {
  return websocketStatusByCode[code] ?? otherErrorStatus;
}

/** What a status code means when the reason text does not say (a peer that is not Dist-Space). */
function codeForWebsocketStatus(status: number): { code: CloseCode; reason: string } {
  for (const [code, value] of Object.entries(websocketStatusByCode)) {
    if (value === status && status !== otherErrorStatus) {
      return { code: code as CloseCode, reason: `The peer closed the connection (${code}).` };
    }
  }
  switch (status) {
    case 1001:
      return { code: 'NORMAL', reason: 'The peer went away (WebSocket status 1001).' };
    case 1009:
      return {
        code: 'LIMIT_EXCEEDED',
        reason: 'A frame was larger than the receiver allows (WebSocket status 1009).',
      };
    case 1002:
    case 1003:
    case 1007:
      return {
        code: 'MALFORMED_FRAME',
        reason: `The peer rejected a frame as malformed (WebSocket status ${status}).`,
      };
    default:
      return {
        code: 'CONNECTION_CLOSED',
        reason: `The connection closed without a Dist-Space reason (WebSocket status ${status}).`,
      };
  }
}

/** Reads a received WebSocket close: the code from the reason text if it has one, else the status. */
export function parseWebSocketClose(
  status: number,
  reason: string | Uint8Array,
): { code: CloseCode; reason: string } {
  return parseCloseText(reason) ?? codeForWebsocketStatus(status);
}
