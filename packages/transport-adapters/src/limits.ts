/**
 * Every limit and timeout a server applies to its connections. Each has a default in
 * {@link DEFAULT_CONNECTION_LIMITS}; docs/transports.md explains each and what a peer that breaks
 * it sees. Timeouts of `0` and counts or rates of `Infinity` switch a check off.
 */
export interface ConnectionLimits {
  /**
   * The largest frame, in bytes, sent or accepted. A larger inbound frame closes the connection
   * with `LIMIT_EXCEEDED` before its body is buffered; `send` refuses a larger outbound one.
   */
  readonly maxFrameSize: number;
  /** `send` answers `false` once this many bytes wait in the send buffer: wait for drain. */
  readonly highWaterMark: number;
  /**
   * A peer that leaves more than this many bytes unread in its send buffer is terminated with
   * `SLOW_CONSUMER`, so that a reader that stopped cannot grow server memory. At least
   * `maxFrameSize`.
   */
  readonly maxBufferedBytes: number;
  /** Connections a listener holds at once; more are refused with `TOO_MANY_CONNECTIONS`. */
  readonly maxConnections: number;
  /** Connections from one remote address at once; more are refused with `TOO_MANY_CONNECTIONS`. */
  readonly maxConnectionsPerAddress: number;
  /** Milliseconds a new connection has to complete its handshake (`markReady`), else `HANDSHAKE_TIMEOUT`. */
  readonly handshakeTimeoutMs: number;
  /** After this many milliseconds without an inbound frame, the manager calls `sendPing`. */
  readonly pingIntervalMs: number;
  /** After this many milliseconds without an inbound frame, the connection closes with `HEARTBEAT_TIMEOUT`. */
  readonly heartbeatTimeoutMs: number;
  /** Inbound frames per second a connection may send on average (the token bucket's refill rate). */
  readonly messagesPerSecond: number;
  /** Inbound frames a connection may send at once above its rate (the token bucket's size). */
  readonly messageBurst: number;
  /** Milliseconds a close may take to complete its handshake before the connection is cut. */
  readonly closeTimeoutMs: number;
}

/** The defaults: generous for people and agents, small enough that a hostile peer costs little. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  maxFrameSize: 8 * 1024 * 1024,
  highWaterMark: 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 64,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 15_000,
  heartbeatTimeoutMs: 45_000,
  messagesPerSecond: 200,
  messageBurst: 400,
  closeTimeoutMs: 5_000,
});

/** The options every connection takes, client or server: a subset of {@link ConnectionLimits}. */
export type ConnectionOptions = Partial<
  Pick<ConnectionLimits, 'maxFrameSize' | 'highWaterMark' | 'closeTimeoutMs'>
>;

/** The per-connection options after defaults were filled in. */
export type ResolvedConnectionOptions = Required<ConnectionOptions>;

const countKeys = ['maxConnections', 'maxConnectionsPerAddress'] as const;
const rateKeys = ['messagesPerSecond', 'messageBurst'] as const;
const byteKeys = ['maxFrameSize', 'highWaterMark', 'maxBufferedBytes'] as const;
const timeKeys = [
  'handshakeTimeoutMs',
  'pingIntervalMs',
  'heartbeatTimeoutMs',
  'closeTimeoutMs',
] as const;

/**
 * Fills in defaults and checks that the limits make sense together. Throws a `RangeError` for a
 * limit that is not a number of the right kind: that is a mistake in the program, not bad input.
 */
export function resolveLimits(limits: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const resolved = { ...DEFAULT_CONNECTION_LIMITS, ...withoutUndefined(limits) };
  for (const key of [...countKeys, ...byteKeys]) {
    const value = resolved[key];
    if (!(Number.isSafeInteger(value) && value > 0) && !(value === Infinity && isCount(key))) {
      throw new RangeError(`${key} must be a whole number above 0, not ${value}.`);
    }
  }
  for (const key of rateKeys) {
    if (!(resolved[key] > 0)) throw new RangeError(`${key} must be above 0, not ${resolved[key]}.`);
  }
  for (const key of timeKeys) {
    const value = resolved[key];
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${key} must be a number of milliseconds >= 0, not ${value}.`);
    }
  }
  if (resolved.maxBufferedBytes < resolved.maxFrameSize) {
    throw new RangeError(
      `maxBufferedBytes (${resolved.maxBufferedBytes}) must be at least maxFrameSize (${resolved.maxFrameSize}), or one large frame would cut off a healthy reader.`,
    );
  }
  if (resolved.highWaterMark > resolved.maxBufferedBytes) {
    throw new RangeError(
      `highWaterMark (${resolved.highWaterMark}) must not exceed maxBufferedBytes (${resolved.maxBufferedBytes}).`,
    );
  }
  return Object.freeze(resolved);
}

/** Fills in defaults for a single connection's options. */
export function resolveConnectionOptions(
  options: ConnectionOptions = {},
): ResolvedConnectionOptions {
  const { maxFrameSize, highWaterMark, closeTimeoutMs } = resolveLimits({
    ...options,
    // A client may pick any frame size: keep the server-only bound from rejecting it.
    maxBufferedBytes: Math.max(
      DEFAULT_CONNECTION_LIMITS.maxBufferedBytes,
      options.maxFrameSize ?? 0,
      options.highWaterMark ?? 0,
    ),
  });
  return { maxFrameSize, highWaterMark, closeTimeoutMs };
}

function isCount(key: string): boolean {
  return (countKeys as readonly string[]).includes(key);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
