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

/** The pid of a lock's holder, from its `<pid> <random>` stamp. */
function holderPid(stamp: string): number {
  return Number(stamp.split(' ')[0]);
}

/**
 * Takes the lock file at `path` for this process, or returns undefined when a live process holds
 * it. The file holds `<pid> <random>`; it is written whole under a temporary name and linked into
 * place, which fails when the lock exists, so a reader never sees a half-written lock. A lock whose
 * process is gone (a crash, a kill) is stale and is taken over (see {@link replaceStale}).
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
      if (isAlive(holderPid(holder))) return undefined;
      const replaced = await replaceStale(path, holder, temporary);
      if (replaced !== 'retry') return replaced ? { path, stamp } : undefined;
    }
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Replaces the stale lock `holder` at `path` by ours (`temporary`), when this taker is the one
 * that may: several processes can find the same stale lock at once, and removing it on sight
 * would let one remove the fresh lock another just made. So only the taker that creates the
 * marker `<path>.takeover-<holder's random part>` (exclusively, by link) may replace that lock;
 * it checks that the lock is still that stale one (a taker that came late, after an earlier
 * takeover removed its marker, finds the new holder instead), renames its own over it in one
 * step, and removes the marker. A marker whose taker died mid-takeover is removed, and the next
 * start takes the slot over.
 */
async function replaceStale(
  path: string,
  holder: string,
  temporary: string,
): Promise<boolean | 'retry'> {
  const marker = `${path}.takeover-${holder.split(' ')[1] ?? 'unknown'}`;
  try {
    await link(temporary, marker);
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw e;
    const taker = await readFile(marker, 'utf8').catch(() => undefined);
    if (taker !== undefined && !isAlive(holderPid(taker))) await rm(marker, { force: true });
    return false; // another taker is replacing it: the slot is taken
  }
  try {
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current !== holder) return 'retry'; // replaced or released already: look again
    await rename(temporary, path);
    return true;
  } finally {
    await rm(marker, { force: true });
  }
}

/** Releases a lock taken by {@link takeFileLock}, unless it is no longer ours. */
export async function releaseFileLock(lock: HeldFileLock): Promise<void> {
  const holder = await readFile(lock.path, 'utf8').catch(() => undefined);
  if (holder === lock.stamp) await rm(lock.path, { force: true });
}
