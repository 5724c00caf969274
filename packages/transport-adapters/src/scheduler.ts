/** A timer that can be cancelled. */
export interface TimerHandle {
  /** Stops the timer if it has not fired yet. */
  cancel(): void;
}

/**
 * Where connections, heartbeats and rate limits get the time and their timers. The default is the
 * real clock; a simulation passes a {@link ManualScheduler} to the in-memory network and its
 * listeners and moves time forward itself, so that a run depends only on its seed.
 */
export interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `callback` once, `ms` milliseconds from now. */
  setTimer(ms: number, callback: () => void): TimerHandle;
}

/**
 * The real clock. Every timer a connection sets is cancelled when it closes, so timers never keep
 * a process alive after its connections are gone.
 */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Runs `callback` after `ms` milliseconds on `scheduler`; `ms` of 0 switches the timer off. */
export function startTimer(scheduler: Scheduler, ms: number, callback: () => void): TimerHandle {
  if (ms <= 0) return { cancel() {} };
  return scheduler.setTimer(ms, callback);
}

interface ManualTimer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers due at the same time run in the order they were
 * set, so a simulation driven by it (and a seeded random source) replays exactly.
 */
export class ManualScheduler implements Scheduler {
  private time = 0;
  private order = 0;
  private timers: ManualTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: ManualTimer = {
      due: this.time + Math.max(0, ms),
      order: this.order++,
      callback,
      cancelled: false,
    };
    // Keep the list sorted by (due, order): insert after every timer that is not later.
    let index = this.timers.length;
    while (index > 0 && (this.timers[index - 1]?.due ?? 0) > timer.due) index--;
    this.timers.splice(index, 0, timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** The number of timers waiting to run. */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /**
   * Moves the clock forward by `ms`, running every timer that falls due on the way in order,
   * including timers those timers set. Awaits a macrotask between timers, so that promise
   * callbacks and microtasks they trigger run as they would on a real clock.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers[0];
      if (next === undefined || next.due > end) break;
      this.timers.shift();
      if (next.cancelled) continue;
      this.time = next.due;
      next.callback();
      await new Promise<void>((resolve) => setImmediateOrTimeout(resolve));
    }
    this.time = end;
  }
}

function setImmediateOrTimeout(callback: () => void): void {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  if (immediate !== undefined) immediate(callback);
  else setTimeout(callback, 0);
}
