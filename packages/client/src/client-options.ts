import type { Result } from '@dist-space/ot-core';
import type { Connection, WebSocketConstructorLike } from '@dist-space/transport-adapters';
import type { ReconnectOptions } from './backoff.js';
import type { PendingStore } from './storage.js';

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
   * a crash can lose the edits of the last this many ms. `close()` and
   * a workspace handle's `whenSaved()` save at once.
   */
  readonly saveDelayMs?: number;
  /** How long to wait between reconnect attempts (exponential backoff with jitter); see {@link ReconnectOptions}. */
  readonly reconnect?: ReconnectOptions;
  /** A name for the server's logs, e.g. `my-editor/1.2`. */
  readonly agent?: string;
}
