import 'fake-indexeddb/auto';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexedDbPendingStore, type LockManagerLike } from '@dist-space/client';
import { FilePendingStore } from '@dist-space/client/node';
import { describe, expect, it } from 'vitest';
import { takeFileLock } from '../src/file-lock.js';
import {
  cleanupAfterEach,
  connect,
  goOffline,
  must,
  savedState,
  startTestServer,
  tempDir,
  textOf,
} from './support/setup.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

// Issue 7's exactly-once promise rests on one live client per clientId. A pending store shared by
// two tabs or two processes must not hand both the same id: each live client owns a slot.

const later = cleanupAfterEach();

async function server() {
  const s = await startTestServer();
  later(() => s.stop());
  return s;
}

async function connected(...args: Parameters<typeof connect>) {
  const c = await connect(...args);
  later(() => c.close());
  return c;
}

/** A pid that no process has: one of a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('FilePendingStore shared by two live clients', () => {
  it('gives each its own slot and client id, and both edits arrive exactly once', async () => {
    const srv = await server();
    const dir = await tempDir(later);
    const first = await connected(srv, 'alice', { storage: new FilePendingStore(dir) });
    const a = await first.open('w', { create: true });
    must(a.createFile('f.txt', ''));
    await a.whenSynced();
    const second = await connected(srv, 'alice', { storage: new FilePendingStore(dir) });
    expect(second.clientId).not.toBe(first.clientId);
    const b = await second.open('w');
    for (let i = 0; i < 10; i++) {
      must(a.insert('f.txt', 0, `<a${i}>`));
      must(b.insert('f.txt', 0, `<b${i}>`));
    }
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    const checker = await connected(srv, 'carol');
    const text = textOf(await checker.open('w'), 'f.txt');
    for (let i = 0; i < 10; i++) {
      expect(text.split(`<a${i}>`).length - 1).toBe(1);
      expect(text.split(`<b${i}>`).length - 1).toBe(1);
    }
    expect(text.length).toBe(80);
    // Closing a client frees its slot: the next one resumes under its id, and the closed
    // client's handle takes no more edits (they would be saved into a slot it no longer owns).
    await first.close();
    expect(a.insert('f.txt', 0, 'late').ok).toBe(false);
    const third = await connected(srv, 'alice', { storage: new FilePendingStore(dir) });
    expect(third.clientId).toBe(first.clientId);
  });

  it('takes over the slot of a crashed process (a stale lock) with its pending edits, across a restart of the client', async () => {
    const srv = await server();
    const dir = await tempDir(later);
    const first = await connected(srv, 'alice', { storage: new FilePendingStore(dir) });
    const a = await first.open('w', { create: true });
    must(a.createFile('f.txt', 'saved'));
    await a.whenSynced();
    // Go offline for good, type, let it be saved...
    await goOffline(first);
    must(a.insert('f.txt', 5, ' offline'));
    must(a.createFile('new.txt', 'made offline'));
    await a.whenSaved();
    // ...and "crash": the lock stays behind, naming a process that no longer runs.
    const lock = join(dir, 'slot-0', 'owner.lock');
    await writeFile(lock, `${deadPid()} crashed`);
    const again = await connected(srv, 'alice', { storage: new FilePendingStore(dir) });
    expect(again.clientId).toBe(first.clientId);
    const b = await again.open('w');
    expect(textOf(b, 'f.txt')).toBe('saved offline');
    await b.whenSynced();
    const checker = await connected(srv, 'bob');
    const check = await checker.open('w');
    expect(textOf(check, 'f.txt')).toBe('saved offline');
    expect(textOf(check, 'new.txt')).toBe('made offline');
    expect((await readFile(lock, 'utf8')).startsWith(`${process.pid} `)).toBe(true);
  });

  it('keeps a slot held by another live process, and takes it over once that process is killed', async () => {
    const dir = await tempDir(later);
    // tsx as a loader of this very process (its CLI would run the script in a grandchild).
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@dist-space/source',
        fileURLToPath(new URL('./support/hold-store-child.ts', import.meta.url)),
        dir,
        'c-child',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    later(() => child.kill('SIGKILL'));
    const childSlot = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child took no slot in 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`the child exited (${code})`)));
      child.stdout!.once('data', (data: Buffer) => {
        clearTimeout(timer);
        resolve(data.toString().trim());
      });
    });
    expect(childSlot).toBe(join(dir, 'slot-0'));
    const mine = new FilePendingStore(dir);
    expect(await mine.slotDir()).toBe(join(dir, 'slot-1'));
    expect(await mine.loadIdentity()).toBeUndefined();
    await mine.release();
    // The child "crashes": its lock stays, naming a pid that is gone, and the next store takes
    // over its slot and its client id.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const next = new FilePendingStore(dir);
    later(() => next.release());
    expect(await next.slotDir()).toBe(join(dir, 'slot-0'));
    expect(await next.loadIdentity()).toBe('c-child');
  }, 30_000);

  it('lets exactly one of several takers replace a stale lock', async () => {
    const dead = deadPid();
    for (let round = 0; round < 50; round++) {
      const dir = await tempDir(later);
      const path = join(dir, 'owner.lock');
      await writeFile(path, `${dead} stale`);
      const taken = await Promise.all(Array.from({ length: 8 }, () => takeFileLock(path)));
      const winners = taken.filter((lock) => lock !== undefined);
      expect(winners.length, `round ${round}`).toBe(1);
      expect(await readFile(path, 'utf8')).toBe(winners[0]!.stamp);
      expect(await readdir(dir)).toEqual(['owner.lock']); // no marker or temporary file left
    }
  });

  it('frees its slot on close, for the next client with the same id', async () => {
    const dir = await tempDir(later);
    const one = new FilePendingStore(dir);
    await one.saveIdentity('c-one');
    const two = new FilePendingStore(dir);
    expect(await two.loadIdentity()).toBeUndefined(); // slot 1: slot 0 is held
    expect(await two.slotDir()).toBe(join(dir, 'slot-1'));
    await one.release();
    await two.release();
    const three = new FilePendingStore(dir);
    expect(await three.loadIdentity()).toBe('c-one');
    await three.release();
  });

  it('frees its slot when connecting fails on a damaged saved client id', async () => {
    const s = await server();
    const dir = await tempDir(later);
    const first = new FilePendingStore(dir);
    await writeFile(join(await first.slotDir(), 'client.json'), '{"client');
    await first.release();
    // The damaged id is an error the application sees; the slot must not stay held by a client
    // that never started, else every later start in this process gets a slot (and id) of its own.
    await expect(connect(s, 'alice', { storage: new FilePendingStore(dir) })).rejects.toMatchObject(
      { code: 'PENDING_STORE_CORRUPT' },
    );
    const next = new FilePendingStore(dir);
    later(() => next.release());
    expect(await next.slotDir()).toBe(join(dir, 'slot-0'));
  });
});

/** The Web Locks API as a tab sees it: a name is held until the callback's promise settles. */
function fakeLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async request(name, _options, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe('IndexedDbPendingStore shared by two tabs', () => {
  it('gives the second tab its own slot, and the next tab the slot of a closed one', async () => {
    const locks = fakeLocks();
    const name = `tabs-${Math.random()}`;
    const tab1 = new IndexedDbPendingStore(name, { locks });
    await tab1.acquire();
    await tab1.saveIdentity('c-tab1');
    await tab1.save('w:x', savedState('c-tab1'));
    const tab2 = new IndexedDbPendingStore(name, { locks });
    await tab2.acquire();
    expect(await tab2.loadIdentity()).toBeUndefined();
    expect(await tab2.load('w:x')).toBeUndefined();
    await tab2.saveIdentity('c-tab2');
    expect(await tab1.loadIdentity()).toBe('c-tab1');
    expect([...locks.held].sort()).toEqual([`${name}/slot-0`, `${name}/slot-1`]);
    // Tab 1 closes (the browser releases its lock): the next tab recovers its pending edits.
    await tab1.release();
    const tab3 = new IndexedDbPendingStore(name, { locks });
    expect(await tab3.loadIdentity()).toBe('c-tab1');
    expect(await tab3.load('w:x')).toEqual(savedState('c-tab1'));
    await tab2.release();
    await tab3.release();
    expect(locks.held.size).toBe(0);
  });

  it('fails to start, rather than hanging, when the browser refuses the lock request', async () => {
    // Web Locks rejects some names (one starting with '-') without ever calling back.
    const locks: LockManagerLike = {
      request: () => Promise.reject(new DOMException('Lock names cannot start with "-".')),
    };
    const store = new IndexedDbPendingStore(`-refused-${Math.random()}`, { locks });
    const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000));
    await expect(Promise.race([store.acquire(), hung])).rejects.toThrow(/cannot start with/);
  });
});
