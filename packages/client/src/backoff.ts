/** How reconnects are spaced: exponential backoff with jitter. */
export interface ReconnectOptions {
  /** The first wait, in ms. Default 250. */
  readonly initialDelayMs?: number;
  /** The longest wait, in ms. Default 10,000. */
  readonly maxDelayMs?: number;
  /** Each failed attempt multiplies the wait by this. Default 2. */
  readonly factor?: number;
  /** The wait is drawn from [delay × (1 − jitter), delay]. Default 0.5. */
  readonly jitter?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  readonly maxAttempts?: number;
}

/** The wait before reconnect attempt `attempt` (0 for the first). */
export function backoffDelay(
  attempt: number,
  options: ReconnectOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const delay = Math.min(max, initial * factor ** attempt);
  return delay * (1 - jitter * random());
}
