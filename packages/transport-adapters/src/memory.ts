import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { BaseConnection } from './base-connection.js';
import type { CloseCode, Connection, Listener, PausableConnection } from './connection.js';
import type { ConnectionOptions } from './limits.js';
import { ListenerBase } from './listener-base.js';
import type { ConnectionManagerOptions } from './manager.js';
import { seededRandom } from './random.js';
import { realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';

/**
 * The faults an in-memory network injects, each a probability from 0 (never, the default) to 1,
 * drawn per frame sent. Set at construction and changed later by {@link MemoryNetwork.setFaults}.
 */
export interface MemoryNetworkFaults {
  /**
   * Chance, per frame sent, that its connection is cut at once: both ends see
   * `CONNECTION_CLOSED`.
   */
  readonly disconnectProbability?: number;
  /**
   * Chance, per frame sent, that its connection silently stops carrying anything in either
   * direction, with no close on either end (a dead link or a partition: heartbeats must notice).
   */
  readonly blackholeProbability?: number;
}

/** How an in-memory network behaves: its latency, its faults and the seed they are drawn from. */
export interface MemoryNetworkOptions extends MemoryNetworkFaults {
  /** Seeds every random choice (latency, faults), so that a run replays. Default 1. */
  readonly seed?: number;
  /**
   * Delay of each frame in milliseconds: a fixed number, or a range each frame draws from.
   * Frames on one connection never overtake each other (a frame waits for the one before it),
   * but frames on different connections do. Default 0 (the next timer turn).
   */
  readonly latencyMs?: number | { readonly min: number; readonly max: number };
  /** The clock; pass a `ManualScheduler` for a simulation that moves time itself. */
  readonly scheduler?: Scheduler;
}

/** Options for one in-memory client connection. */
export interface MemoryConnectOptions extends ConnectionOptions {
  /** The address the server sees for this client (for per-address limits). Default `memory-client`. */
  readonly remoteAddress?: string;
}

const faultKeys = ['disconnectProbability', 'blackholeProbability'] as const;

/**
 * `current` with the rates `changes` gives. Throws a `RangeError` for a rate that is not a number
 * from 0 to 1: that is a mistake in the test, not a network condition.
 */
function withFaults(
  current: Required<MemoryNetworkFaults>,
  changes: MemoryNetworkFaults,
): Required<MemoryNetworkFaults> {
  const next = { ...current };
  for (const key of faultKeys) {
    const value = changes[key];
    if (value === undefined) continue;
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(`${key} must be a probability from 0 to 1, not ${value}.`);
    }
    next[key] = value;
  }
  return next;
}

type PipeItem =
  | { readonly kind: 'frame'; readonly frame: Uint8Array }
  | { readonly kind: 'close'; readonly code: CloseCode; readonly reason: string };

/**
 * A network inside one process for tests and simulations: listeners by name, connections with
 * latency, reordering between connections, cut connections and silent (blackholed) ones, every
 * choice drawn from one seeded random source.
 */
export class MemoryNetwork {
  /** The random source every choice is drawn from; tests may draw from it too. */
  readonly random: () => number;
  /** The clock every connection on this network runs on. */
  readonly scheduler: Scheduler;
  private readonly listeners = new Map<string, MemoryListener>();
  private readonly links = new Map<string, MemoryLink>();
  /** The fault rates in force: the options' at first, then {@link MemoryNetwork.setFaults}'. */
  private faults: Required<MemoryNetworkFaults>;

  /** Throws a `RangeError` for a fault rate that is not a number from 0 to 1. */
  constructor(private readonly options: MemoryNetworkOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.scheduler = options.scheduler ?? realScheduler;
    this.faults = withFaults({ disconnectProbability: 0, blackholeProbability: 0 }, options);
  }

  /**
   * Changes the fault rates from the next frame sent on; a rate not given keeps its value. A
   * simulation that ends by letting everything settle first stops the faults with
   * `setFaults({ disconnectProbability: 0, blackholeProbability: 0 })`. Connections already cut or
   * blackholed stay so. Throws a `RangeError` for a rate that is not a number from 0 to 1, and
   * then changes nothing.
   */
  setFaults(faults: MemoryNetworkFaults): void {
    this.faults = withFaults(this.faults, faults);
  }

