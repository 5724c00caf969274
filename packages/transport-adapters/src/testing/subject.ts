import type { Result } from '@dist-space/ot-core';
import type { Connection, Listener, PausableConnection } from '../connection.js';
import type { ConnectionOptions } from '../limits.js';
import type { ConnectionManagerOptions } from '../manager.js';

/** A client connection under test, and a way to make it stop reading (a slow consumer). */
export interface ConformanceClient {
  /** The client end of the connection. */
  readonly connection: Connection;
  /** Stops taking frames off the network, so that the server's send buffer grows. */
  pauseReading(): void;
  /** Reads again. */
  resumeReading(): void;
}

/**
 * What {@link runTransportConformance} needs from an adapter: a way to start a listener with
 * given options and a way to connect a client to it. Every listener and client it makes is
 * closed by the suite after each test.
 */
export interface TransportUnderTest {
  /** Starts a listener with these options (limits, `sendPing`, `refusalFrame`). */
  listen(options: ConnectionManagerOptions): Promise<Listener>;
  /** Connects a client to `listener`. Throw if the connection cannot be opened. */
  connect(listener: Listener, options: ConnectionOptions): Promise<ConformanceClient>;
  /**
   * True when the listener's sockets go through a handshake before they are admitted (TLS, a
   * WebSocket upgrade) and the listener counts them against the connection limits from the
   * moment they connect: a client over a limit is then cut before that handshake, so its
   * `connect` fails instead of receiving the refusal frame. Default false.
   */
  readonly handshakeBeforeAdmission?: boolean;
}

/**
 * A {@link ConformanceClient} for a connection that can pause reading itself (a
 * {@link PausableConnection}: the TCP, `ws` and in-memory adapters), from the `Result` a
 * `connect` returns. Throws the connect error, as {@link TransportUnderTest.connect} asks.
 */
export function pausableClient(result: Result<PausableConnection>): ConformanceClient {
  if (!result.ok) throw result.error;
  const connection = result.value;
  return {
    connection,
    pauseReading: () => connection.pauseReading(),
    resumeReading: () => connection.resumeReading(),
  };
}
