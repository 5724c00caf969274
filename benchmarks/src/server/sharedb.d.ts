// The parts of ShareDB and its WebSocket stream that the server benchmark uses. Neither package
// ships types, and @types/sharedb describes ShareDB 5; these few lines are checked against
// ShareDB 7's lib/backend.js, lib/client/connection.js and lib/client/doc.js.

declare module 'sharedb' {
  import type { Duplex } from 'node:stream';

  /** An OT type as ShareDB registers it (ot-text-unicode's `type` is one). */
  interface OTType {
    readonly name: string;
    readonly uri: string;
  }

  /** The ShareDB server: an in-memory database and pub/sub unless told otherwise. */
  class Backend {
    constructor(options?: Record<string, unknown>);
    /** Serves one client over a stream of JSON messages. */
    listen(stream: Duplex, request?: unknown): unknown;
    close(callback?: (error?: Error) => void): void;
  }

  const ShareDB: typeof Backend & {
    readonly types: { register(type: OTType): void };
  };
  export default ShareDB;
}

declare module 'sharedb/lib/client' {
  /** Why ShareDB failed an operation. */
  interface ShareDBError extends Error {
    readonly code: string;
  }
  type Callback = (error?: ShareDBError | null) => void;

  /** A message the client sends or receives (only the fields the benchmark reads). */
  interface WireMessage {
    readonly a: string;
    readonly c?: string;
    readonly d?: string;
  }

  /** One document as a client holds it. */
  class Doc {
    readonly id: string;
    readonly version: number;
    readonly data: unknown;
    readonly type: unknown;
    create(data: unknown, type: string, callback?: Callback): void;
    subscribe(callback?: Callback): void;
    fetch(callback?: Callback): void;
    submitOp(op: unknown, options?: Record<string, unknown>, callback?: Callback): void;
    hasWritePending(): boolean;
    whenNothingPending(callback: () => void): void;
    on(event: 'op', listener: (op: unknown, source: unknown) => void): void;
    on(event: 'error', listener: (error: ShareDBError) => void): void;
  }

  /** A client's connection to a ShareDB server over a WebSocket-like socket. */
  class Connection {
    constructor(socket: unknown);
    get(collection: string, id: string): Doc;
    close(): void;
    on(event: 'send' | 'receive', listener: (message: WireMessage) => void): void;
    on(event: 'error', listener: (error: ShareDBError) => void): void;
  }

  const client: {
    readonly Connection: typeof Connection;
    readonly types: { register(type: { readonly name: string; readonly uri: string }): void };
  };
  export default client;
  export type { Connection, Doc, ShareDBError };
}

declare module '@teamwork/websocket-json-stream' {
  import { Duplex } from 'node:stream';

  /** A `ws` WebSocket as a duplex stream of JSON values, which ShareDB's `listen` takes. */
  export default class WebSocketJSONStream extends Duplex {
    constructor(ws: unknown);
  }
}