  /**
   * Starts a listener reachable as `name`. Throws a `RangeError` if the name is taken: that is a
   * mistake in the test, not a network condition.
   */
  listen(name: string, options: ConnectionManagerOptions = {}): Listener {
    if (this.listeners.has(name)) {
      throw new RangeError(`An in-memory listener named ${name} is already listening.`);
    }
    const listener = new MemoryListener(name, { scheduler: this.scheduler, ...options }, () =>
      this.listeners.delete(name),
    );
    this.listeners.set(name, listener);
    return listener;
  }

  /** Connects to the listener named `name` after one latency. `CONNECT_FAILED` if there is none. */
  connect(name: string, options: MemoryConnectOptions = {}): Promise<Result<PausableConnection>> {
    const listener = this.listeners.get(name);
    if (listener === undefined) {
      return Promise.resolve(
        err(
          new DistSpaceError('CONNECT_FAILED', `No in-memory listener is named ${name}.`, { name }),
        ),
      );
    }
    const client = new MemoryConnection({
      ...options,
      kind: 'memory',
      remoteAddress: name,
      scheduler: this.scheduler,
    });
    const server = new MemoryConnection({
      ...listener.connectionOptions,
      kind: 'memory',
      remoteAddress: options.remoteAddress ?? 'memory-client',
    });
    const link = new MemoryLink(this, client, server, () => {
      this.links.delete(client.id);
      this.links.delete(server.id);
    });
    this.links.set(client.id, link);
    this.links.set(server.id, link);
    return new Promise((resolve) => {
      this.scheduler.setTimer(this.latency(), () => {
        listener.accept(server);
        resolve(ok(client));
      });
    });
  }

  /** Cuts `connection` (either end): both ends see `CONNECTION_CLOSED` at once. */
  disconnect(connection: Connection): void {
    this.links.get(connection.id)?.cut();
  }

  /** Makes `connection` (either end) silently carry nothing more, in either direction. */
  blackhole(connection: Connection): void {
    const link = this.links.get(connection.id);
    if (link !== undefined) link.blackholed = true;
  }

  /** Draws one frame's delay. */
  latency(): number {
    const latency = this.options.latencyMs ?? 0;
    if (typeof latency === 'number') return latency;
    return latency.min + this.random() * (latency.max - latency.min);
  }

  /** Draws the fault, if any, that strikes the connection of one frame being sent. */
  drawFault(): 'cut' | 'blackhole' | undefined {
    const { disconnectProbability, blackholeProbability } = this.faults;
    if (disconnectProbability > 0 && this.random() < disconnectProbability) return 'cut';
    if (blackholeProbability > 0 && this.random() < blackholeProbability) return 'blackhole';
    return undefined;
  }
}

/** The server side of an in-memory network, reachable by name. */
class MemoryListener extends ListenerBase {
  constructor(
    readonly address: string,
    options: ConnectionManagerOptions,
    private readonly unregister: () => void,
  ) {
    super(options);
  }

  /** Admits (or refuses) the server end of a new connection. */
  accept(connection: MemoryConnection): void {
    this.manager.admit(connection);
  }

  protected stopAccepting(): Promise<void> {
    this.unregister();
    return Promise.resolve();
  }
}

/**
 * One end of an in-memory connection. It can stop reading, as a peer that does not read would:
 * frames then wait and the sender's `bufferedAmount` grows.
 */
class MemoryConnection extends BaseConnection implements PausableConnection {
  /** The link this end belongs to, set once by the link. */
  link!: MemoryLink;
  private paused = false;

  get bufferedAmount(): number {
    return this.link.outbound(this).bytes;
  }

  /** Stops taking frames off the network: they wait, and the sender's buffer grows. */
  pauseReading(): void {
    this.paused = true;
  }

  /** Takes frames again, starting with those that waited. */
  resumeReading(): void {
    this.paused = false;
    this.link.inbound(this).arm();
  }

  /** True while this end does not read. */
  get readingPaused(): boolean {
    return this.paused;
  }

  /** A frame arrived from the peer. */
  arrive(item: PipeItem): void {
    if (item.kind === 'frame') {
      this.receiveFrame(item.frame);
    } else {
      this.receiveClose(item.code, item.reason);
      this.transportClosed();
    }
  }

  /** The peer's close arrived there: this end's close is complete. */
  closeDelivered(): void {
    this.transportClosed();
  }

  /** The link is gone without a close. */
  linkGone(reason: string): void {
    this.transportClosed({ code: 'CONNECTION_CLOSED', reason, initiator: 'remote' });
  }

  /** The sender's buffer shrank. */
  bufferShrank(): void {
    this.checkDrain();
  }

