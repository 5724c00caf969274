import type { Connector } from '@dist-space/client';
import { decodeMessage } from '@dist-space/protocol';
import type { Connection } from '@dist-space/transport-adapters';

/**
 * A connector wrapped for tests: it hands the client the connections of the connector it wraps,
 * remembers the latest, and can count the Submit frames the client sends on them. Tests reach
 * the connection a running client uses through it (to cut or blackhole it, as the network
 * would), not through the client's private members.
 */
export class ConnectionTap {
  /** The connector to give the client (`ClientOptions.connect`). */
  readonly connect: Connector;
  private latest: Connection | undefined;
  /** Submits are decoded and counted only once a test asks: the other frames go untouched. */
  private counting = false;
  private submits = 0;
  private unreadable = 0;

  constructor(inner: Connector) {
    this.connect = async () => {
      const opened = await inner();
      if (opened.ok) this.watch(opened.value);
      return opened;
    };
  }

  /**
   * The connection the connector handed out last. While the client is `connected` it is the
   * one the client speaks through; between a loss and the next Welcome it may be the lost one or
   * one still saying Hello.
   *
   * @throws Error when the client has not connected through this tap yet
   */
  get connection(): Connection {
    if (!this.latest) throw new Error('No connection was made through this tap yet.');
    return this.latest;
  }

  /** Cuts the latest connection at once, as a pulled cable or a machine going offline would. */
  cut(reason = 'cable pulled'): void {
    this.connection.terminate('CONNECTION_CLOSED', reason);
  }

  /**
   * Counts the Submit frames handed to the connections from now on (sent or not), and returns
   * the count so far. Reading it throws if a frame could not be decoded: it might have been a
   * Submit, and a count that missed it would pass a test it should fail.
   */
  countSubmits(): () => number {
    this.counting = true;
    const start = this.submits;
    return () => {
      if (this.unreadable > 0) {
        throw new Error(`${this.unreadable} frames sent could not be decoded to be counted.`);
      }
      return this.submits - start;
    };
  }

  private watch(connection: Connection): void {
    this.latest = connection;
    const send = connection.send.bind(connection);
    connection.send = (frame) => {
      if (this.counting) {
        const message = decodeMessage(frame);
        if (!message.ok) this.unreadable++;
        else if (message.value.type === 'Submit') this.submits++;
      }
      return send(frame);
    };
  }
}
