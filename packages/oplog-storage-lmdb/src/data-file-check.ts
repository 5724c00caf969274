import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { DistSpaceError } from '@dist-space/ot-core';

// LMDB's meta pages, as lmdb-js 3 lays them out (liblmdb mdb.c: MDB_page_header, MDB_meta).
// Pages 0 and 1 each hold a meta record after a 24-byte page header; the newer one (by txnid)
// names the roots of the free-page tree and of the main tree.
const PAGE_HEADER = 24;
const P_META = 0x08;
const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const OFFSET = {
  flags: 18,
  magic: PAGE_HEADER,
  version: PAGE_HEADER + 4,
  pageSize: PAGE_HEADER + 24, // mm_dbs[FREE_DBI].md_pad
  freeRoot: PAGE_HEADER + 24 + 40, // mm_dbs[FREE_DBI].md_root
  mainRoot: PAGE_HEADER + 24 + 48 + 40, // mm_dbs[MAIN_DBI].md_root
  lastPage: PAGE_HEADER + 24 + 96,
  txnid: PAGE_HEADER + 24 + 96 + 8,
} as const;
const META_BYTES = OFFSET.txnid + 8;
const NO_PAGE = 0xffffffffffffffffn; // P_INVALID: an empty tree has no root

interface Meta {
  readonly pageSize: number;
  readonly lastPage: bigint;
  readonly freeRoot: bigint;
  readonly mainRoot: bigint;
  readonly txnid: bigint;
}

function corrupt(file: string, reason: string): DistSpaceError {
  return new DistSpaceError(
    'STORE_CORRUPT',
    `The store is corrupt: its data file ${file} ${reason}. Restore the data directory from a backup.`,
    { path: file, reason, record: 'data file' },
  );
}

function readMeta(page: Buffer, file: string, index: number): Meta | string {
  if (page.length < META_BYTES) return 'is too short to hold its meta pages';
  if ((page.readUInt16LE(OFFSET.flags) & P_META) === 0) return `has no meta page at page ${index}`;
  if (page.readUInt32LE(OFFSET.magic) !== MDB_MAGIC)
    return `has no LMDB signature in meta page ${index}`;
  const version = page.readUInt32LE(OFFSET.version) & 0xffff;
  if (version !== MDB_DATA_VERSION) {
    throw new DistSpaceError(
      'STORE_VERSION_UNSUPPORTED',
      `The data file ${file} is in LMDB data format ${version}; this build of lmdb reads format ${MDB_DATA_VERSION}.`,
      { path: file, found: version, supported: MDB_DATA_VERSION },
    );
  }
  return {
    pageSize: page.readUInt32LE(OFFSET.pageSize),
    lastPage: page.readBigUInt64LE(OFFSET.lastPage),
    freeRoot: page.readBigUInt64LE(OFFSET.freeRoot),
    mainRoot: page.readBigUInt64LE(OFFSET.mainRoot),
    txnid: page.readBigUInt64LE(OFFSET.txnid),
  };
}

/** What {@link checkDataFile} found. */
export type DataFileCheck =
  /** No data file yet, or an empty one: LMDB starts a new store. */
  | 'new'
  /** The frame is sound. */
  | 'sound'
  /**
   * Sound meta pages, but the file ends before the last page they count. LMDB allows that
   * when the final pages are free and were never written, and it is also what a cut file
   * looks like: only reading every page (in another process) tells which.
   */
  | 'short';

/**
 * Checks the frame of an existing LMDB data file before lmdb-js maps it. lmdb-js crashes the
 * process (SIGSEGV, SIGBUS) on a data file that is not LMDB's or that ends inside pages its
 * trees use, instead of returning an error; this reports those cases as `STORE_CORRUPT` (it
 * throws), as far as the meta pages tell. Damage deeper in the trees is beyond it: see
 * docs/storage.md.
 */
export function checkDataFile(dir: string): DataFileCheck {
  const file = join(dir, 'data.mdb');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 'new';
  }
  try {
    const size = fstatSync(fd).size;
    // An empty file is what a crash while creating the store leaves; LMDB starts it afresh.
    if (size === 0) return 'new';
    const first = Buffer.alloc(META_BYTES);
    readSync(fd, first, 0, META_BYTES, 0);
    const meta0 = readMeta(first.subarray(0, Math.min(size, META_BYTES)), file, 0);
    if (typeof meta0 === 'string') throw corrupt(file, meta0);
    const { pageSize } = meta0;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
      throw corrupt(file, `names an impossible page size (${pageSize})`);
    }
    if (size < 2 * pageSize) {
      throw corrupt(file, `is ${size} bytes long, shorter than its two meta pages`);
    }
    const second = Buffer.alloc(META_BYTES);
    readSync(fd, second, 0, META_BYTES, pageSize);
    const meta1 = readMeta(second, file, 1);
    // LMDB opens at the newer meta page; page 1 may be damaged alone (a torn write), which
    // LMDB survives by using page 0.
    const newest = typeof meta1 === 'string' || meta1.txnid < meta0.txnid ? meta0 : meta1;
    const pages = BigInt(Math.floor(size / pageSize));
    for (const [tree, root] of [
      ['free-page', newest.freeRoot],
      ['main', newest.mainRoot],
    ] as const) {
      if (root !== NO_PAGE && root >= pages) {
        throw corrupt(
          file,
          `ends at page ${pages}, before the root of its ${tree} tree (page ${root})`,
        );
      }
    }
    return newest.lastPage >= pages ? 'short' : 'sound';
  } finally {
    closeSync(fd);
  }
}