  protected writeFrame(frame: Uint8Array): void {
    // Copy, as a socket would: the sender may reuse its buffer once send returns.
    this.link.send(this, { kind: 'frame', frame: frame.slice() });
  }

  protected beginClose(code: CloseCode, reason: string): void {
    this.link.send(this, { kind: 'close', code, reason });
  }

  protected destroyTransport(): void {
    this.link.destroy(this);
  }
}

/** The two one-way pipes between two ends, and the faults on them. */
class MemoryLink {
  /** True when the link silently carries nothing. */
  blackholed = false;
  private broken = false;
  private readonly toServer: MemoryPipe;
  private readonly toClient: MemoryPipe;

  constructor(
    private readonly network: MemoryNetwork,
    private readonly client: MemoryConnection,
    private readonly server: MemoryConnection,
    private readonly release: () => void,
  ) {
    client.link = this;
    server.link = this;
    this.toServer = new MemoryPipe(network, client, server, this);
    this.toClient = new MemoryPipe(network, server, client, this);
  }

  outbound(from: MemoryConnection): MemoryPipe {
    return from === this.client ? this.toServer : this.toClient;
  }

  inbound(to: MemoryConnection): MemoryPipe {
    return to === this.client ? this.toClient : this.toServer;
  }

  send(from: MemoryConnection, item: PipeItem): void {
    if (this.broken) return;
    const fault = item.kind === 'frame' ? this.network.drawFault() : undefined;
    if (fault === 'cut') this.cut();
    else if (fault === 'blackhole') this.blackholed = true;
    if (this.broken || this.blackholed) return;
    this.outbound(from).push(item);
  }

  /** Delivers `item`, which has come through its pipe to `to`. */
  arrived(from: MemoryConnection, to: MemoryConnection, item: PipeItem): void {
    if (this.broken || this.blackholed) return;
    to.arrive(item);
    if (item.kind === 'close') {
      this.end();
      from.closeDelivered();
    }
  }

  /** One end tore the link down: the other learns after one latency, unless the link is silent. */
  destroy(from: MemoryConnection): void {
    if (this.broken) return;
    const wasSilent = this.blackholed;
    this.end();
    const peer = from === this.client ? this.server : this.client;
    if (!wasSilent) {
      this.network.scheduler.setTimer(this.network.latency(), () =>
        peer.linkGone('The peer tore the connection down.'),
      );
    }
  }

  /** The network cut the link: both ends learn at once. */
  cut(): void {
    if (this.broken) return;
    this.end();
    const reason = 'The in-memory network cut the connection.';
    this.client.linkGone(reason);
    this.server.linkGone(reason);
  }

  private end(): void {
    this.broken = true;
    this.toServer.clear();
    this.toClient.clear();
    this.release();
  }
}

/** Frames in flight in one direction, delivered in order, each after its latency. */
class MemoryPipe {
  /** Bytes of frames sent and not yet delivered: the sender's `bufferedAmount`. */
  bytes = 0;
  private readonly queue: { item: PipeItem; due: number }[] = [];
  private lastDue = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly network: MemoryNetwork,
    private readonly from: MemoryConnection,
    private readonly to: MemoryConnection,
    private readonly link: MemoryLink,
  ) {}

  push(item: PipeItem): void {
    // Never earlier than the frame before: order within a connection is kept.
    const due = Math.max(this.network.scheduler.now() + this.network.latency(), this.lastDue);
    this.lastDue = due;
    this.queue.push({ item, due });
    if (item.kind === 'frame') this.bytes += item.frame.byteLength;
    this.arm();
  }

  /** Sets the timer for the next frame, unless one is set or the reader has paused. */
  arm(): void {
    const head = this.queue[0];
    if (this.timer !== undefined || head === undefined || this.to.readingPaused) return;
    const scheduler = this.network.scheduler;
    this.timer = scheduler.setTimer(Math.max(0, head.due - scheduler.now()), () => {
      this.timer = undefined;
      this.flush();
    });
  }

  clear(): void {
    this.queue.length = 0;
    this.bytes = 0;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private flush(): void {
    const time = this.network.scheduler.now();
    let delivered = false;
    for (;;) {
      const head = this.queue[0];
      if (head === undefined || head.due > time || this.to.readingPaused) break;
      this.queue.shift();
      if (head.item.kind === 'frame') this.bytes -= head.item.frame.byteLength;
      delivered = true;
      this.link.arrived(this.from, this.to, head.item);
    }
    if (delivered) this.from.bufferShrank();
    this.arm();
  }
}
