import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { Capabilities } from '@dist-space/permissions';
import {
  DEFAULT_PROTOCOL_LIMITS,
  decodeMessage,
  encodeMessage,
  errorFromPayload,
  type Message,
  type MessageOf,
  PROTOCOL_VERSION,
  type ProtocolLimits,
  SnapshotAssembler,
} from '@dist-space/protocol';
import {
  type Connection,
  connectWebSocket,
  type WebSocketConstructorLike,
} from '@dist-space/transport-adapters';
import type { PathLimits, Workspace } from '@dist-space/vfs-workspace';
import { backoffDelay, type ReconnectOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import './errors.js';
import { restore } from './persisted-state.js';
import { MemoryPendingStore, type PendingStore } from './storage.js';
import { type HandleLink, type OpenOptions, WorkspaceHandle } from './workspace-handle.js';

/** Opens a connection to the server; a {@link ClientOptions.connect} can replace the URL. */
export type Connector = () => Promise<Result<Connection>>;

/** How a {@link Client} reaches and authenticates with a server. */
export interface ClientOptions {
  /** `ws://` or `wss://` URL (browsers; Node with `WebSocket`), or use `connect`. */
  readonly url?: string;
  /** Opens a connection another way (TCP in Node, the in-memory transport in tests). */
  readonly connect?: Connector;
  /** The `WebSocket` class where there is no global one (Node 20: the `ws` package's). */
  readonly WebSocket?: WebSocketConstructorLike;
  /** The token, or a function that fetches a fresh one; called again on every reconnect. */
  readonly token?: string | (() => string | Promise<string>);
  /** A stable id for this client; by default the one saved in `storage`, else a new random one. */
  readonly clientId?: string;
  /** Where pending changes survive reloads; memory by default. */
  readonly storage?: PendingStore;
  /**
   * The longest a change waits before the workspace's state is saved to `storage`, in ms
   * (default 100): saves are grouped so that a keystroke does not serialise the workspace, and
   * a crash can lose the edits of the last this many ms. `close()` saves at once.
   */
  readonly saveDelayMs?: number;
  /** How long to wait between reconnect attempts (exponential backoff with jitter); see {@link ReconnectOptions}. */
  readonly reconnect?: ReconnectOptions;
  /** A name for the server's logs, e.g. `my-editor/1.2`. */
  readonly agent?: string;
}

/** Where the client's connection is. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Errors after which the client stops reconnecting and closes (see `Client.close`). */
const GIVE_UP_ON: ReadonlySet<string> = new Set(['SESSION_REPLACED', 'CLIENT_ID_TAKEN']);

/** The events of a {@link Client}. */
export interface ClientEvents {
  /** The connection state changed; `error` says why it is not connected, when known. */
  connection: (event: { readonly state: ConnectionState; readonly error?: DistSpaceError }) => void;
}

function randomClientId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return `c${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

interface PendingRequest {
  resolve(message: Message): void;
}

/**
 * A connection to a Dist-Space server that survives network trouble: it authenticates (asking the
 * token function afresh each time), reconnects with exponential backoff and jitter, and lets each
 * open {@link WorkspaceHandle} catch up and resend what was not acknowledged, so that nothing is
 * lost or applied twice.
 *
 * ```ts
 * const client = await Client.connect({ url: 'ws://127.0.0.1:4455/', token });
 * const ws = await client.open('demo', { create: true });
 * ws.createFile('hello.md', '# Hello');
 * await ws.whenSynced();
 * ```
 */
export class Client extends Emitter<ClientEvents> {
  private connection: Connection | undefined;
  private stateValue: ConnectionState = 'connecting';
  private subjectValue = '';
  private sessionIdValue = '';
  private requestCounter = 0;
  private readonly requests = new Map<number, PendingRequest>();
  private readonly handles = new Map<string, WorkspaceHandle>();
  /** Opens under way, by workspace. */
  private readonly openings = new Map<string, Promise<WorkspaceHandle>>();
  /** The last save of each closed handle, until written: a reopen must load what it saved. */
  private readonly closingSaves = new Map<string, Promise<void>>();
  private readonly assemblers = new Map<number, SnapshotAssembler>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server's ops-per-change limit, from its Welcome: bigger buffers go out in parts. */
  private maxOpsPerChange = Number.POSITIVE_INFINITY;
  private maxFileSize = Number.POSITIVE_INFINITY;
  /** The server's limits on names and paths, from its Welcome (vfs-workspace's defaults before). */
  private pathLimits: PathLimits = {};
  /** The session's scopes, from the Welcome; undefined when it had none (or none we can read). */
  private capabilities: Capabilities | undefined;
  /** The largest frame both ends take (the Welcome's and the connection's): the same for size. */
  private maxFrameBytes = Number.POSITIVE_INFINITY;
  /** The longest string the server reads (its Welcome's; the default before 1.1). */
  private maxStringBytes = DEFAULT_PROTOCOL_LIMITS.maxStringBytes;
  /** What the client accepts from the server: the defaults, widened to what its Welcome says. */
  private decodeLimits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS;
  private lastReceived = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: ClientOptions,
    readonly clientId: string,
    private readonly store: PendingStore,
  ) {
    super();
  }

  /**
   * Connects and authenticates. Resolves once the server welcomed the client.
   *
   * @throws DistSpaceError when the first connection fails or the server refuses the token
   * (`AUTH_INVALID`, `AUTH_EXPIRED`, `UNSUPPORTED_VERSION`, `CONNECT_FAILED`, ...)
   */
  static async connect(options: ClientOptions): Promise<Client> {
    if (!options.url && !options.connect) {
      throw new DistSpaceError('INVALID_CONFIG', 'Give the client a url or a connect function.');
    }
    const store: PendingStore = options.storage ?? new MemoryPendingStore();
    // The store is this client's alone from here on (a lock, or a slot of its own when another
    // tab or process holds the usual one), so the client id it keeps is never shared.
    await store.acquire?.();
    try {
      const client = new Client(options, await Client.identity(options, store), store);
      const first = await client.establish();
      if (!first.ok) {
        client.stateValue = 'closed';
        throw first.error;
      }
      return client;
    } catch (error) {
      // No client runs on the store: let it go (a damaged saved id, a refused first connection),
      // or the next start in this process would find it held and take another slot and id.
      await store.release?.();
      throw error;
    }
  }

  /** The client id: the one given, else the store's, else a new one (saved for the next run). */
  private static async identity(options: ClientOptions, store: PendingStore): Promise<string> {
    const known = options.clientId ?? (await store.loadIdentity());
    if (known) return known;
    const clientId = randomClientId();
    await store.saveIdentity(clientId);
    return clientId;
  }

  /** Where the connection is. */
  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Who the server says this client is (the token's subject). */
  get subject(): string {
    return this.subjectValue;
  }

  /**
   * The session's scopes as the server stated them in its Welcome (`read:**`,
   * `!write:secret/**`, ...), or undefined when it did not (a 1.0 server) or stated one this
   * client cannot read. Changes they forbid are refused before they are applied or sent; see
   * {@link WorkspaceHandle.allows}.
   */
  get scopes(): readonly string[] | undefined {
    return this.capabilities?.toStrings();
  }

  /** The server's id for the current session. */
  get sessionId(): string {
    return this.sessionIdValue;
  }

  /**
   * Opens a workspace and resolves with its handle once its state is here. Pending changes saved
   * by an earlier run of this client are restored and sent.
   *
   * @throws DistSpaceError `NOT_FOUND`, `WORKSPACE_FORBIDDEN`, `PERMISSION_DENIED`, ...
   */
  open(workspace: string, options: OpenOptions = {}): Promise<WorkspaceHandle> {
    const existing = this.handles.get(workspace);
    if (existing) return Promise.resolve(existing);
    // A second open while the first is under way gets the same handle: two handles of one
    // workspace would number their changes from the same seq under one client id, and the
    // server would take one's changes for the other's duplicates.
    let opening = this.openings.get(workspace);
    if (!opening) {
      opening = this.openHandle(workspace, options).finally(() => this.openings.delete(workspace));
      this.openings.set(workspace, opening);
    }
    return opening;
  }

  private async openHandle(workspace: string, options: OpenOptions): Promise<WorkspaceHandle> {
    // A handle of this workspace closed a moment ago may still be writing its pending edits.
    await this.closingSaves.get(workspace);
    const saved = restore(await this.store.load(`w:${workspace}`));
    const restored = saved && saved.saved.clientId === this.clientId ? saved : undefined;
    if (restored) {
      const handle = this.makeHandle(workspace, restored, options);
      const reply = await this.request({
        type: 'Catchup',
        requestId: this.nextRequestId(),
        workspace,
        sinceRevision: restored.saved.revision,
      });
      if (reply.type === 'Error' && errorFromPayload(reply.error).code !== 'REBASE_REQUIRED') {
        this.handles.delete(workspace);
        throw errorFromPayload(reply.error);
      }
      handle.receive(reply as never);
      return handle;
    }
    const reply = await this.request({
      type: 'Open',
      requestId: this.nextRequestId(),
      workspace,
      ...(options.create ? { create: true } : {}),
    });
    if (reply.type !== 'Snapshot') throw errorFromPayload((reply as MessageOf<'Error'>).error);
    const { state, revision, lastSeq } = reply;
    return this.makeHandle(workspace, { state, revision, lastSeq }, options);
  }

  /**
   * Closes every workspace and the connection, after saving pending changes, and lets the store
   * go to the next client (also after reconnecting gave up). Never rejects: a save that fails is
   * reported by the handle's `storeFailed` event.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.setState('closed');
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    // No answer comes after this: an open still waiting for one fails instead of hanging.
    this.failRequests(new DistSpaceError('CONNECTION_CLOSED', 'The client closed.'));
    // Closed handles take no more edits or messages, so once their last save is done nothing more
    // is written into a store that the next client may own.
    const handles = [...this.handles.values()];
    for (const handle of handles) handle.close();
    // A failed last save is the handle's storeFailed event; the client closes all the same, so
    // that the connection ends and the store goes to the next client (and giving up, which
    // nobody awaits, cannot end the process with an unhandled rejection).
    await Promise.allSettled(handles.map((h) => h.saved()));
    this.connection?.close('NORMAL', 'The client closed.');
    await this.store.release?.();
  }

  private makeHandle(
    workspace: string,
    start: ConstructorParameters<typeof WorkspaceHandle>[3],
    options: OpenOptions,
  ): WorkspaceHandle {
    const link: HandleLink = {
      clientId: this.clientId,
      get subject() {
        return client.subjectValue;
      },
      get connected() {
        return client.stateValue === 'connected';
      },
      send: (message) => this.send(message),
      nextRequestId: () => this.nextRequestId(),
      get maxOpsPerChange() {
        return client.maxOpsPerChange;
      },
      get maxFileSize() {
        return client.maxFileSize;
      },
      get pathLimits() {
        return client.pathLimits;
      },
      get capabilities() {
        return client.capabilities;
      },
      get maxTextPerChange() {
        return textPerFrame(client.maxFrameBytes, client.maxStringBytes);
      },
      submit: (message) => this.sendSubmit(message),
      release: (handle) => {
        this.handles.delete(handle.id);
        // A failed save is the handle's storeFailed event; a reopen then loads what is there.
        const saving = handle.saved().catch(() => undefined);
        this.closingSaves.set(handle.id, saving);
        void saving.then(() => {
          if (this.closingSaves.get(handle.id) === saving) this.closingSaves.delete(handle.id);
        });
        this.send({ type: 'Leave', workspace: handle.id });
      },
    };
    const client = this;
    const handle = new WorkspaceHandle(
      workspace,
      link,
      this.store,
      start,
      options,
      this.options.saveDelayMs,
    );
    this.handles.set(workspace, handle);
    return handle;
  }

  private nextRequestId(): number {
    this.requestCounter = (this.requestCounter % 0x7fffffff) + 1;
    return this.requestCounter;
  }

  /** Sends a message; false when it was not sent (see {@link Client.transmit}). */
  private send(message: Message): boolean {
    return this.transmit(message) === 'sent';
  }

  /** Sends a Submit; the refusal when its frame is too large to send at all (see transmit). */
  private sendSubmit(message: MessageOf<'Submit'>): DistSpaceError | undefined {
    const outcome = this.transmit(message);
    return outcome instanceof DistSpaceError ? outcome : undefined;
  }

  /**
   * Sends a message if connected: `'sent'`, `'not sent'` (no connection, or the transport
   * refused it for another reason), or `LIMIT_EXCEEDED` when its frame is larger than the
   * frames both ends take (such a message would never get an answer). The server's limit may be
   * below the connection's own: a frame over it would cost the connection, and the resend after
   * the reconnect would cost the next one, so it is checked here for every message.
   */
  private transmit(message: Message): 'sent' | 'not sent' | DistSpaceError {
    if (!this.connection || this.stateValue !== 'connected') return 'not sent';
    const frame = encodeMessage(message);
    if (frame.byteLength > this.maxFrameBytes) {
      return new DistSpaceError(
        'LIMIT_EXCEEDED',
        `A ${message.type} of ${frame.byteLength} bytes is larger than the ${this.maxFrameBytes}-byte frames the server takes; it was not sent.`,
        { limit: 'maxFrameBytes', value: this.maxFrameBytes, actual: frame.byteLength },
      );
    }
    const sent = this.connection.send(frame);
    if (sent.ok) return 'sent';
    return sent.error.code === 'LIMIT_EXCEEDED' ? sent.error : 'not sent';
  }

  /** Sends a request and resolves with the reply carrying its requestId (never rejects). */
  private request(message: MessageOf<'Open' | 'Catchup'>): Promise<Message> {
    return new Promise((resolve) => {
      this.requests.set(message.requestId, { resolve });
      if (!this.send(message)) {
        this.requests.delete(message.requestId);
        resolve({
          type: 'Error',
          requestId: message.requestId,
          error: {
            code: 'CONNECTION_CLOSED',
            message: 'The client is not connected; open the workspace again once it is.',
          },
        });
      }
    });
  }

  /** Connects, says Hello and waits for Welcome (or Refused). */
  private async establish(): Promise<Result<void>> {
    this.setState('connecting');
    const connector: Connector =
      this.options.connect ??
      (() =>
        connectWebSocket(
          this.options.url!,
          this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {},
        ));
    const connection = await connector();
    if (!connection.ok) return connection;
    const conn = connection.value;
    let token: string | undefined;
    try {
      token =
        typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (e) {
      conn.close('NORMAL', 'no token');
      return err(
        new DistSpaceError('AUTH_INVALID', `The token function failed: ${(e as Error).message}`),
      );
    }
    const welcome = new Promise<Result<MessageOf<'Welcome'>>>((resolve) => {
      const offMessage = conn.onMessage((frame) => {
        const decoded = decodeMessage(frame);
        if (!decoded.ok) return;
        if (decoded.value.type === 'Welcome') {
          offMessage();
          resolve(ok(decoded.value));
        } else if (decoded.value.type === 'Refused') {
          offMessage();
          resolve(err(errorFromPayload(decoded.value.error)));
        }
      });
      conn.onClose((info) =>
        resolve(
          err(
            new DistSpaceError(
              info.code === 'NORMAL' ? 'CONNECTION_CLOSED' : info.code,
              info.reason,
            ),
          ),
        ),
      );
    });
    conn.send(
      encodeMessage({
        type: 'Hello',
        version: PROTOCOL_VERSION,
        positionEncoding: 'utf-16',
        clientId: this.clientId,
        ...(token ? { token } : {}),
        ...(this.options.agent ? { agent: this.options.agent } : {}),
      }),
    );
    const reply = await welcome;
    if (!reply.ok) {
      conn.close('NORMAL', 'refused');
      return reply;
    }
    if (this.stateValue === 'closed') {
      conn.close('NORMAL', 'The client closed.');
      return ok(undefined);
    }
    this.connection = conn;
    this.watch(conn, reply.value.heartbeatMs);
    this.subjectValue = reply.value.subject;
    this.maxOpsPerChange = reply.value.limits.maxOpsPerChange;
    this.maxFileSize = reply.value.limits.maxFileSize;
    this.pathLimits = pathLimitsFrom(reply.value.limits);
    this.capabilities = capabilitiesFrom(reply.value.scopes);
    this.maxFrameBytes = Math.min(reply.value.limits.maxFrameBytes, conn.maxFrameSize);
    this.maxStringBytes =
      reply.value.limits.maxStringBytes ?? DEFAULT_PROTOCOL_LIMITS.maxStringBytes;
    this.decodeLimits = acceptedFrom(reply.value.limits);
    this.sessionIdValue = reply.value.sessionId;
    this.attempt = 0;
    // Only the current connection speaks for the client. One given up (a Goodbye, a heartbeat
    // timeout, a frame it could not read) still reports its close, maybe once the reconnect is
    // under way: taken for the current one's, it started a second reconnect, whose Hello replaced
    // the first one's session, and the client gave up for SESSION_REPLACED.
    conn.onMessage((frame) => {
      if (this.connection === conn) this.onFrame(frame);
    });
    conn.onClose((info) => {
      if (this.connection !== conn) return;
      this.onClose(
        new DistSpaceError(info.code === 'NORMAL' ? 'CONNECTION_CLOSED' : info.code, info.reason),
      );
    });
    this.setState('connected');
    for (const handle of this.handles.values()) handle.resume();
    return ok(undefined);
  }

  /**
   * Notices a dead link the transport cannot see (a silent server, a dropped route): after
   * `heartbeatMs` without a frame it sends a Ping, and after two and a half times that it gives
   * the connection up, which starts a reconnect.
   */
  private watch(conn: Connection, heartbeatMs: number): void {
    const interval = Math.max(50, heartbeatMs);
    this.lastReceived = Date.now();
    let nonce = 0;
    const timer = setInterval(() => {
      if (this.connection !== conn) {
        clearInterval(timer);
        return;
      }
      const silent = Date.now() - this.lastReceived;
      if (silent > interval * 2.5) {
        clearInterval(timer);
        conn.terminate('HEARTBEAT_TIMEOUT', `Nothing came from the server for ${silent} ms.`);
        this.onClose(
          new DistSpaceError('HEARTBEAT_TIMEOUT', `Nothing came from the server for ${silent} ms.`),
        );
      } else if (silent > interval) {
        this.send({ type: 'Ping', nonce: ++nonce });
      }
    }, interval / 2);
    (timer as { unref?: () => void }).unref?.();
  }

  private onFrame(frame: Uint8Array): void {
    this.lastReceived = Date.now();
    const decoded = decodeMessage(frame, this.decodeLimits);
    if (!decoded.ok) {
      // A message type of a later protocol minor is not for this client: pass it by.
      if (decoded.error.code === 'UNKNOWN_TYPE') return;
      // Any other frame the client cannot read may have been the answer something waits for:
      // the connection cannot be trusted any more (docs/protocol.md); reconnect and resend.
      this.connection?.terminate(decoded.error.code, decoded.error.message);
      this.onClose(decoded.error);
      return;
    }
    const message = decoded.value;
    switch (message.type) {
      case 'Ping':
        this.send({ type: 'Pong', nonce: message.nonce });
        return;
      case 'Goodbye':
        this.onClose(errorFromPayload(message.error));
        return;
      case 'SnapshotChunk': {
        let assembler = this.assemblers.get(message.requestId);
        if (!assembler) {
          assembler = new SnapshotAssembler(this.decodeLimits);
          this.assemblers.set(message.requestId, assembler);
        }
        const done = assembler.add(message);
        if (done.ok && done.value === undefined) return; // more chunks to come
        this.assemblers.delete(message.requestId);
        if (done.ok && done.value) this.route(done.value);
        return;
      }
      default:
        this.route(message);
    }
  }

  private route(message: Message): void {
    if (
      (message.type === 'Snapshot' || message.type === 'Changes' || message.type === 'Error') &&
      message.requestId !== undefined
    ) {
      const pending = this.requests.get(message.requestId);
      if (pending) {
        this.requests.delete(message.requestId);
        pending.resolve(message);
        return;
      }
    }
    if (message.type === 'Error' && message.requestId !== undefined) {
      // The refusal of a handle's Catchup or Open need not name its workspace.
      for (const handle of this.handles.values()) {
        if (!handle.awaits(message.requestId)) continue;
        handle.receive(message);
        return;
      }
    }
    if ('workspace' in message && typeof message.workspace === 'string') {
      const handle = this.handles.get(message.workspace);
      if (handle) handle.receive(message as never);
      return;
    }
    if (message.type === 'Error') {
      const workspace = (message.error.details as { workspace?: unknown } | undefined)?.workspace;
      if (typeof workspace === 'string') this.handles.get(workspace)?.receive(message);
    }
  }

  /**
   * Gives up for good on an error that reconnecting cannot cure: another session of this user
   * took over the client id (two copies of one client would take it from each other forever), or
   * the client id belongs to another user. The application sees the error and decides.
   */
  private endedFor(error: DistSpaceError): boolean {
    if (!GIVE_UP_ON.has(error.code)) return false;
    this.setState('closed', error);
    this.closing ??= this.shutDown();
    return true;
  }

  private onClose(error: DistSpaceError): void {
    if (this.stateValue === 'closed' || this.stateValue === 'disconnected') return;
    this.failRequests(error);
    if (this.endedFor(error)) return;
    this.connection = undefined;
    this.setState('disconnected', error);
    this.scheduleReconnect();
  }

  /** Answers every request still waiting with `error`: its answer will never come. */
  private failRequests(error: DistSpaceError): void {
    for (const [id, pending] of this.requests) {
      this.requests.delete(id);
      pending.resolve({
        type: 'Error',
        requestId: id,
        error: { code: error.code, message: error.message },
      });
    }
  }

  private scheduleReconnect(): void {
    const max = this.options.reconnect?.maxAttempts;
    if (max !== undefined && this.attempt >= max) {
      this.setState('closed');
      return;
    }
    const delay = backoffDelay(this.attempt++, this.options.reconnect);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stateValue === 'closed') return;
      void this.establish().then((result) => {
        if (!result.ok && this.stateValue !== 'closed') {
          if (this.endedFor(result.error)) return;
          this.setState('disconnected', result.error);
          this.scheduleReconnect();
        }
      });
    }, delay);
  }

  private setState(state: ConnectionState, error?: DistSpaceError): void {
    if (this.stateValue === state && !error) return;
    this.stateValue = state;
    this.emit('connection', { state, ...(error ? { error } : {}) });
  }
}

