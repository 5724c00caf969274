import { storeClosed } from '@dist-space/oplog-storage';
import { DistSpaceError } from '@dist-space/ot-core';
import type { RootDatabase } from 'lmdb';
import { classify, fromLmdbError } from './errors.js';

/**
 * How a store runs its transactions on one environment: synchronous reads, writes as child
 * transactions of lmdb-js's batch, both turning lmdb's exceptions into `DistSpaceError`s; and
 * the store's open/closed state, with the writes still in flight that flushing and closing wait
 * for.
 */
export class LmdbTransactions {
  readonly #path: string;
  readonly #root: RootDatabase;
  #closed = false;
  readonly #writes = new Set<Promise<unknown>>();

  /** Runs transactions on `root`, the environment in the data directory `path`. */
  constructor(path: string, root: RootDatabase) {
    this.#path = path;
    this.#root = root;
  }

  /** Throws `STORE_CLOSED` once {@link close} has begun. */
  checkOpen(): void {
    if (this.#closed) throw storeClosed();
  }

  /** Runs a synchronous read, turning lmdb's exceptions into `DistSpaceError`s. */
  read<T>(action: string, workspace: string | undefined, body: () => T): T {
    if (this.#closed) throw storeClosed();
    try {
      return body();
    } catch (e) {
      if (e instanceof DistSpaceError) throw e;
      throw classify(e, { path: this.#path, action, workspace });
    }
  }

  /**
   * Runs `body` in a child transaction of the next batch. A throw inside aborts just this child
   * (nothing it wrote stays); the promise resolves after the batch is committed and synced.
   */
  async write<T>(action: string, workspace: string | undefined, body: () => T): Promise<T> {
    if (this.#closed) throw storeClosed();
    const write = this.#root.childTransaction(body);
    this.#writes.add(write);
    try {
      return await write;
    } catch (e) {
      throw await fromLmdbError(e, { path: this.#path, action, workspace });
    } finally {
      this.#writes.delete(write);
    }
  }

  /** Waits for the writes in flight and for lmdb's last commit to be flushed. */
  async flush(): Promise<void> {
    if (this.#closed) throw storeClosed();
    await Promise.allSettled([...this.#writes]);
    await this.#root.flushed;
  }

  /** Refuses new work, waits for the writes in flight, then closes the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#writes]);
    await this.#root.close();
  }
}
