import type { Connection, Listener } from '../connection.js';
import type { ConnectionOptions } from '../limits.js';
import type { ConnectionManagerOptions } from '../manager.js';
import type { ConformanceClient, TransportUnderTest } from './subject.js';
import { within } from './support.js';

/** Starts listeners and clients for one test and tears all of them down after it. */
export class ConformanceHarness {
  private subject: TransportUnderTest | undefined;
  private listeners: Listener[] = [];
  private clients: Connection[] = [];

  constructor(
    private readonly makeSubject: () => TransportUnderTest | Promise<TransportUnderTest>,
  ) {}

  /** Starts a listener; tests that do not care about the handshake call `markReady` themselves. */
  async listen(options: ConnectionManagerOptions = {}): Promise<Listener> {
    this.subject ??= await this.makeSubject();
    const listener = await this.subject.listen(options);
    this.listeners.push(listener);
    return listener;
  }

  /** Connects a client to `listener`. */
  async connect(listener: Listener, options: ConnectionOptions = {}): Promise<ConformanceClient> {
    const subject = this.subject ?? (await this.makeSubject());
    this.subject = subject;
    const client = await within(subject.connect(listener, options), 5_000, 'a client to connect');
    this.clients.push(client.connection);
    return client;
  }

  /** Whether the transport counts sockets through a handshake before admission (see the subject). */
  get handshakeBeforeAdmission(): boolean {
    return this.subject?.handshakeBeforeAdmission === true;
  }

  /**
   * Connects a client to `listener` expecting the connection not to open, and resolves with what
   * the subject's `connect` threw. Throws if the connection opened or took too long to fail.
   */
  async connectRefused(listener: Listener, options: ConnectionOptions = {}): Promise<unknown> {
    const subject = this.subject ?? (await this.makeSubject());
    this.subject = subject;
    let opened: ConformanceClient | undefined;
    const failure = subject.connect(listener, options).then(
      (client) => {
        opened = client;
        return undefined;
      },
      (error: unknown) => error ?? new Error('connect threw without an error'),
    );
    const error = await within(failure, 5_000, 'a refused client to fail to connect');
    if (opened !== undefined) {
      this.clients.push(opened.connection);
      throw new Error('The connection opened, but the listener should have refused it.');
    }
    return error;
  }

  /** Closes everything the test opened. */
  async cleanup(): Promise<void> {
    for (const client of this.clients) client.terminate('NORMAL', 'The test is over.');
    const listeners = this.listeners;
    this.clients = [];
    this.listeners = [];
    await within(
      Promise.all(listeners.map((listener) => listener.close('The test is over.'))),
      10_000,
      'the listeners to close',
    );
  }
}
