import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  decodeMessage,
  encodeMessage,
  errorFromPayload,
  type Message,
  type MessageOf,
  PROTOCOL_VERSION,
  SnapshotAssembler,
} from '@dist-space/protocol';
import { type Connection, connectWebSocket } from '@dist-space/transport-adapters';
import type { ClientOptions, Connector } from './client-options.js';
import { type SessionTerms, TERMS_BEFORE_WELCOME, termsFrom } from './session-terms.js';
import type { WorkspaceHandle } from './workspace-handle.js';

/** Where the client's connection is. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** What a {@link SessionLink} needs of the client it serves. */
export interface LinkOwner {
  /** Where the client's connection is: the link sends only while it is `connected`. */
  readonly state: ConnectionState;
  /** The link starts to connect. */
  connecting(): void;
  /** The server welcomed the client on a new connection, which the link now speaks through. */
  welcomed(): void;
  /** The link's connection was lost or given up; `error` says why. */
  lost(error: DistSpaceError): void;
}

interface PendingRequest {
  resolve(message: Message): void;
}

/**
 * The client's session with the server, one connection at a time: it establishes the connection
 * (Hello, then Welcome or Refused), watches it with heartbeats, reads its frames and routes each
 * message to the request that awaits it or to the handle of its workspace, and sends within the
 * limits the Welcome set. What to do when a connection is lost (reconnect, give up) is its
 * owner's, told through {@link LinkOwner}.
 */
export class SessionLink {
  private current: Connection | undefined;
  private termsValue: SessionTerms = TERMS_BEFORE_WELCOME;
  private requestCounter = 0;
  private readonly requests = new Map<number, PendingRequest>();
  private readonly assemblers = new Map<number, SnapshotAssembler>();
  private lastReceived = 0;

  /**
   * @param handles the client's open handles, by workspace, to route messages to
   */
  constructor(
    private readonly options: ClientOptions,
    private readonly clientId: string,
    private readonly handles: ReadonlyMap<string, WorkspaceHandle>,
    private readonly owner: LinkOwner,
  ) {}

  /** The connection in use, if any. */
  get connection(): Connection | undefined {
    return this.current;
  }

  /** What the last Welcome said (the defaults before the first). */
  get terms(): SessionTerms {
    return this.termsValue;
  }

  /** A fresh request id, unique among those in flight. */
  nextRequestId(): number {
    this.requestCounter = (this.requestCounter % 0x7fffffff) + 1;
    return this.requestCounter;
  }

  /** Sends a message; false when it was not sent (see {@link SessionLink.transmit}). */
  send(message: Message): boolean {
    return this.transmit(message) === 'sent';
  }

  /**
   * Sends a message if connected: `'sent'`, `'not sent'` (no connection, or the transport
   * refused it for another reason), or `LIMIT_EXCEEDED` when its frame is larger than the
   * frames both ends take (such a message would never get an answer). The server's limit may be
   * below the connection's own: a frame over it would cost the connection, and the resend after
   * the reconnect would cost the next one, so it is checked here for every message.
   */
  transmit(message: Message): 'sent' | 'not sent' | DistSpaceError {
    if (!this.current || this.owner.state !== 'connected') return 'not sent';
    const frame = encodeMessage(message);
    const { maxFrameBytes } = this.termsValue;
    if (frame.byteLength > maxFrameBytes) {
      return new DistSpaceError(
        'LIMIT_EXCEEDED',
        `A ${message.type} of ${frame.byteLength} bytes is larger than the ${maxFrameBytes}-byte frames the server takes; it was not sent.`,
        { limit: 'maxFrameBytes', value: maxFrameBytes, actual: frame.byteLength },
      );
    }
    const sent = this.current.send(frame);
    if (sent.ok) return 'sent';
    return sent.error.code === 'LIMIT_EXCEEDED' ? sent.error : 'not sent';
  }

  /** Sends a request and resolves with the reply carrying its requestId (never rejects). */
  request(message: MessageOf<'Open' | 'Catchup'>): Promise<Message> {
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

  /** Answers every request still waiting with `error`: its answer will never come. */
  failRequests(error: DistSpaceError): void {
    for (const [id, pending] of this.requests) {
      this.requests.delete(id);
      pending.resolve({
        type: 'Error',
        requestId: id,
        error: { code: error.code, message: error.message },
      });
    }
  }

  /** Lets go of a connection that is lost: nothing is sent until the next one is established. */
  drop(): void {
    this.current = undefined;
  }

  /** Connects, says Hello and waits for Welcome (or Refused). */
  async establish(): Promise<Result<void>> {
    this.owner.connecting();
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
    if (this.owner.state === 'closed') {
      conn.close('NORMAL', 'The client closed.');
      return ok(undefined);
    }
    this.current = conn;
    this.watch(conn, reply.value.heartbeatMs);
    this.termsValue = termsFrom(reply.value, conn.maxFrameSize);
    // Only the current connection speaks for the client. One given up (a Goodbye, a heartbeat
    // timeout, a frame it could not read) still reports its close, maybe once the reconnect is
    // under way: taken for the current one's, it started a second reconnect, whose Hello replaced
    // the first one's session, and the client gave up for SESSION_REPLACED.
    conn.onMessage((frame) => {
      if (this.current === conn) this.onFrame(frame);
    });
    conn.onClose((info) => {
      if (this.current !== conn) return;
      this.owner.lost(
        new DistSpaceError(info.code === 'NORMAL' ? 'CONNECTION_CLOSED' : info.code, info.reason),
      );
    });
    this.owner.welcomed();
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
      if (this.current !== conn) {
        clearInterval(timer);
        return;
      }
      const silent = Date.now() - this.lastReceived;
      if (silent > interval * 2.5) {
        clearInterval(timer);
        conn.terminate('HEARTBEAT_TIMEOUT', `Nothing came from the server for ${silent} ms.`);
        this.owner.lost(
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
    const decoded = decodeMessage(frame, this.termsValue.decodeLimits);
    if (!decoded.ok) {
      // A message type of a later protocol minor is not for this client: pass it by.
      if (decoded.error.code === 'UNKNOWN_TYPE') return;
      // Any other frame the client cannot read may have been the answer something waits for:
      // the connection cannot be trusted any more (docs/protocol.md); reconnect and resend.
      this.current?.terminate(decoded.error.code, decoded.error.message);
      this.owner.lost(decoded.error);
      return;
    }
    const message = decoded.value;
    switch (message.type) {
      case 'Ping':
        this.send({ type: 'Pong', nonce: message.nonce });
        return;
      case 'Goodbye':
        this.owner.lost(errorFromPayload(message.error));
        return;
      case 'SnapshotChunk': {
        let assembler = this.assemblers.get(message.requestId);
        if (!assembler) {
          assembler = new SnapshotAssembler(this.termsValue.decodeLimits);
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
}
