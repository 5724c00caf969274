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
