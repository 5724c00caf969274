import { DistSpaceError } from '@dist-space/ot-core';

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /**
     * A frame is not one well-formed msgpack value of the protocol's subset, or not an envelope
     * `[typeId, payload]`: truncated, trailing bytes, invalid UTF-8, an extension type, a map key
     * that is not a string.
     */
    MALFORMED_FRAME: true;
    /** An envelope names a message type id this peer does not know. */
    UNKNOWN_TYPE: true;
    /** A message's payload lacks a field, or a field has the wrong type or an invalid value. */
    INVALID_PAYLOAD: true;
    /** The peers speak protocol versions with different major numbers. */
    UNSUPPORTED_VERSION: true;
    /**
     * The server no longer retains the changes a client asked for (its revision is older than the
     * oldest retained one): the client must take a fresh snapshot and rebase its pending edits.
     */
    REBASE_REQUIRED: true;
  }
}

/** Builds the `MALFORMED_FRAME` error for a frame that is not a protocol envelope. */
export function malformedFrame(why: string, details: Record<string, unknown> = {}): DistSpaceError {
  return new DistSpaceError('MALFORMED_FRAME', `The frame is malformed: ${why}.`, details);
}

/**
 * Builds the `LIMIT_EXCEEDED` error for a configured limit. `details.limit` names the limit as
 * in {@link ProtocolLimits}, `details.value` is its value and `details.actual` what was seen.
 */
export function limitExceeded(
  limit: string,
  value: number,
  actual: number | undefined,
  what: string,
): DistSpaceError {
  const seen = actual === undefined ? '' : ` (got ${actual})`;
  return new DistSpaceError(
    'LIMIT_EXCEEDED',
    `${what} exceeds the limit ${limit} = ${value}${seen}; split the data, or raise the limit where the peer is trusted.`,
    actual === undefined ? { limit, value } : { limit, value, actual },
  );
}
