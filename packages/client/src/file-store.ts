import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HeldFileLock, releaseFileLock, takeFileLock } from './file-lock.js';
import { claimSlot, type PendingStore, type PersistedWorkspace } from './storage.js';

/**
 * Keeps pending changes in files under a directory (one JSON file per workspace, written to a
 * temporary file and renamed, so a crash mid-write leaves the previous version), so that a
 * restarted Node process loses no unacknowledged edit.
 *
 * One live client owns a slot of the directory (`slot-0/`, `slot-1/`, ...: its client id and its
 * workspaces) through a lock file holding its pid. A second process started on the same directory
 * takes the next free slot, so it runs under a client id of its own; a slot whose process is gone
 * is free again, and the next client to start takes it over with its pending edits.
 */
export class FilePendingStore implements PendingStore {
  private claimed: Promise<{ dir: string; lock: HeldFileLock }> | undefined;

  /** @param dir - the directory; created on first use */
  constructor(private readonly dir: string) {}

  /** The directory of the slot this store holds (taken on first use). */
  async slotDir(): Promise<string> {
    return (await this.claim()).dir;
  }

  /** Takes the lowest free slot of the directory; called by `Client.connect`, else on first use. */
  async acquire(): Promise<void> {
    await this.claim();
  }

  /** Releases the slot's lock; the next use takes a slot again. */
  async release(): Promise<void> {
    const claimed = this.claimed;
    this.claimed = undefined;
    if (claimed) await releaseFileLock((await claimed).lock);
  }

  private claim(): Promise<{ dir: string; lock: HeldFileLock }> {
    this.claimed ??= claimSlot(async (slot) => {
      const dir = join(this.dir, `slot-${slot}`);
      await mkdir(dir, { recursive: true });
      const lock = await takeFileLock(join(dir, 'owner.lock'));
      return lock && { dir, lock };
    }).then((claimed) => claimed.lock);
    return this.claimed;
  }

  private async path(key: string): Promise<string> {
    return join(await this.slotDir(), `${encodeURIComponent(key)}.json`);
  }

  private async read<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined; // missing or unreadable: nothing saved
    }
  }

  private async write(file: string, value: unknown): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, file);
  }

  async load(key: string): Promise<PersistedWorkspace | undefined> {
    return this.read(await this.path(key));
  }

  async save(key: string, value: PersistedWorkspace): Promise<void> {
    return this.write(await this.path(key), value);
  }

  async remove(key: string): Promise<void> {
    await rm(await this.path(key), { force: true });
  }

  async loadIdentity(): Promise<string | undefined> {
    const file = join(await this.slotDir(), 'client.json');
    return (await this.read<{ clientId: string }>(file))?.clientId;
  }

  async saveIdentity(clientId: string): Promise<void> {
    return this.write(join(await this.slotDir(), 'client.json'), { clientId });
  }
}
