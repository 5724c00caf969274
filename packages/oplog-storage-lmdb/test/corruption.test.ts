import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeChange, encodeSnapshot } from '@dist-space/oplog-storage';
import { collect, expectCode } from '@dist-space/oplog-storage/testing';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { isDistSpaceError } from '@dist-space/ot-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChild } from './support/child.js';
import { CORPUS, CORPUS_REVISIONS, CORPUS_SNAPSHOTS, writeCorpus } from './support/corpus.js';
import { changeAt, random, stateAt } from './support/workload.js';

const SEED = Number(process.env.DIST_SPACE_CORRUPTION_SEED ?? Date.now() % 2 ** 31);

/** Every place in `file` where `bytes` occur (LMDB may keep stale copies in free pages). */
function occurrences(file: Buffer, bytes: Uint8Array): number[] {
  const found: number[] = [];
  for (let at = file.indexOf(bytes); at !== -1; at = file.indexOf(bytes, at + 1)) found.push(at);
  return found;
}

/** Changes one byte at `offset` into each copy of `record` in the data file of `dir`. */
function damageRecord(dir: string, record: Uint8Array, offset: number, delta = 0x5a): void {
  const path = join(dir, 'data.mdb');
  const file = readFileSync(path);
  const places = occurrences(file, record);
  expect(places.length, 'the record is in the data file').toBeGreaterThan(0);
  for (const at of places) file[at + offset] = (file[at + offset]! + delta) & 0xff;
  writeFileSync(path, file);
}

/** The encoded records of the corpus: every change and snapshot a probe reads. */
function corpusRecords(): Uint8Array[] {
  return CORPUS.flatMap(({ name, first }) => [
    ...Array.from({ length: CORPUS_REVISIONS - first + 1 }, (_, i) =>
      encodeChange(changeAt(first + i, `${name}-client`)),
    ),
    ...CORPUS_SNAPSHOTS.map((rev) => encodeSnapshot({ rev, time: rev, state: stateAt(rev) })),
  ]);
}

interface ProbeOutcome {
  outcome: string;
  code?: string;
  detail?: string;
}

async function probe(dir: string): Promise<ProbeOutcome> {
  const run = await runChild('probe-child.ts', [dir], { timeoutMs: 30_000 });
  const line = run.lines.at(-1);
  return line === undefined
    ? { outcome: `died (${run.signal ?? run.code}): ${run.stderr.slice(-300)}` }
    : (JSON.parse(line) as ProbeOutcome);
}

