import { type TextOp, type as textUnicode } from 'ot-text-unicode';
import client, { type Connection, type Doc, type ShareDBError } from 'sharedb/lib/client';
import { WebSocket } from 'ws';
import { type System, type TypingClient, TypingClientBase, type Typist } from './typing.js';

// ShareDB's side of the server benchmark: its own client (`sharedb/lib/client`), which keeps one
// op in flight and composes the ops submitted meanwhile into one pending op, as ours does.

/** The collection every benchmark document lives in. */
export const COLLECTION = 'bench';
const SETUP_TIMEOUT_MS = 30_000;

client.types.register(textUnicode);

/** Calls `start` with a node-style callback and waits for it, bounded in time. */
export function settle(what: string, start: (done: (error?: ShareDBError | null) => void) => void) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ShareDB: ${what} took over ${SETUP_TIMEOUT_MS} ms`)),
      SETUP_TIMEOUT_MS,
    );
    start((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** One ShareDB connection typing into one document. */
class ShareDBTypist extends TypingClientBase implements TypingClient {
  /** When the op in flight was sent. */
  private sentAt: number | undefined;
  private readonly acked = (error?: ShareDBError | null) => {
    if (error) this.fail(`submit failed: ${error.code} ${error.message}`);
    // Every keystroke composed into the acknowledged op calls back; the first one counts it.
    const sentAt = this.sentAt;
    if (sentAt === undefined) return;
    this.sentAt = undefined;
    this.meter.acked(sentAt);
  };

  constructor(
    private readonly connection: Connection,
    private readonly doc: Doc,
    typist: Typist,
  ) {
    super(typist, `ShareDB ${doc.id}`);
    connection.on('error', (error) => this.fail(`connection: ${error.message}`));
    doc.on('error', (error) => this.fail(`doc: ${error.message}`));
    // ShareDB sends an op on a later tick, composed with whatever was typed until then.
    connection.on('send', (message) => {
      if (message.a !== 'op' || message.d !== doc.id) return;
      this.sentAt = performance.now();
      // The next keystroke, typed while this op is in flight (after ShareDB's send returns).
      queueMicrotask(() => this.type());
    });
    doc.on('op', (op, source) => {
      if (!source) this.cursor = textUnicode.transformPosition(this.cursor, op as TextOp);
    });
  }

  get idle(): boolean {
    return !this.doc.hasWritePending();
  }

  get version(): number {
    return this.doc.version;
  }

  text(): string {
    return this.doc.data as string;
  }

  protected insert(position: number, character: string): void {
    this.doc.submitOp([position, character], undefined, this.acked);
  }

  close(): void {
    this.connection.close();
  }
}

/** A ShareDB client connection to `url` over a `ws` WebSocket. */
export function connectTo(url: string): Connection {
  return new client.Connection(new WebSocket(url, { perMessageDeflate: false }));
}

/**
 * Connects to `url` and subscribes to document `id`; when `create` is given, creates it with that
 * text (ot-text-unicode) first.
 */
export async function openDoc(url: string, id: string, create: string | undefined) {
  const connection = connectTo(url);
  const doc = connection.get(COLLECTION, id);
  await settle(`subscribing to ${id}`, (done) => doc.subscribe(done));
  if (create !== undefined) {
    await settle(`creating ${id}`, (done) => doc.create(create, textUnicode.uri, done));
  }
  return { connection, doc };
}

/** ShareDB with its in-memory database and ot-text-unicode, as a {@link System}. */
export const sharedb: System = {
  name: 'ShareDB',
  server: new URL('./sharedb-server.ts', import.meta.url),
  async connect(url, id, typists) {
    const [first, ...rest] = typists;
    const creator = await openDoc(url, id, first!.source);
    const others = await Promise.all(rest.map(() => openDoc(url, id, undefined)));
    return [creator, ...others].map(
      ({ connection, doc }, i) => new ShareDBTypist(connection, doc, typists[i]!),
    );
  },
  async serverText(url, id) {
    const connection = connectTo(url);
    try {
      const doc = connection.get(COLLECTION, id);
      await settle(`fetching ${id}`, (done) => doc.fetch(done));
      return doc.data as string;
    } finally {
      connection.close();
    }
  },
};
