import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DistSpaceError } from '@dist-space/ot-core';
import './errors.js';
import { type HeldFileLock, releaseFileLock, takeFileLock } from './file-lock.js';
import { corruptName, isPersistedWorkspace, pendingStoreCorrupt } from './persisted-state.js';
import { claimSlot, type PendingStore, type PersistedWorkspace } from './storage.js';

function isIdentity(value: unknown): value is { clientId: string } {
  return typeof (value as { clientId?: unknown } | null)?.clientId === 'string';
}

/** Flushes a directory's entries (a rename in it) to disk; Windows cannot open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Keeps pending changes in files under a directory (one JSON file per workspace, written to a
 * temporary file, flushed to disk and renamed, so a crash mid-write leaves the previous version
 * whole), so that a restarted Node process loses no unacknowledged edit. A file it cannot read or
 * parse is an error (`PENDING_STORE_UNREADABLE`, `PENDING_STORE_CORRUPT`), never taken for
 * "nothing saved"; a corrupt one is kept aside as `<file>.corrupt-<time>`.
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

  /**
   * Reads a saved file: undefined when there is none. A file that cannot be read, or that holds
   * something `valid` refuses, is an error, never "nothing saved": that would drop the pending
   * edits it holds. A corrupt file is moved aside (`<file>.corrupt-<time>`) for a person to look
   * at, so that the next save does not overwrite it.
   */
  private async read<T>(
    file: string,
    valid: (value: unknown) => value is T,
  ): Promise<T | undefined> {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DistSpaceError(
        'PENDING_STORE_UNREADABLE',
        `Cannot read the saved pending changes in ${file}: ${(e as Error).message}. Fix the file's permissions or the disk, then open again.`,
        { file },
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    if (valid(value)) return value;
    const keptAs = corruptName(file);
    await rename(file, keptAs);
    throw pendingStoreCorrupt(file, keptAs);
  }

  /**
   * Writes a file so that a crash leaves either the old or the new version whole: the data is
   * flushed to disk before the temporary file is renamed over the old one (else the rename can
   * reach the disk first and leave an empty file), and the directory after, so the rename lasts.
   */
  private async write(file: string, value: unknown): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await syncDirectory(dirname(file));
  }

  async load(key: string): Promise<PersistedWorkspace | undefined> {
    return this.read(await this.path(key), isPersistedWorkspace);
  }

  async save(key: string, value: PersistedWorkspace): Promise<void> {
    return this.write(await this.path(key), value);
  }

  async remove(key: string): Promise<void> {
    await rm(await this.path(key), { force: true });
  }

  async loadIdentity(): Promise<string | undefined> {
    const file = join(await this.slotDir(), 'client.json');
    return (await this.read(file, isIdentity))?.clientId;
  }

  async saveIdentity(clientId: string): Promise<void> {
    return this.write(join(await this.slotDir(), 'client.json'), { clientId });
  }
}
