import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The most recent log records, kept in memory for the admin `TailLog` message. A pino
 * destination: it receives each record as one JSON line and keeps the last `capacity` lines as
 * they came, parsing them only when someone asks.
 */
export class LogRing implements DestinationStream {
  private readonly lines: string[];
  private next = 0;
  private count = 0;

  /** @param capacity - how many records to keep */
  constructor(readonly capacity = 1000) {
    this.lines = new Array(capacity);
  }

  /** Called by pino with one serialised record. */
  write(line: string): void {
    this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The newest `limit` records, oldest first. */
  tail(limit: number): Record<string, unknown>[] {
    const n = Math.max(0, Math.min(limit, this.count));
    const out: Record<string, unknown>[] = [];
    for (let i = n; i > 0; i--) {
      const line = this.lines[(this.next - i + this.capacity) % this.capacity]!;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        out.push({ msg: line });
      }
    }
    return out;
  }
}

/** Where log records go besides the ring. */
export interface LoggerOptions {
  /** pino level. */
  readonly level: string;
  /** The ring that keeps recent records for `TailLog`. */
  readonly ring: LogRing;
  /** Where else records go: a stream (stdout by default), or null for the ring alone (tests). */
  readonly destination?: DestinationStream | null;
}

/**
 * A pino logger that writes structured records (session, workspace, code) to `destination` and
 * to the ring.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level === 'silent' ? 'silent' : options.level;
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: options.ring }];
  if (options.destination !== null) {
    streams.push({
      level: level as pino.Level,
      // Synchronous, as pino's own default: an asynchronous destination flushes at exit with
      // sonic-boom's flushSync, which retries an EPIPE forever, so a server whose stdout reader
      // had gone (`| head`, a dead log shipper) never exited after SIGTERM.
      stream: options.destination ?? pino.destination({ dest: 1, sync: true }),
    });
  }
  return pino(
    { level, base: { service: 'dist-space' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
}

export type { Logger };
