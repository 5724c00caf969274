/** Counts events over the last `seconds` seconds, for ops-per-second figures in stats. */
export class RateMeter {
  private readonly counts: number[];
  private second = 0;

  constructor(
    private readonly seconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = new Array(seconds).fill(0);
  }

  /** Records `n` events now. */
  record(n = 1): void {
    this.advance();
    this.counts[this.second % this.seconds]! += n;
  }

  /** Events per second, averaged over the window. */
  perSecond(): number {
    this.advance();
    let total = 0;
    for (const c of this.counts) total += c;
    return total / this.seconds;
  }

  private advance(): void {
    const current = Math.floor(this.now() / 1000);
    if (this.second === 0) this.second = current;
    const gap = Math.min(current - this.second, this.seconds);
    for (let i = 1; i <= gap; i++) this.counts[(this.second + i) % this.seconds] = 0;
    this.second = current;
  }
}
