import type { Connection, Doc, ShareDBError } from 'sharedb/lib/client';
import { toOtText } from '../ops.js';
import { openDoc, sharedb } from '../server/sharedb-client.js';
import type { Patch } from '../trace.js';
import type { ReplaySession, ReplaySystem } from './session.js';

// ShareDB's side of the client benchmark: its own client (`sharedb/lib/client`), a writer doc
// submitting one ot-text-unicode op per patch and a reader doc subscribed to the same document.
// ShareDB's client applies each op to its string at once, keeps one op in flight and composes
// the ops submitted meanwhile into one pending op, which it sends on the next tick after the
// ack: its own pipelining, nothing added here.

class ShareDBSession implements ReplaySession {
  failure: string | undefined;
  received = 0;
  private readonly acked = (error?: ShareDBError | null) => {
    if (error) this.fail(`writer: submit failed: ${error.code} ${error.message}`);
  };

  constructor(
    private readonly connections: readonly Connection[],
    private readonly writer: Doc,
    private readonly reader: Doc,
  ) {
    for (const connection of connections) {
      connection.on('error', (error) => this.fail(`connection: ${error.message}`));
    }
    for (const doc of [writer, reader]) doc.on('error', (error) => this.fail(error.message));
    reader.on('op', () => this.received++);
  }

  apply(patch: Patch): void {
    const op = toOtText(patch);
    if (op.length > 0) this.writer.submitOp(op, undefined, this.acked);
  }

  synced(): Promise<void> {
    return new Promise((resolve) => this.writer.whenNothingPending(resolve));
  }

  readerHolds(text: string): Promise<number> {
    return new Promise((resolve) => {
      const holds = () => this.reader.data === text;
      if (holds()) {
        resolve(performance.now());
        return;
      }
      let done = false;
      this.reader.on('op', () => {
        if (done || !holds()) return;
        done = true;
        resolve(performance.now());
      });
    });
  }

  writerText(): string {
    return this.writer.data as string;
  }

  readerText(): string {
    return this.reader.data as string;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
  }

  private fail(why: string): void {
    this.failure ??= `ShareDB: ${why}`;
  }
}

/** ShareDB's client against its server (in-memory database, ot-text-unicode). */
export const sharedbReplay: ReplaySystem = {
  name: sharedb.name,
  server: sharedb.server,
  async open(url, doc, start) {
    const writer = await openDoc(url, doc, start);
    const reader = await openDoc(url, doc, undefined);
    return new ShareDBSession([writer.connection, reader.connection], writer.doc, reader.doc);
  },
  serverText: (url, doc) => sharedb.serverText(url, doc),
};