describe('a damaged data directory', () => {
  let root: string;
  let pristine: string;
  let trial = 0;
  const copy = () => {
    const dir = join(root, `copy-${trial++}`);
    cpSync(pristine, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dist-space-corruption-'));
    pristine = join(root, 'pristine');
    const store = await openLmdbOpLogStore({ path: pristine, create: true });
    await writeCorpus(store);
    await store.close();
    expect(await probe(pristine)).toEqual({ outcome: 'sound' });
    return () => rmSync(root, { recursive: true, force: true });
  });

  it('reports a damaged change as STORE_CORRUPT with its workspace and revision, and reads the rest', async () => {
    const dir = copy();
    const client = 'w1-client';
    damageRecord(dir, encodeChange(changeAt(150, client)), 40); // a small change, inside a leaf page
    damageRecord(dir, encodeChange(changeAt(175, client)), 30_000); // 64 KiB: an overflow page
    const store = await openLmdbOpLogStore({ path: dir });
    const small = await expectCode(collect(store.read('w1', 1)), 'STORE_CORRUPT');
    expect(small.details).toMatchObject({ workspace: 'w1', rev: 150, record: 'change' });
    expect(small.message).toContain('revision 150 of workspace "w1"');
    const large = await expectCode(collect(store.read('w1', 151)), 'STORE_CORRUPT');
    expect(large.details).toMatchObject({ workspace: 'w1', rev: 175 });
    expect(await collect(store.read('w1', 151, 174))).toHaveLength(24);
    expect(await collect(store.read('w1', 176))).toHaveLength(CORPUS_REVISIONS - 175);
    await expectCode(store.findBySeq('w1', client, 150), 'STORE_CORRUPT');
    expect(await store.findBySeq('w1', client, 151)).toEqual(changeAt(151, client));
    await store.close();
  });

  it('reports a damaged snapshot, and still loads the others', async () => {
    const dir = copy();
    damageRecord(dir, encodeSnapshot({ rev: 200, time: 200, state: stateAt(200) }), 8);
    const store = await openLmdbOpLogStore({ path: dir });
    const error = await expectCode(store.loadSnapshot('w2', 250), 'STORE_CORRUPT');
    expect(error.details).toMatchObject({ workspace: 'w2', rev: 200, record: 'snapshot' });
    expect(await store.loadSnapshot('w2')).toEqual({ rev: 300, time: 300, state: stateAt(300) });
    await store.close();
  });

  it(`reports damage to any record as STORE_CORRUPT, never as other data (seed ${SEED})`, async () => {
    const records = corpusRecords();
    const next01 = random(SEED);
    const dirs = Array.from({ length: 8 }, () => {
      const dir = copy();
      const record = records[Math.floor(next01() * records.length)]!;
      damageRecord(
        dir,
        record,
        Math.floor(next01() * record.length),
        1 + Math.floor(next01() * 255),
      );
      return dir;
    });
    for (const dir of dirs) {
      expect(await probe(dir)).toMatchObject({ outcome: 'refused', code: 'STORE_CORRUPT' });
    }
  });

  it(`reports a cut data file as STORE_CORRUPT instead of crashing on it (seed ${SEED})`, async () => {
    const next01 = random(SEED + 1);
    const size = statSync(join(pristine, 'data.mdb')).size;
    const lengths = [
      0.5,
      1,
      4095,
      4096,
      8191,
      8192,
      12_288,
      ...Array.from({ length: 6 }, () => next01() * size),
    ].map((n) => Math.floor(n < 1 ? n * size : n));
    for (const length of lengths) {
      const dir = copy();
      truncateSync(join(dir, 'data.mdb'), length);
      const outcome = await probe(dir);
      // An empty file is a new store to LMDB, so the probe finds the corpus missing: refused.
      expect(outcome, `cut at ${length}`).toMatchObject({ outcome: 'refused' });
      expect(['STORE_CORRUPT', 'WORKSPACE_NOT_FOUND'], `cut at ${length}`).toContain(outcome.code);
      if (length > 0) expect(outcome.code).toBe('STORE_CORRUPT');
    }
  });

  it('reports damaged meta pages, or survives them, and never crashes', async () => {
    const cases: Array<[string, (file: Buffer) => void]> = [
      ['page 0 zeroed', (file) => file.fill(0, 0, 4096)],
      ['page 1 zeroed', (file) => file.fill(0, 4096, 8192)],
      ['both meta pages zeroed', (file) => file.fill(0, 0, 8192)],
      ['page size garbled', (file) => file.writeUInt32LE(12_345, 48)],
      ['main tree root past the end', (file) => file.writeBigUInt64LE(1n << 40n, 136)],
      ['free tree root past the end', (file) => file.writeBigUInt64LE(1n << 40n, 88)],
      ['LMDB format version changed', (file) => file.writeUInt32LE(3, 28)],
    ];
    for (const [name, damage] of cases) {
      const dir = copy();
      const path = join(dir, 'data.mdb');
      const file = readFileSync(path);
      damage(file);
      writeFileSync(path, file);
      const outcome = await probe(dir);
      expect(['sound', 'refused'], `${name}: ${JSON.stringify(outcome)}`).toContain(
        outcome.outcome,
      );
      if (outcome.outcome === 'refused') {
        expect(['STORE_CORRUPT', 'STORE_VERSION_UNSUPPORTED'], name).toContain(outcome.code);
      }
    }
  });

  it('rebuilds a damaged lock file, which holds no data', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'lock.mdb'), Buffer.alloc(8272, 0xa5));
    expect(await probe(dir)).toEqual({ outcome: 'sound' });
  });

  it('never throws anything but a DistSpaceError from a damaged store', async () => {
    const dir = copy();
    damageRecord(dir, encodeChange(changeAt(120, 'w2-client')), 0, 1); // the version byte
    const store = await openLmdbOpLogStore({ path: dir });
    const error = await collect(store.read('w2', 1)).catch((e: unknown) => e);
    expect(isDistSpaceError(error, 'STORE_CORRUPT')).toBe(true);
    await store.close();
  });
});
