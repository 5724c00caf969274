import { DistSpaceError } from '@dist-space/ot-core';
import { errorFromPayload, type MessageOf } from '@dist-space/protocol';
import type { Workspace } from '@dist-space/vfs-workspace';
import { backoffDelay } from './backoff.js';
import type { ClientOptions } from './client-options.js';
import { Emitter } from './emitter.js';
import './errors.js';
import { restore } from './persisted-state.js';
import { type ConnectionState, SessionLink } from './session-link.js';
import { textPerFrame } from './session-terms.js';
import { MemoryPendingStore, type PendingStore } from './storage.js';
import { type HandleLink, type OpenOptions, WorkspaceHandle } from './workspace-handle.js';

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
  private stateValue: ConnectionState = 'connecting';
  private readonly handles = new Map<string, WorkspaceHandle>();
  /** Opens under way, by workspace. */
  private readonly openings = new Map<string, Promise<WorkspaceHandle>>();
  /** The last save of each closed handle, until written: a reopen must load what it saved. */
  private readonly closingSaves = new Map<string, Promise<void>>();
  /** The session with the server: connection, heartbeat, framing, routing, requests. */
  private readonly link: SessionLink;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: ClientOptions,
    readonly clientId: string,
    private readonly store: PendingStore,
  ) {
    super();
    const client = this;
    this.link = new SessionLink(options, clientId, this.handles, {
      get state() {
        return client.stateValue;
      },
      connecting: () => this.setState('connecting'),
      welcomed: () => {
        this.attempt = 0;
        this.setState('connected');
        for (const handle of this.handles.values()) handle.resume();
      },
      lost: (error) => this.onClose(error),
    });
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
      const first = await client.link.establish();
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
    return this.link.terms.subject;
  }

  /**
   * The session's scopes as the server stated them in its Welcome (`read:**`,
   * `!write:secret/**`, ...), or undefined when it did not (a 1.0 server) or stated one this
   * client cannot read. Changes they forbid are refused before they are applied or sent; see
   * {@link WorkspaceHandle.allows}.
   */
  get scopes(): readonly string[] | undefined {
    return this.link.terms.capabilities?.toStrings();
  }

  /** The server's id for the current session. */
  get sessionId(): string {
    return this.link.terms.sessionId;
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
      const reply = await this.link.request({
        type: 'Catchup',
        requestId: this.link.nextRequestId(),
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
    const reply = await this.link.request({
      type: 'Open',
      requestId: this.link.nextRequestId(),
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
    this.link.failRequests(new DistSpaceError('CONNECTION_CLOSED', 'The client closed.'));
    // Closed handles take no more edits or messages, so once their last save is done nothing more
    // is written into a store that the next client may own.
    const handles = [...this.handles.values()];
    for (const handle of handles) handle.close();
    // A failed last save is the handle's storeFailed event; the client closes all the same, so
    // that the connection ends and the store goes to the next client (and giving up, which
    // nobody awaits, cannot end the process with an unhandled rejection).
    await Promise.allSettled(handles.map((h) => h.whenSaved()));
    this.link.connection?.close('NORMAL', 'The client closed.');
    await this.store.release?.();
  }

  private makeHandle(
    workspace: string,
    start: ConstructorParameters<typeof WorkspaceHandle>[3],
    options: OpenOptions,
  ): WorkspaceHandle {
    const handleLink: HandleLink = {
      clientId: this.clientId,
      get subject() {
        return client.link.terms.subject;
      },
      get connected() {
        return client.stateValue === 'connected';
      },
      send: (message) => this.link.send(message),
      nextRequestId: () => this.link.nextRequestId(),
      get maxOpsPerChange() {
        return client.link.terms.maxOpsPerChange;
      },
      get maxFileSize() {
        return client.link.terms.maxFileSize;
      },
      get pathLimits() {
        return client.link.terms.pathLimits;
      },
      get capabilities() {
        return client.link.terms.capabilities;
      },
      get maxTextPerChange() {
        const { maxFrameBytes, maxStringBytes } = client.link.terms;
        return textPerFrame(maxFrameBytes, maxStringBytes);
      },
      // Only a frame too large to send at all is refused (see SessionLink.transmit): one not sent
      // for want of a connection goes again after the reconnect.
      submit: (message) => {
        const outcome = this.link.transmit(message);
        return outcome instanceof DistSpaceError ? outcome : undefined;
      },
      release: (handle) => {
        this.handles.delete(handle.id);
        // A failed save is the handle's storeFailed event; a reopen then loads what is there.
        const saving = handle.whenSaved().catch(() => undefined);
        this.closingSaves.set(handle.id, saving);
        void saving.then(() => {
          if (this.closingSaves.get(handle.id) === saving) this.closingSaves.delete(handle.id);
        });
        this.link.send({ type: 'Leave', workspace: handle.id });
      },
    };
    const client = this;
    const handle = new WorkspaceHandle(
      workspace,
      handleLink,
      this.store,
      start,
      options,
      this.options.saveDelayMs,
    );
    this.handles.set(workspace, handle);
    return handle;
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
    this.link.failRequests(error);
    if (this.endedFor(error)) return;
    this.link.drop();
    this.setState('disconnected', error);
    this.scheduleReconnect();
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
      void this.link.establish().then((result) => {
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
