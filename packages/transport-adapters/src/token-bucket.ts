import { realScheduler } from './scheduler.js';

/** What {@link TokenBucket.take} decided about one frame. */
export type TokenDecision = 'accept' | 'drop' | 'exhausted';

/**
 * A token bucket that goes into debt. It holds up to `burst` tokens and refills at `ratePerSecond`.
 * Every frame takes a token, whether it is accepted or not: a frame that finds less than one token
 * is dropped (`drop`), and the bucket's balance keeps falling. When the debt reaches a whole
 * `burst` (the peer sent a second burst's worth of frames beyond its rate without slowing down),
 * the answer is `exhausted` and the caller closes the connection. A peer that only overshoots
 * briefly loses a few frames and recovers as the bucket refills.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  /**
   * @param ratePerSecond - tokens added per second; `Infinity` accepts everything
   * @param burst - the most tokens the bucket holds, and the debt at which it is exhausted
   * @param clock - milliseconds on a monotonic clock (injectable for tests)
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = realScheduler.now,
  ) {
    this.tokens = burst;
    this.lastRefill = clock();
  }

  /** Takes a token for one frame and says what to do with the frame. */
  take(): TokenDecision {
    if (this.ratePerSecond === Infinity) return 'accept';
    const time = this.clock();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((time - this.lastRefill) / 1000) * this.ratePerSecond,
    );
    this.lastRefill = time;
    const hadToken = this.tokens >= 1;
    this.tokens -= 1;
    if (hadToken) return 'accept';
    return this.tokens <= -this.burst ? 'exhausted' : 'drop';
  }
}
