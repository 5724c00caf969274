import { type IDBPDatabase, openDB } from 'idb';
import type { PendingStore, PersistedWorkspace } from './storage.js';

const STORE = 'workspaces';
/** The key of the client id, which no workspace key can take (workspace keys start with `w:`). */
const IDENTITY = 'client-id';

/**
 * Keeps pending changes in the browser's IndexedDB, so a reload or a closed tab loses no
 * unacknowledged edit. One database per name; one record per workspace key.
 */
export class IndexedDbPendingStore implements PendingStore {
  private db: Promise<IDBPDatabase> | undefined;

  /** @param name - the database name (one per app is enough) */
  constructor(private readonly name = 'dist-space-client') {}

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
    return this.db;
  }

  async load(key: string): Promise<PersistedWorkspace | undefined> {
    return (await (await this.open()).get(STORE, key)) as PersistedWorkspace | undefined;
  }

  async save(key: string, value: PersistedWorkspace): Promise<void> {
    await (await this.open()).put(STORE, value, key);
  }

  async remove(key: string): Promise<void> {
    await (await this.open()).delete(STORE, key);
  }

  async loadIdentity(): Promise<string | undefined> {
    return (await (await this.open()).get(STORE, IDENTITY)) as string | undefined;
  }

  async saveIdentity(clientId: string): Promise<void> {
    await (await this.open()).put(STORE, clientId, IDENTITY);
  }
}
