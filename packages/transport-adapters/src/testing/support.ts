import type { Connection, Listener, ServerConnection } from '../connection.js';

/** Resolves like `promise`, or rejects with a message naming `what` after `ms` milliseconds. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The frames a connection has received, and a way to wait for the next ones. */
export class FrameLog {
  readonly frames: Uint8Array[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(connection: Connection) {
    connection.onMessage((frame) => {
      // Keep a copy: a transport may hand over a view of a buffer it reuses.
      this.frames.push(new Uint8Array(frame));
      this.waiters = this.waiters.filter((waiter) => {
        if (this.frames.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  /** Resolves once `count` frames in total have arrived (bounded by `ms`). */
  waitFor(count: number, ms = 5_000): Promise<Uint8Array[]> {
    const arrived =
      this.frames.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return within(arrived, ms, `${count} frames (have ${this.frames.length})`).then(
      () => this.frames,
    );
  }
}

/** Resolves with the next connection the listener admits. */
export function nextConnection(listener: Listener, ms = 5_000): Promise<ServerConnection> {
  return within(
    new Promise((resolve) => {
      const stop = listener.onConnection((connection) => {
        stop();
        resolve(connection);
      });
    }),
    ms,
    'the listener to admit a connection',
  );
}

/** A frame of `size` bytes whose content depends on `seed`, so that a mixed-up frame shows. */
export function patternFrame(size: number, seed: number): Uint8Array {
  const frame = new Uint8Array(size);
  for (let i = 0; i < size; i++) frame[i] = (seed * 31 + i * 7) & 0xff;
  return frame;
}

/** Resolves with the close info of `connection`, bounded by `ms`. */
export function closedWithin(connection: Connection, ms: number, what: string) {
  return within(connection.closed, ms, what);
}

/** True when `a` and `b` hold the same bytes (cheaper than a deep equality for large frames). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
