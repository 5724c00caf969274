import type { Patch } from '../trace.js';

// What the client benchmark asks of each system: a document on a real server, a client that
// replays a trace into it as local edits, and a second client that only watches.

/** A writer and a passive reader of one document, connected to a server of one system. */
export interface ReplaySession {
  /** Applies one patch as a local edit of the writer; throws if the client refuses it. */
  apply(patch: Patch): void;
  /** Resolves once every edit the writer made is acknowledged by the server. */
  synced(): Promise<void>;
  /**
   * Resolves with `performance.now()` at the moment the passive reader first holds `text`
   * (checked on every change it receives). Call before the replay starts.
   */
  readerHolds(text: string): Promise<number>;
  /** The document as the writer has it. */
  writerText(): string;
  /** The document as the reader has it. */
  readerText(): string;
  /** How many changes the reader has received from the writer (the writer's batching). */
  readonly received: number;
  /** The first error either client met (a rejected change, a dropped connection), if any. */
  readonly failure: string | undefined;
  close(): Promise<void>;
}

/** One measured system: its server and how to set up a {@link ReplaySession}. */
export interface ReplaySystem {
  readonly name: string;
  /** The server's child-process entry (see server/server-process.ts). */
  readonly server: URL;
  /** Creates `doc` holding `start` on the server and connects a writer and a reader to it. */
  open(url: string, doc: string, start: string): Promise<ReplaySession>;
  /** The document as the server has it, read by a client connected afresh. */
  serverText(url: string, doc: string): Promise<string>;
}

/** Fails with `what` if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
