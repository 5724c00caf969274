import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';

/** A lock file this process holds: its path and the stamp it wrote, to release only its own. */
export interface HeldFileLock {
  readonly path: string;
  readonly stamp: string;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Takes the lock file at `path` for this process, or returns undefined when a live process holds
 * it. The file holds `<pid> <random>`; it is written whole under a temporary name and linked into
 * place, which fails when the lock exists, so a reader never sees a half-written lock. A lock whose
 * process is gone (a crash, a kill) is stale: it is moved aside under a unique name (only one of
 * several takers wins that rename) and the lock is taken afresh.
 */
export async function takeFileLock(path: string): Promise<HeldFileLock | undefined> {
  const stamp = `${process.pid} ${randomUUID()}`;
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, stamp);
  try {
    for (;;) {
      try {
        await link(temporary, path);
        return { path, stamp };
      } catch (e) {
        if (errorCode(e) !== 'EEXIST') throw e;
      }
      const holder = await readFile(path, 'utf8').catch(() => undefined);
      if (holder === undefined) continue; // released in between: try again
      if (isAlive(Number(holder.split(' ')[0]))) return undefined;
      const aside = `${path}.stale-${randomUUID()}`;
      try {
        await rename(path, aside);
      } catch (e) {
        if (errorCode(e) === 'ENOENT') continue; // another taker moved it first
        throw e;
      }
      const moved = await readFile(aside, 'utf8');
      if (moved !== holder) {
        // Between our read and our rename another taker replaced the stale lock by its own live
        // one, and we moved that: put it back and leave the slot to it.
        await link(aside, path).catch(() => undefined);
        await rm(aside, { force: true });
        return undefined;
      }
      await rm(aside, { force: true });
    }
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Releases a lock taken by {@link takeFileLock}, unless it is no longer ours. */
export async function releaseFileLock(lock: HeldFileLock): Promise<void> {
  const holder = await readFile(lock.path, 'utf8').catch(() => undefined);
  if (holder === lock.stamp) await rm(lock.path, { force: true });
}
