import type { ConnectionEvent, Listener, ServerConnection, Unsubscribe } from './connection.js';
import type { ResolvedConnectionOptions } from './limits.js';
import { ConnectionManager, type ConnectionManagerOptions } from './manager.js';
import type { Scheduler } from './scheduler.js';

/**
 * What every adapter's listener shares: a {@link ConnectionManager} that admits, watches and
 * reports connections, and an orderly shutdown. An adapter adds how it accepts connections (it
 * passes each to `this.manager.admit`) and how it stops accepting.
 */
export abstract class ListenerBase implements Listener {
  /** Applies the limits to every accepted connection. */
  protected readonly manager: ConnectionManager;
  abstract readonly address: string;

  constructor(options: ConnectionManagerOptions = {}) {
    this.manager = new ConnectionManager(options);
  }

  /** The options the server end of each accepted connection takes from the limits. */
  get connectionOptions(): ResolvedConnectionOptions & { scheduler: Scheduler } {
    return this.manager.connectionOptions();
  }

  get connectionCount(): number {
    return this.manager.connectionCount;
  }

  get handshakeCount(): number {
    return this.manager.handshakeCount;
  }

  onConnection(listener: (connection: ServerConnection) => void): Unsubscribe {
    return this.manager.onConnection(listener);
  }

  onEvent(listener: (event: ConnectionEvent) => void): Unsubscribe {
    return this.manager.onEvent(listener);
  }

  /** Reports a failure of the listening socket through `onEvent`. */
  protected reportListenerError(error: Error): void {
    this.manager.report({ type: 'listenerError', message: error.message });
  }

  async close(reason?: string): Promise<void> {
    const stopped = this.stopAccepting();
    await this.manager.closeAll(reason);
    await stopped;
  }

  /**
   * Stops accepting new connections at once; the promise resolves when the underlying server has
   * released everything (after the connections closed).
   */
  protected abstract stopAccepting(): Promise<void>;
}
