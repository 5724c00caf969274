import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import type {
  CloseCode,
  CloseInfo,
  Connection,
  ConnectionState,
  Unsubscribe,
} from './connection.js';
import { type ConnectionOptions, resolveConnectionOptions } from './limits.js';
import { FrameInbox, ListenerSet, UNREAD_REASON } from './listeners.js';
import { realScheduler, type Scheduler, startTimer, type TimerHandle } from './scheduler.js';

let nextConnectionNumber = 1;

/** What a subclass passes to {@link BaseConnection}. */
export interface BaseConnectionInit extends ConnectionOptions {
  /** The adapter's name, used as the prefix of the connection id (`tcp`, `ws`, `memory`). */
  readonly kind: string;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The clock for the close timeout; the real one unless a simulation passes its own. */
  readonly scheduler?: Scheduler;
}

/**
 * Everything a {@link Connection} does that does not depend on the wire: the state machine, the
 * checks in `send`, the high-water mark and drain, holding early frames, the close timeout and
 * reporting the close exactly once. An adapter extends it and implements four methods
 * (`writeFrame`, `bufferedAmount`, `beginClose`, `destroyTransport`), and calls back
 * `receiveFrame`, `receiveClose`, `transportClosed` and `checkDrain` as its wire reports things.
 */
export abstract class BaseConnection implements Connection {
  readonly id: string;
  readonly remoteAddress: string;
  readonly maxFrameSize: number;
  /** `send` answers `false` at or above this many buffered bytes. */
  readonly highWaterMark: number;
  readonly closed: Promise<CloseInfo>;

  private currentState: ConnectionState = 'open';
  /** The reason this end gave or received first; what `onClose` reports. */
  private closeReason: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private closeTimer: TimerHandle | undefined;
  private readonly closeTimeoutMs: number;
  /** The clock this connection's timers run on. */
  protected readonly scheduler: Scheduler;
  private needDrain = false;
  private readonly inbox: FrameInbox;
  private readonly closeListeners = new ListenerSet<CloseInfo>();
  private readonly drainListeners = new ListenerSet<void>();

  constructor(init: BaseConnectionInit) {
    const options = resolveConnectionOptions(init);
    this.id = `${init.kind}-${nextConnectionNumber++}`;
    this.remoteAddress = init.remoteAddress;
    this.maxFrameSize = options.maxFrameSize;
    this.highWaterMark = options.highWaterMark;
    this.closeTimeoutMs = options.closeTimeoutMs;
    this.scheduler = init.scheduler ?? realScheduler;
    this.inbox = new FrameInbox(Math.max(this.maxFrameSize, this.highWaterMark) * 2, () =>
      this.close('LIMIT_EXCEEDED', UNREAD_REASON),
    );
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  abstract get bufferedAmount(): number;

  send(frame: Uint8Array): Result<boolean> {
    if (this.currentState !== 'open') {
      return err(
        new DistSpaceError(
          'CONNECTION_CLOSED',
          `Connection ${this.id} is ${this.currentState}; the frame was not sent.`,
          { connection: this.id },
        ),
      );
    }
    if (frame.byteLength > this.maxFrameSize) {
      return err(
        new DistSpaceError(
          'LIMIT_EXCEEDED',
          `A frame of ${frame.byteLength} bytes is larger than the ${this.maxFrameSize}-byte limit of connection ${this.id}; split it or raise maxFrameSize on both ends.`,
          { connection: this.id, frameSize: frame.byteLength, maxFrameSize: this.maxFrameSize },
        ),
      );
    }
    this.writeFrame(frame);
    if (this.bufferedAmount >= this.highWaterMark) {
      this.needDrain = true;
      this.drainWanted();
      return ok(false);
    }
    return ok(true);
  }

  close(code: CloseCode = 'NORMAL', reason = 'The connection was closed normally.'): void {
    if (this.currentState !== 'open') return;
    this.currentState = 'closing';
    this.closeReason = { code, reason, initiator: 'local' };
    this.inbox.discard();
    this.closeTimer = startTimer(this.scheduler, this.closeTimeoutMs, () => {
      this.destroyTransport();
      this.transportClosed();
    });
    this.beginClose(code, reason);
  }

  terminate(code: CloseCode, reason: string): void {
    if (this.currentState === 'closed') return;
    this.closeReason ??= { code, reason, initiator: 'local' };
    this.destroyTransport();
    this.transportClosed();
  }

  onMessage(listener: (frame: Uint8Array) => void): Unsubscribe {
    return this.inbox.add(listener);
  }

  onClose(listener: (info: CloseInfo) => void): Unsubscribe {
    if (this.currentState === 'closed') {
      let active = true;
      void this.closed.then((info) => {
        if (active) listener(info);
      });
      return () => {
        active = false;
      };
    }
    return this.closeListeners.add(listener);
  }

  onDrain(listener: () => void): Unsubscribe {
    return this.drainListeners.add(listener);
  }

  /** Puts one frame on the wire (or in the adapter's send buffer). The frame is within the size limit. */
  protected abstract writeFrame(frame: Uint8Array): void;

  /**
   * Starts an orderly close: tells the peer `code` and `reason` after the frames already sent,
   * and ends the transport. The adapter calls {@link BaseConnection.transportClosed} when the
   * transport is gone; if that takes longer than the close timeout, the base destroys it.
   */
  protected abstract beginClose(code: CloseCode, reason: string): void;

  /** Tears the transport down at once, dropping anything buffered. */
  protected abstract destroyTransport(): void;

  /**
   * Called when `send` crossed the high-water mark. Adapters whose transport reports no drain
   * (the browser WebSocket) start polling `bufferedAmount` here.
   */
  protected drainWanted(): void {}

  /** True while a `drain` is owed to the sender. */
  protected get drainPending(): boolean {
    return this.needDrain;
  }

  /** The adapter received a whole frame. A frame over the limit closes the connection. */
  protected receiveFrame(frame: Uint8Array): void {
    if (this.currentState !== 'open') return;
    if (frame.byteLength > this.maxFrameSize) {
      this.close(
        'LIMIT_EXCEEDED',
        `A frame of ${frame.byteLength} bytes is larger than the ${this.maxFrameSize}-byte limit.`,
      );
      return;
    }
    this.inbox.deliver(frame);
  }

  /** The peer told us it is closing, and why. The adapter then ends its side of the transport. */
  protected receiveClose(code: CloseCode, reason: string): void {
    if (this.currentState !== 'open') return;
    this.currentState = 'closing';
    this.closeReason = { code, reason, initiator: 'remote' };
    this.inbox.discard();
  }

  /**
   * The transport is gone. Reports the close once, with the reason given or received earlier,
   * else with `fallback`, else as the peer vanishing (`CONNECTION_CLOSED`).
   */
  protected transportClosed(fallback?: CloseInfo): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.closeTimer?.cancel();
    this.inbox.discard();
    const info = this.closeReason ??
      fallback ?? {
        code: 'CONNECTION_CLOSED',
        reason: 'The peer went away without closing the connection.',
        initiator: 'remote',
      };
    this.closeReason = info;
    this.needDrain = false;
    this.resolveClosed(info);
    this.closeListeners.emit(info);
    this.closeListeners.clear();
    this.drainListeners.clear();
  }

  /** The send buffer may have shrunk: reports drain if it was owed and the buffer is low enough. */
  protected checkDrain(): void {
    if (!this.needDrain || this.currentState !== 'open') return;
    if (this.bufferedAmount > this.highWaterMark / 2) return;
    this.needDrain = false;
    this.drainListeners.emit();
  }
}
