import { insert, mapPosition } from '@dist-space/ot-core';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  type MessageOf,
  type MessageType,
  PROTOCOL_VERSION,
} from '@dist-space/protocol';
import type { Connection } from '@dist-space/transport-adapters';
import { connectNodeWebSocket } from '@dist-space/transport-adapters/node';
import {
  applyWorkspaceChange,
  composeWorkspaceChanges,
  transformWorkspaceX,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { type System, type TypingClient, TypingClientBase, type Typist } from './typing.js';

// Dist-Space's side of the server benchmark: a client that speaks the protocol the way the
// server's test client (test/support/mini-client.ts) does: ot.js's three states, one file.

const FILE_NAME = 'doc.txt';
const SETUP_TIMEOUT_MS = 30_000;

/** The change as the file's creator sends it, and the id every client edits. */
function createFile(clientId: string, content: string) {
  const id = `${clientId}:1`;
  const change: WorkspaceChange = [
    { type: 'createFile', id, parent: 'root', name: FILE_NAME, ancestors: [], content },
  ];
  return { id, change };
}

function mustApply(state: Workspace, change: WorkspaceChange): Workspace {
  const applied = applyWorkspaceChange(state, change);
  if (!applied.ok) throw applied.error;
  return applied.value;
}

interface InFlight {
  readonly seq: number;
  change: WorkspaceChange;
  readonly sentAt: number;
}

/** One connection to our server, typing into one file of one workspace. */
class OurTypist extends TypingClientBase implements TypingClient {
  private state!: Workspace;
  private revision = 0;
  private fileId = '';
  private seq = 0;
  private inflight: InFlight | undefined;
  private buffer: WorkspaceChange = [];
  /** During setup: who waits for the next message. */
  private waiter: ((message: Message) => void) | undefined;

  constructor(
    private readonly connection: Connection,
    readonly clientId: string,
    private readonly workspace: string,
    typist: Typist,
  ) {
    super(typist, clientId);
    connection.onMessage((frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok) this.fail(`undecodable frame: ${decoded.error.message}`);
      else if (this.waiter) this.waiter(decoded.value);
      else this.receive(decoded.value);
    });
    connection.onClose((info) => {
      if (info.initiator !== 'local') this.fail(`connection closed: ${info.code}`);
    });
  }

  get idle(): boolean {
    return this.inflight === undefined && this.buffer.length === 0;
  }

  get version(): number {
    return this.revision;
  }

  text(): string {
    const read = this.state.read(FILE_NAME);
    return read.ok ? read.value : '';
  }

  /** Says Hello and opens the workspace; the creator also creates the file. */
  async join(create: boolean): Promise<void> {
    this.post({
      type: 'Hello',
      version: PROTOCOL_VERSION,
      positionEncoding: 'utf-16',
      clientId: this.clientId,
    });
    await this.reply('Welcome');
    this.post({ type: 'Open', requestId: 1, workspace: this.workspace, create });
    const snapshot = await this.reply('Snapshot');
    this.state = snapshot.state;
    this.revision = snapshot.revision;
    if (create) {
      const file = createFile(this.clientId, this.typist.source);
      this.post({
        type: 'Submit',
        workspace: this.workspace,
        baseRevision: this.revision,
        clientId: this.clientId,
        seq: ++this.seq,
        change: file.change,
      });
      const ack = await this.reply('Ack');
      this.state = mustApply(this.state, file.change);
      this.revision = ack.revision;
    }
    const file = this.state.resolve(FILE_NAME);
    if (!file.ok) throw file.error;
    this.fileId = file.value.id;
  }

  protected insert(position: number, character: string): void {
    const change: WorkspaceChange = [
      { type: 'edit', id: this.fileId, change: [insert(position, character)] },
    ];
    this.state = mustApply(this.state, change);
    if (this.inflight) this.buffer = composeWorkspaceChanges(this.buffer, change);
    else this.send(change);
  }

  close(): void {
    this.connection.close();
  }

  private send(change: WorkspaceChange): void {
    const seq = ++this.seq;
    this.inflight = { seq, change, sentAt: performance.now() };
    this.post({
      type: 'Submit',
      workspace: this.workspace,
      baseRevision: this.revision,
      clientId: this.clientId,
      seq,
      change,
    });
    // The next keystroke, typed while this change is in flight.
    queueMicrotask(() => this.type());
  }

  private receive(message: Message): void {
    if (message.type === 'Ack') this.acked(message);
    else if (message.type === 'Broadcast') this.remote(message);
    else if (message.type === 'Ping') this.post({ type: 'Pong', nonce: message.nonce });
    else if (message.type === 'Reject' || message.type === 'Error') {
      this.fail(`${message.type} ${message.error.code}: ${message.error.message}`);
    }
  }

  private acked(ack: MessageOf<'Ack'>): void {
    const inflight = this.inflight;
    if (ack.seq !== inflight?.seq) {
      this.fail(`Ack for seq ${ack.seq} while ${inflight?.seq} was in flight`);
      return;
    }
    this.revision = ack.revision;
    this.inflight = undefined;
    this.meter.acked(inflight.sentAt);
    if (this.buffer.length > 0) {
      const next = this.buffer;
      this.buffer = [];
      this.send(next);
    }
  }

  /** A change of another client: transformed past ours (sequenced first, so it wins ties). */
  private remote(broadcast: MessageOf<'Broadcast'>): void {
    if (broadcast.revision !== this.revision + 1) {
      this.fail(`Broadcast of revision ${broadcast.revision} after ${this.revision}`);
      return;
    }
    let change = broadcast.change;
    if (this.inflight) {
      const x = transformWorkspaceX(this.inflight.change, change, 'right');
      this.inflight.change = x.a.change;
      change = x.b.change;
    }
    if (this.buffer.length > 0) {
      const x = transformWorkspaceX(this.buffer, change, 'right');
      this.buffer = x.a.change;
      change = x.b.change;
    }
    this.state = mustApply(this.state, change);
    this.revision = broadcast.revision;
    for (const op of change) {
      if (op.type === 'edit' && op.id === this.fileId) {
        this.cursor = mapPosition(this.cursor, op.change).pos;
      }
    }
  }

  private post(message: Message): void {
    const sent = this.connection.send(encodeMessage(message));
    if (!sent.ok) this.fail(`send failed: ${sent.error.message}`);
  }

  /** The next message during setup, which must be of type `type`. */
  private reply<T extends MessageType>(type: T): Promise<MessageOf<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.clientId}: no ${type} within ${SETUP_TIMEOUT_MS} ms`));
      }, SETUP_TIMEOUT_MS);
      this.waiter = (message) => {
        if (message.type === 'Ping') return;
        clearTimeout(timer);
        this.waiter = undefined;
        if (message.type === type) resolve(message as MessageOf<T>);
        else reject(new Error(`${this.clientId}: expected ${type}, got ${describe(message)}`));
      };
    });
  }
}

function describe(message: Message): string {
  return 'error' in message
    ? `${message.type} ${message.error.code}: ${message.error.message}`
    : message.type;
}

let nextClient = 0;

async function connectTypist(url: string, workspace: string, typist: Typist): Promise<OurTypist> {
  const connection = await connectNodeWebSocket(url);
  if (!connection.ok) throw connection.error;
  return new OurTypist(connection.value, `bench${++nextClient}`, workspace, typist);
}

/** The Dist-Space reference server with LMDB, as a {@link System}. */
export const ours: System = {
  name: 'ours',
  server: new URL('./ours-server.ts', import.meta.url),
  async connect(url, doc, typists) {
    const [first, ...rest] = typists;
    const creator = await connectTypist(url, doc, first!);
    await creator.join(true);
    const others = await Promise.all(
      rest.map(async (typist) => {
        const client = await connectTypist(url, doc, typist);
        await client.join(false);
        return client;
      }),
    );
    return [creator, ...others];
  },
  async serverText(url, doc) {
    const reader = await connectTypist(url, doc, { source: ' ', cursor: 0 });
    try {
      await reader.join(false);
      return reader.text();
    } finally {
      reader.close();
    }
  },
};

/**
 * The same server and clients on the memory store: ShareDB's footing (its MemoryDB), to separate
 * what the server costs from what the durable commit costs. Not the goal's configuration.
 */
export const oursOnMemory: System = {
  ...ours,
  name: 'ours (memory store)',
  server: new URL('./ours-memory-server.ts', import.meta.url),
};
