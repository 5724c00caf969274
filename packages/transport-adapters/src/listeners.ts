import type { Unsubscribe } from './connection.js';

/**
 * A set of listeners for one kind of event. A listener that throws is a bug in the program that
 * attached it; the error is rethrown on a later turn so it is reported without stopping the
 * other listeners or the transport's own bookkeeping.
 */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** The number of listeners attached. */
  get size(): number {
    return this.listeners.size;
  }

  /** Attaches `listener`; the returned function detaches it. */
  add(listener: (value: T) => void): Unsubscribe {
    // Wrap so that one function attached twice is called twice and detached one at a time.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Calls every listener with `value`. */
  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Detaches every listener. */
  clear(): void {
    this.listeners.clear();
  }
}

/** Why a connection whose frames nobody reads is closed (see {@link FrameInbox}). */
export const UNREAD_REASON =
  'Frames kept arriving but no onMessage listener was attached to read them.';

/**
 * Delivers frames to listeners, holding those that arrive before the first listener is attached
 * and handing them over on the next microtask, in order, ahead of anything newer. What it holds
 * is bounded: past `maxHeldBytes`, `onOverflow` is called (once) and later frames are dropped,
 * so that a program that never reads cannot be made to hold a peer's frames forever.
 */
export class FrameInbox {
  private readonly listeners = new ListenerSet<Uint8Array>();
  private held: Uint8Array[] | undefined = [];
  private heldBytes = 0;
  private flushScheduled = false;
  private overflowed = false;

  constructor(
    private readonly maxHeldBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Attaches a frame listener; the first one attached receives the frames held so far. */
  add(listener: (frame: Uint8Array) => void): Unsubscribe {
    const unsubscribe = this.listeners.add(listener);
    if (this.held !== undefined && !this.flushScheduled) {
      if (this.held.length === 0) {
        this.held = undefined;
      } else {
        // Keep order: frames arriving before the flush queue behind the held ones.
        this.flushScheduled = true;
        queueMicrotask(() => this.flush());
      }
    }
    return unsubscribe;
  }

  /** Delivers `frame` now, or holds it until the first listener is attached. */
  deliver(frame: Uint8Array): void {
    if (this.held === undefined) {
      this.listeners.emit(frame);
      return;
    }
    if (this.overflowed) return;
    this.heldBytes += frame.byteLength;
    if (this.heldBytes > this.maxHeldBytes) {
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    this.held.push(frame);
  }

  /** Forgets frames held for a listener that never came. */
  discard(): void {
    if (this.held !== undefined) this.held = [];
    this.heldBytes = 0;
  }

  private flush(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldBytes = 0;
    for (const frame of held) this.listeners.emit(frame);
  }
}
