import { type IDBPDatabase, openDB } from 'idb';
import { corruptName, isPersistedWorkspace, pendingStoreCorrupt } from './persisted-state.js';
import { claimSlot, type PendingStore, type PersistedWorkspace } from './storage.js';

const STORE = 'workspaces';
/** The key of the client id within a slot, which no workspace key can take (they start `w:`). */
const IDENTITY = 'client-id';

/** The part of the Web Locks API (`navigator.locks`) the store uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { readonly ifAvailable: true },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

/** Options of {@link IndexedDbPendingStore}. */
export interface IndexedDbPendingStoreOptions {
  /** The Web Locks manager; `navigator.locks` by default. Without one, every client uses slot 0. */
  readonly locks?: LockManagerLike;
}

/**
 * Keeps pending changes in the browser's IndexedDB, so a reload or a closed tab loses no
 * unacknowledged edit. One database per name; one record per workspace key.
 *
 * Each live client owns a slot of the database (its client id and its workspaces) through a Web
 * Lock held for the client's life. A second tab of the same origin finds slot 0 taken and uses the
 * next free slot, under a client id of its own; when a tab closes or crashes the browser releases
 * its lock, and the next client to start takes that slot over with its pending edits.
 */
export class IndexedDbPendingStore implements PendingStore {
  private db: Promise<IDBPDatabase> | undefined;
  private claimed: Promise<{ prefix: string; release: () => void }> | undefined;
  private readonly locks: LockManagerLike | undefined;

  /** @param name - the database name (one per app is enough) */
  constructor(
    private readonly name = 'dist-space-client',
    options: IndexedDbPendingStoreOptions = {},
  ) {
    this.locks =
      options.locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  }

  /** Takes the lowest free slot; called by `Client.connect`, else on first use. */
  async acquire(): Promise<void> {
    await this.claim();
  }

  /** Releases the slot's lock; the next use takes a slot again. */
  async release(): Promise<void> {
    const claimed = this.claimed;
    this.claimed = undefined;
    if (claimed) (await claimed).release();
  }

  private claim(): Promise<{ prefix: string; release: () => void }> {
    const locks = this.locks;
    this.claimed ??= locks
      ? claimSlot(
          (slot) =>
            new Promise<(() => void) | undefined>((taken, refused) => {
              locks
                .request(`${this.name}/slot-${slot}`, { ifAvailable: true }, (lock) => {
                  if (!lock) return taken(undefined);
                  // The lock is held until this promise settles, which release() does.
                  return new Promise<void>((release) => taken(release));
                })
                // A request the browser refuses (a bad name, no permission) never calls back:
                // fail the claim with its error instead of waiting forever.
                .catch(refused);
            }),
        ).then(({ slot, lock }) => ({ prefix: `slot-${slot}/`, release: lock }))
      : Promise.resolve({ prefix: 'slot-0/', release: () => undefined });
    return this.claimed;
  }

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
    return this.db;
  }

  private async key(key: string): Promise<string> {
    return `${(await this.claim()).prefix}${key}`;
  }

  /**
   * What was saved for a workspace. A record that is not a valid saved state (written by another
   * version, damaged) is an error, never "nothing saved": it is moved to `<key>.corrupt-<time>`
   * and `PENDING_STORE_CORRUPT` raised, so its edits are not silently dropped.
   */
  async load(key: string): Promise<PersistedWorkspace | undefined> {
    const k = await this.key(key);
    const db = await this.open();
    const value: unknown = await db.get(STORE, k);
    if (value === undefined || isPersistedWorkspace(value)) return value;
    const keptAs = corruptName(k);
    const tx = db.transaction(STORE, 'readwrite');
    await Promise.all([tx.store.put(value, keptAs), tx.store.delete(k), tx.done]);
    throw pendingStoreCorrupt(`IndexedDB '${this.name}' key ${k}`, keptAs);
  }

  async save(key: string, value: PersistedWorkspace): Promise<void> {
    const k = await this.key(key);
    await (await this.open()).put(STORE, value, k);
  }

  async remove(key: string): Promise<void> {
    const k = await this.key(key);
    await (await this.open()).delete(STORE, k);
  }

  async loadIdentity(): Promise<string | undefined> {
    const k = await this.key(IDENTITY);
    return (await (await this.open()).get(STORE, k)) as string | undefined;
  }

  async saveIdentity(clientId: string): Promise<void> {
    const k = await this.key(IDENTITY);
    await (await this.open()).put(STORE, clientId, k);
  }
}
