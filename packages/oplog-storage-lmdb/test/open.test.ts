import { mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord } from '@dist-space/oplog-storage';
import { changesFrom, collect, expectCode } from '@dist-space/oplog-storage/testing';
import {
  checkDataFile,
  LMDB_STORE_FORMAT_VERSION,
  LmdbRecordKind,
  openLmdbOpLogStore,
  walkLmdbStore,
} from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { withTempDir } from './support/temp-dir.js';

describe('opening an LMDB store', () => {
  it('refuses a missing data directory unless asked to create it', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'data');
      const missing = await expectCode(openLmdbOpLogStore({ path }), 'DATA_DIR_MISSING');
      expect(missing.message).toContain(path);
      const store = await openLmdbOpLogStore({ path, create: true });
      await store.createWorkspace('ws');
      await store.close();
      const reopened = await openLmdbOpLogStore({ path });
      expect(await reopened.listWorkspaces()).toEqual(['ws']);
      await reopened.close();
    }));

  it('refuses a path that is a file', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'file');
      writeFileSync(path, 'not a directory');
      await expectCode(openLmdbOpLogStore({ path, create: true }), 'DATA_DIR_MISSING');
    }));

  it('refuses a store written by a newer format version', () =>
    withTempDir(async (dir) => {
      const store = await openLmdbOpLogStore({ path: dir });
      await store.close();
      // Rewrite the format record as a future version would.
      const root = open({ path: dir, maxDbs: 8, overlappingSync: false });
      const meta = root.openDB({ name: 'meta', encoding: 'binary' });
      const future = LMDB_STORE_FORMAT_VERSION + 1;
      await meta.put(
        'store',
        Buffer.from(encodeRecord(LmdbRecordKind.StoreInfo, [future, 'the future'])),
      );
      await root.close();
      const error = await expectCode(
        openLmdbOpLogStore({ path: dir }),
        'STORE_VERSION_UNSUPPORTED',
      );
      expect(error.details).toMatchObject({ found: future, supported: LMDB_STORE_FORMAT_VERSION });
    }));

  it('reports a data file that is not LMDB’s as corrupt instead of crashing', () =>
    withTempDir(async (dir) => {
      const cases: Array<[string, Buffer]> = [
        ['short', Buffer.from('0123456789')],
        ['zeros', Buffer.alloc(100_000)],
        ['text', Buffer.from('this is a text file\n'.repeat(1000))],
      ];
      for (const [name, content] of cases) {
        const path = join(dir, name);
        mkdirSync(path);
        writeFileSync(join(path, 'data.mdb'), content);
        const error = await expectCode(openLmdbOpLogStore({ path }), 'STORE_CORRUPT');
        expect(error.message).toContain('data.mdb');
      }
    }));

  it('starts a new store over an empty data file, as a crash during creation leaves', () =>
    withTempDir(async (dir) => {
      writeFileSync(join(dir, 'data.mdb'), '');
      const store = await openLmdbOpLogStore({ path: dir });
      expect(await store.listWorkspaces()).toEqual([]);
      await store.close();
    }));

  it('lets two stores in one process share a directory', () =>
    withTempDir(async (dir) => {
      const first = await openLmdbOpLogStore({ path: dir });
      const second = await openLmdbOpLogStore({ path: dir });
      await first.createWorkspace('ws');
      await first.append('ws', changesFrom(1, 3));
      expect(await second.lastRevision('ws')).toBe(3);
      await expectCode(second.append('ws', changesFrom(3, 1, { seq: 30 })), 'REVISION_EXISTS');
      await second.append('ws', changesFrom(4, 1));
      await first.close();
      expect(await collect(second.read('ws', 1))).toEqual(changesFrom(1, 4));
      await second.close();
    }));
});

describe('walking every page of a store', () => {
  it('reports a sound store’s entries', () =>
    withTempDir(async (dir) => {
      const store = await openLmdbOpLogStore({ path: dir });
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 10));
      await store.close();
      const report = await walkLmdbStore(dir);
      // 10 changes, 10 dedupe entries, 1 client, 1 workspace, 2 meta records.
      expect(report.entries).toBe(24);
      expect(report.bytes).toBeGreaterThan(0);
    }));

  it('reports a cut data file as STORE_CORRUPT, from another process', () =>
    withTempDir(async (dir) => {
      const store = await openLmdbOpLogStore({ path: dir });
      await store.createWorkspace('ws');
      await store.append('ws', changesFrom(1, 200, { change: 'x'.repeat(5_000) }));
      await store.close();
      const file = join(dir, 'data.mdb');
      truncateSync(file, Math.floor(statSync(file).size / 2));
      // The meta pages show the cut: as a root past the end, or as a file short of its last page.
      let frame: string;
      try {
        frame = checkDataFile(dir);
      } catch (e) {
        frame = isDistSpaceError(e, 'STORE_CORRUPT') ? 'corrupt' : String(e);
      }
      expect(['short', 'corrupt']).toContain(frame);
      await expectCode(walkLmdbStore(dir), 'STORE_CORRUPT');
      await expectCode(openLmdbOpLogStore({ path: dir }), 'STORE_CORRUPT');
    }));
});
