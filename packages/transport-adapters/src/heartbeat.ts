import { realScheduler, type Scheduler, startTimer, type TimerHandle } from './scheduler.js';

/** What a {@link HeartbeatMonitor} watches for and whom it tells. */
export interface HeartbeatOptions {
  /** After this many milliseconds without an inbound frame, `sendPing` is called (0: never). */
  readonly pingIntervalMs: number;
  /** After this many milliseconds without an inbound frame, `onTimeout` is called (0: never). */
  readonly heartbeatTimeoutMs: number;
  /** Sends whatever the layer above uses as a ping; the peer's reply (any frame) is liveness. */
  readonly sendPing?: () => void;
  /** Called once when the peer has been silent for `heartbeatTimeoutMs`. */
  readonly onTimeout: () => void;
  /** The clock; the real one by default. */
  readonly scheduler?: Scheduler;
}

/**
 * Watches one connection for silence. Any inbound frame counts as a sign of life
 * ({@link HeartbeatMonitor.touch} is cheap: it records a time and sets no timer). After
 * `pingIntervalMs` of silence the monitor asks for a ping, once per silence; after
 * `heartbeatTimeoutMs` it reports the peer dead. One timer per connection, re-armed only when it
 * fires, so a busy connection costs no timer churn.
 */
export class HeartbeatMonitor {
  private lastHeard: number;
  private pingedSince = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: HeartbeatOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.lastHeard = this.scheduler.now();
    this.schedule();
  }

  /** Records a sign of life from the peer. */
  touch(): void {
    this.lastHeard = this.scheduler.now();
    this.pingedSince = false;
  }

  /** Stops watching (the connection closed). */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    const { pingIntervalMs, heartbeatTimeoutMs } = this.options;
    const deadlines = [
      heartbeatTimeoutMs > 0 ? this.lastHeard + heartbeatTimeoutMs : Infinity,
      pingIntervalMs > 0 && !this.pingedSince ? this.lastHeard + pingIntervalMs : Infinity,
    ];
    const next = Math.min(...deadlines);
    if (next === Infinity) return;
    // Wake at least 1 ms later so that a deadline that is due now cannot spin.
    this.timer = startTimer(this.scheduler, Math.max(1, next - this.scheduler.now()), () =>
      this.check(),
    );
  }

  private check(): void {
    if (this.stopped) return;
    const { pingIntervalMs, heartbeatTimeoutMs } = this.options;
    const silentFor = this.scheduler.now() - this.lastHeard;
    if (heartbeatTimeoutMs > 0 && silentFor >= heartbeatTimeoutMs) {
      this.stopped = true;
      this.options.onTimeout();
      return;
    }
    if (pingIntervalMs > 0 && !this.pingedSince && silentFor >= pingIntervalMs) {
      this.pingedSince = true;
      this.options.sendPing?.();
    }
    this.schedule();
  }
}
