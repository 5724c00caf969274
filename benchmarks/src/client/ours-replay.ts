import { Client, type WorkspaceHandle } from '@dist-space/client';
import { nodeConnector } from '@dist-space/client/node';
import { toOurs } from '../ops.js';
import { ours } from '../server/ours-client.js';
import type { Patch } from '../trace.js';
import type { ReplaySession, ReplaySystem } from './session.js';

// Dist-Space's side of the client benchmark: the SDK (`@dist-space/client`) as an application
// uses it, a writer editing one file of a workspace through `edit` and a reader with the same
// workspace open, both over WebSocket to the reference server (LMDB, durable acks).

const FILE = 'doc.txt';

function connect(url: string): Promise<Client> {
  return Client.connect({ connect: nodeConnector(url), agent: 'dist-space-bench' });
}

class OurSession implements ReplaySession {
  failure: string | undefined;
  received = 0;
  private readonly fileId: string;

  constructor(
    private readonly clients: readonly Client[],
    private readonly writer: WorkspaceHandle,
    private readonly reader: WorkspaceHandle,
  ) {
    const file = reader.state.resolve(FILE);
    if (!file.ok) throw file.error;
    this.fileId = file.value.id;
    writer.on('rejected', ({ error }) =>
      this.fail(`writer: rejected ${error.code}: ${error.message}`),
    );
    for (const client of clients) {
      client.on('connection', ({ state, error }) => {
        if (state !== 'connected' && state !== 'closed')
          this.fail(`connection ${state}${error ? `: ${error.message}` : ''}`);
      });
    }
    reader.on('change', ({ local }) => {
      if (!local) this.received++;
    });
  }

  apply(patch: Patch): void {
    const done = this.writer.edit(FILE, toOurs(patch));
    if (!done.ok) throw done.error;
  }

  synced(): Promise<void> {
    return this.writer.whenSynced();
  }

  readerHolds(text: string): Promise<number> {
    return new Promise((resolve) => {
      const check = () => {
        const current = this.reader.state.text(this.fileId);
        if (current?.length !== text.length || current.toString() !== text) return false;
        resolve(performance.now());
        return true;
      };
      if (check()) return;
      const off = this.reader.on('change', () => {
        if (check()) off();
      });
    });
  }

  writerText(): string {
    return textOf(this.writer);
  }

  readerText(): string {
    return textOf(this.reader);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  private fail(why: string): void {
    this.failure ??= `ours: ${why}`;
  }
}

function textOf(handle: WorkspaceHandle): string {
  const read = handle.read(FILE);
  if (!read.ok) throw read.error;
  return read.value;
}

/** The Dist-Space client SDK against the reference server, as a {@link ReplaySystem}. */
export const oursReplay: ReplaySystem = {
  name: 'ours',
  server: ours.server,
  async open(url, doc, start) {
    const writerClient = await connect(url);
    const writer = await writerClient.open(doc, { create: true });
    const created = writer.createFile(FILE, start);
    if (!created.ok) throw created.error;
    await writer.whenSynced();
    const readerClient = await connect(url);
    const reader = await readerClient.open(doc);
    return new OurSession([writerClient, readerClient], writer, reader);
  },
  async serverText(url, doc) {
    const client = await connect(url);
    try {
      return textOf(await client.open(doc));
    } finally {
      await client.close();
    }
  },
};