export type { Workspace };

/**
 * The code units of text one change may carry to fit in a frame of `maxFrameBytes` whose strings
 * hold at most `maxStringBytes`: a quarter of the smaller, since a code unit takes up to 3 bytes in
 * UTF-8 and the rest leaves room for the ops around the text. At least 64, so that a tiny frame
 * limit still lets text through.
 */
function textPerFrame(maxFrameBytes: number, maxStringBytes: number): number {
  const bytes = Math.min(maxFrameBytes, maxStringBytes);
  return Math.max(64, Math.floor(bytes / 4));
}

/** The Welcome's limits on names and paths, as vfs-workspace's builder takes them. */
function pathLimitsFrom(limits: MessageOf<'Welcome'>['limits']): PathLimits {
  return {
    maxPathBytes: limits.maxPathBytes,
    ...(limits.maxNameBytes === undefined ? {} : { maxSegmentBytes: limits.maxNameBytes }),
    ...(limits.maxPathDepth === undefined ? {} : { maxDepth: limits.maxPathDepth }),
  };
}

/**
 * The Welcome's scopes, parsed; undefined when there are none, or when one does not parse (a
 * newer server's grammar): the server checks every change anyway, and a check by a grammar
 * misread would refuse what the server allows.
 */
function capabilitiesFrom(scopes: readonly string[] | undefined): Capabilities | undefined {
  if (scopes === undefined) return undefined;
  const parsed = Capabilities.parse(scopes);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * The limits for reading what the server sends: frames as large as its Welcome announces (a
 * client SHOULD accept them, docs/protocol.md), and strings as long as a file may be (a whole file
 * is one string of a snapshot), never less than the defaults.
 */
function acceptedFrom(limits: MessageOf<'Welcome'>['limits']): ProtocolLimits {
  const maxFrameBytes = Math.max(DEFAULT_PROTOCOL_LIMITS.maxFrameBytes, limits.maxFrameBytes);
  const fileBytes = Math.min(3 * limits.maxFileSize, DEFAULT_PROTOCOL_LIMITS.maxSnapshotBytes);
  return {
    ...DEFAULT_PROTOCOL_LIMITS,
    maxFrameBytes,
    maxStringBytes: Math.max(DEFAULT_PROTOCOL_LIMITS.maxStringBytes, fileBytes),
  };
}
