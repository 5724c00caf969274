import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { classify } from '../src/errors.js';

// The codes a program acts on, for failures that a test cannot provoke on demand (another
// program holding LMDB's lock, a data file from another LMDB version): lmdb-js reports them as
// errors carrying an errno or an MDB_* name, which `classify` must map.
const at = { path: '/data/store', action: 'append', workspace: 'w1' };
const errno = (name: string) => (constants.errno as Record<string, number>)[name]!;

function withCode(message: string, code?: number | string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classify', () => {
  it.each([
    ['an errno of EAGAIN (the lock is held)', withCode('lock', errno('EAGAIN')), 'STORE_LOCKED'],
    ['an errno of EBUSY', withCode('busy', errno('EBUSY')), 'STORE_LOCKED'],
    ['an errno of ENOSPC', withCode('write failed', errno('ENOSPC')), 'STORE_FULL'],
    [
      'MDB_MAP_FULL in the message',
      new Error('MDB_MAP_FULL: Environment mapsize limit reached'),
      'STORE_FULL',
    ],
    [
      'MDB_CORRUPTED in the message',
      new Error('MDB_CORRUPTED: Located page was wrong type'),
      'STORE_CORRUPT',
    ],
    ['MDB_PAGE_NOTFOUND as a code', withCode('page', 'MDB_PAGE_NOTFOUND'), 'STORE_CORRUPT'],
    [
      'MDB_VERSION_MISMATCH',
      new Error('MDB_VERSION_MISMATCH: Database environment version mismatch'),
      'STORE_VERSION_UNSUPPORTED',
    ],
    ['an errno of EACCES', withCode('open', errno('EACCES')), 'STORE_IO_ERROR'],
    ['something unknown', 'a string thrown', 'STORE_IO_ERROR'],
  ])('maps %s to its code', (_what, cause, expected) => {
    const error = classify(cause, at);
    expect(error.code).toBe(expected);
    // Where and what, so that the person reading it knows which store and call failed.
    expect(error.message).toContain('/data/store');
    expect(error.message).toContain('append of workspace "w1"');
    expect(error.details).toMatchObject({ action: 'append', workspace: 'w1' });
  });
});
