import { MemoryPendingStore, type PersistedWorkspace } from '@dist-space/client';
import { describe, expect, it } from 'vitest';
import { PendingSaver } from '../src/pending-saver.js';

function state(revision: number): PersistedWorkspace {
  return {
    format: 1,
    clientId: 'c',
    nextSeq: 1,
    idPrefix: 'p',
    nextNodeId: 1,
    revision,
    confirmed: { files: [] } as unknown as PersistedWorkspace['confirmed'],
    buffered: [],
  };
}

/** A memory store that counts its writes and can be told to fail the next one. */
class CountingStore extends MemoryPendingStore {
  writes = 0;
  failNext = false;
  override async save(key: string, value: PersistedWorkspace): Promise<void> {
    this.writes++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    await super.save(key, value);
  }
}

describe('PendingSaver', () => {
  it('groups the changes of one window into one write of the newest state', async () => {
    const store = new CountingStore();
    let revision = 0;
    const saver = new PendingSaver(
      store,
      'w:x',
      () => state(revision),
      20,
      () => undefined,
    );
    for (revision = 1; revision <= 50; revision++) saver.changed();
    revision = 50;
    expect(store.writes).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.writes).toBe(1);
    expect((await store.load('w:x'))?.revision).toBe(50);
  });

  it('writes at once on flush, and a failed write does not stop the next', async () => {
    const store = new CountingStore();
    let revision = 1;
    const errors: unknown[] = [];
    const saver = new PendingSaver(
      store,
      'w:x',
      () => state(revision),
      60_000,
      (e) => errors.push(e),
    );
    store.failNext = true;
    saver.changed();
    await expect(saver.flush()).rejects.toThrow('disk full');
    expect(errors).toHaveLength(1);
    revision = 2;
    saver.changed();
    await saver.flush();
    expect(store.writes).toBe(2);
    expect((await store.load('w:x'))?.revision).toBe(2);
    await saver.flush();
    expect(store.writes).toBe(2);
  });

  it('reports a failed scheduled write to onError and never leaves a rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new CountingStore();
      const errors: unknown[] = [];
      const saver = new PendingSaver(
        store,
        'w:x',
        () => state(1),
        5,
        (e) => errors.push(e),
      );
      store.failNext = true;
      saver.changed(); // nobody awaits this write
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
      expect(unhandled).toEqual([]);
      // The next change tries again, and succeeds.
      saver.changed();
      await saver.flush();
      expect(store.writes).toBe(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
