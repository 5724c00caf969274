import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilePendingStore } from '@dist-space/client/node';
import { describe, expect, it, vi } from 'vitest';
import {
  cleanupAfterEach,
  connect,
  savedState,
  startTestServer,
  tempDir,
} from './support/setup.js';

// FilePendingStore's crash safety: what it writes reaches the disk before it replaces the old
// version, and a file it cannot make sense of is an error, kept aside, never "nothing saved".

const fsCalls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = () => {
        fsCalls.push(`sync ${String(args[0])}`);
        return sync();
      };
      return handle;
    },
    rename: (from: string, to: string) => {
      fsCalls.push(`rename ${from} -> ${to}`);
      return fs.rename(from, to);
    },
  };
});

const later = cleanupAfterEach();

async function store(): Promise<{ dir: string; store: FilePendingStore; slot: string }> {
  const dir = await tempDir(later, 'dist-space-filestore-');
  const s = new FilePendingStore(dir);
  later(() => s.release());
  return { dir, store: s, slot: await s.slotDir() };
}

const saved = savedState('c1');

describe('FilePendingStore', () => {
  it('flushes the new file to disk before renaming it into place, and the directory after', async () => {
    const { store: s, slot } = await store();
    fsCalls.length = 0;
    await s.save('w:x', saved);
    const file = join(slot, 'w%3Ax.json');
    const temporary = `${file}.${process.pid}.tmp`;
    expect(fsCalls).toEqual([
      `sync ${temporary}`,
      `rename ${temporary} -> ${file}`,
      ...(process.platform === 'win32' ? [] : [`sync ${slot}`]),
    ]);
    expect(await s.load('w:x')).toEqual(saved);
  });

  it('reports a corrupt file as an error and keeps it aside instead of dropping its edits', async () => {
    const { store: s, slot } = await store();
    const file = join(slot, 'w%3Ax.json');
    for (const garbage of ['{"format":1,"clientId":"c1","nextS', '{"format":1}', 'null']) {
      await writeFile(file, garbage);
      await expect(s.load('w:x')).rejects.toMatchObject({ code: 'PENDING_STORE_CORRUPT' });
      const kept = (await readdir(slot)).filter((f) => f.startsWith('w%3Ax.json.corrupt-'));
      expect(kept.length).toBeGreaterThan(0);
      const contents = await Promise.all(kept.map((f) => readFile(join(slot, f), 'utf8')));
      expect(contents).toContain(garbage);
      await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
      for (const f of kept) await rm(join(slot, f));
    }
    await writeFile(join(slot, 'client.json'), '{"client');
    await expect(s.loadIdentity()).rejects.toMatchObject({ code: 'PENDING_STORE_CORRUPT' });
  });

  it('reports a file it cannot read as PENDING_STORE_UNREADABLE and leaves it in place', async () => {
    const { store: s, slot } = await store();
    // A directory where the file should be: reading fails (EISDIR) whoever runs the test.
    const file = join(slot, 'w%3Ax.json');
    await mkdir(file);
    await expect(s.load('w:x')).rejects.toMatchObject({
      code: 'PENDING_STORE_UNREADABLE',
      details: { file },
    });
    expect((await stat(file)).isDirectory()).toBe(true);
  });

  it('lets the application see it: opening the workspace fails with the code, then starts afresh', async () => {
    const server = await startTestServer();
    later(() => server.stop());
    const { dir, store: s, slot } = await store();
    await s.release();
    const first = await connect(server, 'alice');
    later(() => first.close());
    await first.open('w', { create: true });
    await writeFile(join(slot, 'w%3Aw.json'), '{"format":1,"buffered":[{"type":"ed');
    const c = await connect(server, 'alice', { storage: new FilePendingStore(dir) });
    later(() => c.close());
    await expect(c.open('w')).rejects.toMatchObject({ code: 'PENDING_STORE_CORRUPT' });
    const again = await c.open('w');
    expect(again.revision).toBe(0);
  });
});
