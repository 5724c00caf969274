import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PendingStore, PersistedWorkspace } from './storage.js';

/**
 * Keeps pending changes in files under a directory (one JSON file per workspace, written to a
 * temporary file and renamed, so a crash mid-write leaves the previous version), so that a
 * restarted Node process loses no unacknowledged edit.
 */
export class FilePendingStore implements PendingStore {
  /** @param dir - the directory; created on first save */
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  private async read<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined; // missing or unreadable: nothing saved
    }
  }

  private async write(file: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, file);
  }

  load(key: string): Promise<PersistedWorkspace | undefined> {
    return this.read(this.path(key));
  }

  save(key: string, value: PersistedWorkspace): Promise<void> {
    return this.write(this.path(key), value);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async loadIdentity(): Promise<string | undefined> {
    return (await this.read<{ clientId: string }>(join(this.dir, 'client.json')))?.clientId;
  }

  saveIdentity(clientId: string): Promise<void> {
    return this.write(join(this.dir, 'client.json'), { clientId });
  }
}
