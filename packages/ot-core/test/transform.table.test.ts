import {
  apply,
  del as D,
  type Delete,
  insert as I,
  type Insert,
  type Op,
  replace as R,
  type Replace,
  transform,
  transformDeleteDelete,
  transformDeleteInsert,
  transformDeleteReplace,
  transformInsertDelete,
  transformInsertInsert,
  transformInsertReplace,
  transformReplaceDelete,
  transformReplaceInsert,
  transformReplaceReplace,
} from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';

// The nine pairwise transforms, one table each. Every expected result below was derived by hand
// from docs/transform.md (replaces through their expansion R(p, n, t) = [I(p, t), D(p + |t|, n)]),
// not taken from the implementation. Unless a row says otherwise, `b` covers the range [4, 7) of
// DOC ("efg"); a relation names where `a` lies relative to `b`. The same rows, plus emoji and CRLF
// documents, are in test/vectors/*.json.

type Side = 'left' | 'right';
type Row<A extends Op, B extends Op> = readonly [
  relation: string,
  a: A,
  b: B,
  side: Side,
  expected: readonly Op[],
];

const DOC = 'abcdefghij';

const insertInsert: Row<Insert, Insert>[] = [
  ['disjoint before', I(2, 'xy'), I(5, 'PQR'), 'left', [I(2, 'xy')]],
  ['disjoint before', I(2, 'xy'), I(5, 'PQR'), 'right', [I(2, 'xy')]],
  ['disjoint after', I(7, 'xy'), I(5, 'PQR'), 'left', [I(10, 'xy')]],
  ['disjoint after', I(7, 'xy'), I(5, 'PQR'), 'right', [I(10, 'xy')]],
  ['adjacent before', I(4, 'xy'), I(5, 'PQR'), 'left', [I(4, 'xy')]],
  ['adjacent before', I(4, 'xy'), I(5, 'PQR'), 'right', [I(4, 'xy')]],
  ['adjacent after', I(6, 'xy'), I(5, 'PQR'), 'left', [I(9, 'xy')]],
  ['adjacent after', I(6, 'xy'), I(5, 'PQR'), 'right', [I(9, 'xy')]],
  ['equal positions', I(5, 'xy'), I(5, 'PQR'), 'left', [I(5, 'xy')]],
  ['equal positions', I(5, 'xy'), I(5, 'PQR'), 'right', [I(8, 'xy')]],
  ['equal positions at doc start', I(0, 'xy'), I(0, 'PQR'), 'left', [I(0, 'xy')]],
  ['equal positions at doc start', I(0, 'xy'), I(0, 'PQR'), 'right', [I(3, 'xy')]],
  ['equal positions at doc end', I(10, 'xy'), I(10, 'PQR'), 'left', [I(10, 'xy')]],
  ['equal positions at doc end', I(10, 'xy'), I(10, 'PQR'), 'right', [I(13, 'xy')]],
  ['disjoint before at doc start', I(0, 'xy'), I(10, 'PQR'), 'left', [I(0, 'xy')]],
  ['disjoint before at doc start', I(0, 'xy'), I(10, 'PQR'), 'right', [I(0, 'xy')]],
  ['disjoint after at doc end', I(10, 'xy'), I(0, 'PQR'), 'left', [I(13, 'xy')]],
  ['disjoint after at doc end', I(10, 'xy'), I(0, 'PQR'), 'right', [I(13, 'xy')]],
  ['noop a', I(5, ''), I(5, 'PQR'), 'left', []],
  ['noop a', I(5, ''), I(5, 'PQR'), 'right', []],
  ['noop b', I(5, 'xy'), I(2, ''), 'left', [I(5, 'xy')]],
  ['noop b', I(5, 'xy'), I(2, ''), 'right', [I(5, 'xy')]],
  ['noop b equal positions', I(5, 'xy'), I(5, ''), 'left', [I(5, 'xy')]],
  ['noop b equal positions', I(5, 'xy'), I(5, ''), 'right', [I(5, 'xy')]],
];

const insertDelete: Row<Insert, Delete>[] = [
  ['disjoint before', I(2, 'xy'), D(4, 3), 'left', [I(2, 'xy')]],
  ['disjoint before', I(2, 'xy'), D(4, 3), 'right', [I(2, 'xy')]],
  ['touching on the left', I(4, 'xy'), D(4, 3), 'left', [I(4, 'xy')]],
  ['touching on the left', I(4, 'xy'), D(4, 3), 'right', [I(4, 'xy')]],
  ['contained', I(5, 'xy'), D(4, 3), 'left', [I(4, 'xy')]],
  ['contained', I(5, 'xy'), D(4, 3), 'right', [I(4, 'xy')]],
  ['contained near end', I(6, 'xy'), D(4, 3), 'left', [I(4, 'xy')]],
  ['contained near end', I(6, 'xy'), D(4, 3), 'right', [I(4, 'xy')]],
  ['touching on the right', I(7, 'xy'), D(4, 3), 'left', [I(4, 'xy')]],
  ['touching on the right', I(7, 'xy'), D(4, 3), 'right', [I(4, 'xy')]],
  ['disjoint after', I(9, 'xy'), D(4, 3), 'left', [I(6, 'xy')]],
  ['disjoint after', I(9, 'xy'), D(4, 3), 'right', [I(6, 'xy')]],
  ['touching on the left at doc start', I(0, 'xy'), D(0, 3), 'left', [I(0, 'xy')]],
  ['touching on the left at doc start', I(0, 'xy'), D(0, 3), 'right', [I(0, 'xy')]],
  ['touching on the right at doc end', I(10, 'xy'), D(7, 3), 'left', [I(7, 'xy')]],
  ['touching on the right at doc end', I(10, 'xy'), D(7, 3), 'right', [I(7, 'xy')]],
  ['contained in whole doc delete', I(5, 'xy'), D(0, 10), 'left', [I(0, 'xy')]],
  ['contained in whole doc delete', I(5, 'xy'), D(0, 10), 'right', [I(0, 'xy')]],
  ['contained with deleted on b', I(5, 'xy'), D(4, 3, 'efg'), 'left', [I(4, 'xy')]],
  ['contained with deleted on b', I(5, 'xy'), D(4, 3, 'efg'), 'right', [I(4, 'xy')]],
  ['noop a', I(5, ''), D(4, 3), 'left', []],
  ['noop a', I(5, ''), D(4, 3), 'right', []],
  ['noop b', I(5, 'xy'), D(2, 0), 'left', [I(5, 'xy')]],
  ['noop b', I(5, 'xy'), D(2, 0), 'right', [I(5, 'xy')]],
  ['noop b equal positions', I(5, 'xy'), D(5, 0), 'left', [I(5, 'xy')]],
  ['noop b equal positions', I(5, 'xy'), D(5, 0), 'right', [I(5, 'xy')]],
];

const insertReplace: Row<Insert, Replace>[] = [
  ['disjoint before', I(2, 'xy'), R(4, 3, 'PQ'), 'left', [I(2, 'xy')]],
  ['disjoint before', I(2, 'xy'), R(4, 3, 'PQ'), 'right', [I(2, 'xy')]],
  ['touching on the left', I(4, 'xy'), R(4, 3, 'PQ'), 'left', [I(4, 'xy')]],
  ['touching on the left', I(4, 'xy'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['contained', I(5, 'xy'), R(4, 3, 'PQ'), 'left', [I(6, 'xy')]],
  ['contained', I(5, 'xy'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['contained near end', I(6, 'xy'), R(4, 3, 'PQ'), 'left', [I(6, 'xy')]],
  ['contained near end', I(6, 'xy'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['touching on the right', I(7, 'xy'), R(4, 3, 'PQ'), 'left', [I(6, 'xy')]],
  ['touching on the right', I(7, 'xy'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['disjoint after', I(9, 'xy'), R(4, 3, 'PQ'), 'left', [I(8, 'xy')]],
  ['disjoint after', I(9, 'xy'), R(4, 3, 'PQ'), 'right', [I(8, 'xy')]],
  ['touching on the left at doc start', I(0, 'xy'), R(0, 3, 'PQ'), 'left', [I(0, 'xy')]],
  ['touching on the left at doc start', I(0, 'xy'), R(0, 3, 'PQ'), 'right', [I(2, 'xy')]],
  ['touching on the right at doc end', I(10, 'xy'), R(7, 3, 'PQ'), 'left', [I(9, 'xy')]],
  ['touching on the right at doc end', I(10, 'xy'), R(7, 3, 'PQ'), 'right', [I(9, 'xy')]],
  ['contained in whole doc replace', I(5, 'xy'), R(0, 10, 'PQ'), 'left', [I(2, 'xy')]],
  ['contained in whole doc replace', I(5, 'xy'), R(0, 10, 'PQ'), 'right', [I(2, 'xy')]],
  ['contained with deleted on b', I(5, 'xy'), R(4, 3, 'PQ', 'efg'), 'left', [I(6, 'xy')]],
  ['contained with deleted on b', I(5, 'xy'), R(4, 3, 'PQ', 'efg'), 'right', [I(6, 'xy')]],
  ['noop a', I(5, ''), R(4, 3, 'PQ'), 'left', []],
  ['noop a', I(5, ''), R(4, 3, 'PQ'), 'right', []],
  ['noop b', I(5, 'xy'), R(5, 0, ''), 'left', [I(5, 'xy')]],
  ['noop b', I(5, 'xy'), R(5, 0, ''), 'right', [I(5, 'xy')]],
];

const deleteInsert: Row<Delete, Insert>[] = [
  ['disjoint before', D(4, 3), I(8, 'PQR'), 'left', [D(4, 3)]],
  ['disjoint before', D(4, 3), I(8, 'PQR'), 'right', [D(4, 3)]],
  ['touching on the left', D(4, 3), I(7, 'PQR'), 'left', [D(4, 3)]],
  ['touching on the left', D(4, 3), I(7, 'PQR'), 'right', [D(4, 3)]],
  ['containing', D(4, 3), I(5, 'PQR'), 'left', [D(4, 1), D(7, 2)]],
  ['containing', D(4, 3), I(5, 'PQR'), 'right', [D(4, 1), D(7, 2)]],
  ['containing near end', D(4, 3), I(6, 'PQR'), 'left', [D(4, 2), D(7, 1)]],
  ['containing near end', D(4, 3), I(6, 'PQR'), 'right', [D(4, 2), D(7, 1)]],
  ['touching on the right', D(4, 3), I(4, 'PQR'), 'left', [D(7, 3)]],
  ['touching on the right', D(4, 3), I(4, 'PQR'), 'right', [D(7, 3)]],
  ['disjoint after', D(4, 3), I(2, 'PQR'), 'left', [D(7, 3)]],
  ['disjoint after', D(4, 3), I(2, 'PQR'), 'right', [D(7, 3)]],
  [
    'containing with deleted split',
    D(4, 3, 'efg'),
    I(5, 'PQR'),
    'left',
    [D(4, 1, 'e'), D(7, 2, 'fg')],
  ],
  [
    'containing with deleted split',
    D(4, 3, 'efg'),
    I(5, 'PQR'),
    'right',
    [D(4, 1, 'e'), D(7, 2, 'fg')],
  ],
  ['disjoint after with deleted', D(4, 3, 'efg'), I(2, 'PQR'), 'left', [D(7, 3, 'efg')]],
  ['disjoint after with deleted', D(4, 3, 'efg'), I(2, 'PQR'), 'right', [D(7, 3, 'efg')]],
  ['whole doc touching on the left', D(0, 10), I(10, 'PQR'), 'left', [D(0, 10)]],
  ['whole doc touching on the left', D(0, 10), I(10, 'PQR'), 'right', [D(0, 10)]],
  ['whole doc touching on the right', D(0, 10), I(0, 'PQR'), 'left', [D(3, 10)]],
  ['whole doc touching on the right', D(0, 10), I(0, 'PQR'), 'right', [D(3, 10)]],
  ['whole doc containing', D(0, 10), I(3, 'PQR'), 'left', [D(0, 3), D(3, 7)]],
  ['whole doc containing', D(0, 10), I(3, 'PQR'), 'right', [D(0, 3), D(3, 7)]],
  ['noop a', D(5, 0), I(5, 'PQR'), 'left', []],
  ['noop a', D(5, 0), I(5, 'PQR'), 'right', []],
  ['noop b containing', D(4, 3), I(5, ''), 'left', [D(4, 3)]],
  ['noop b containing', D(4, 3), I(5, ''), 'right', [D(4, 3)]],
];

const deleteDelete: Row<Delete, Delete>[] = [
  ['disjoint before', D(1, 2, 'bc'), D(4, 3), 'left', [D(1, 2, 'bc')]],
  ['disjoint before', D(1, 2, 'bc'), D(4, 3), 'right', [D(1, 2, 'bc')]],
  ['touching on the left', D(2, 2, 'cd'), D(4, 3), 'left', [D(2, 2, 'cd')]],
  ['touching on the left', D(2, 2, 'cd'), D(4, 3), 'right', [D(2, 2, 'cd')]],
  ['overlapping on the left', D(2, 4, 'cdef'), D(4, 3), 'left', [D(2, 2, 'cd')]],
  ['overlapping on the left', D(2, 4, 'cdef'), D(4, 3), 'right', [D(2, 2, 'cd')]],
  ['containing', D(3, 5, 'defgh'), D(4, 3), 'left', [D(3, 2, 'dh')]],
  ['containing', D(3, 5, 'defgh'), D(4, 3), 'right', [D(3, 2, 'dh')]],
  ['contained', D(5, 1, 'f'), D(4, 3), 'left', []],
  ['contained', D(5, 1, 'f'), D(4, 3), 'right', []],
  ['identical', D(4, 3, 'efg'), D(4, 3), 'left', []],
  ['identical', D(4, 3, 'efg'), D(4, 3), 'right', []],
  ['overlapping on the right', D(5, 4, 'fghi'), D(4, 3), 'left', [D(4, 2, 'hi')]],
  ['overlapping on the right', D(5, 4, 'fghi'), D(4, 3), 'right', [D(4, 2, 'hi')]],
  ['touching on the right', D(7, 2, 'hi'), D(4, 3), 'left', [D(4, 2, 'hi')]],
  ['touching on the right', D(7, 2, 'hi'), D(4, 3), 'right', [D(4, 2, 'hi')]],
  ['disjoint after', D(8, 2, 'ij'), D(4, 3), 'left', [D(5, 2, 'ij')]],
  ['disjoint after', D(8, 2, 'ij'), D(4, 3), 'right', [D(5, 2, 'ij')]],
  ['same start shorter', D(4, 2, 'ef'), D(4, 3), 'left', []],
  ['same start shorter', D(4, 2, 'ef'), D(4, 3), 'right', []],
  ['same start longer', D(4, 5, 'efghi'), D(4, 3), 'left', [D(4, 2, 'hi')]],
  ['same start longer', D(4, 5, 'efghi'), D(4, 3), 'right', [D(4, 2, 'hi')]],
  ['same end longer', D(2, 5, 'cdefg'), D(4, 3), 'left', [D(2, 2, 'cd')]],
  ['same end longer', D(2, 5, 'cdefg'), D(4, 3), 'right', [D(2, 2, 'cd')]],
  ['same end shorter', D(5, 2, 'fg'), D(4, 3), 'left', []],
  ['same end shorter', D(5, 2, 'fg'), D(4, 3), 'right', []],
  ['overlapping on the left without deleted', D(2, 4), D(4, 3), 'left', [D(2, 2)]],
  ['overlapping on the left without deleted', D(2, 4), D(4, 3), 'right', [D(2, 2)]],
  ['containing without deleted', D(3, 5), D(4, 3), 'left', [D(3, 2)]],
  ['containing without deleted', D(3, 5), D(4, 3), 'right', [D(3, 2)]],
  ['noop a', D(5, 0), D(4, 3), 'left', []],
  ['noop a', D(5, 0), D(4, 3), 'right', []],
  ['noop b', D(4, 3, 'efg'), D(5, 0), 'left', [D(4, 3, 'efg')]],
  ['noop b', D(4, 3, 'efg'), D(5, 0), 'right', [D(4, 3, 'efg')]],
];

const deleteReplace: Row<Delete, Replace>[] = [
  ['disjoint before', D(1, 2, 'bc'), R(4, 3, 'PQ'), 'left', [D(1, 2, 'bc')]],
  ['disjoint before', D(1, 2, 'bc'), R(4, 3, 'PQ'), 'right', [D(1, 2, 'bc')]],
  ['touching on the left', D(2, 2, 'cd'), R(4, 3, 'PQ'), 'left', [D(2, 2, 'cd')]],
  ['touching on the left', D(2, 2, 'cd'), R(4, 3, 'PQ'), 'right', [D(2, 2, 'cd')]],
  ['overlapping on the left', D(2, 4, 'cdef'), R(4, 3, 'PQ'), 'left', [D(2, 2, 'cd')]],
  ['overlapping on the left', D(2, 4, 'cdef'), R(4, 3, 'PQ'), 'right', [D(2, 2, 'cd')]],
  ['containing', D(3, 5, 'defgh'), R(4, 3, 'PQ'), 'left', [D(3, 1, 'd'), D(5, 1, 'h')]],
  ['containing', D(3, 5, 'defgh'), R(4, 3, 'PQ'), 'right', [D(3, 1, 'd'), D(5, 1, 'h')]],
  ['contained', D(5, 1, 'f'), R(4, 3, 'PQ'), 'left', []],
  ['contained', D(5, 1, 'f'), R(4, 3, 'PQ'), 'right', []],
  ['identical', D(4, 3, 'efg'), R(4, 3, 'PQ'), 'left', []],
  ['identical', D(4, 3, 'efg'), R(4, 3, 'PQ'), 'right', []],
  ['overlapping on the right', D(5, 4, 'fghi'), R(4, 3, 'PQ'), 'left', [D(6, 2, 'hi')]],
  ['overlapping on the right', D(5, 4, 'fghi'), R(4, 3, 'PQ'), 'right', [D(6, 2, 'hi')]],
  ['touching on the right', D(7, 2, 'hi'), R(4, 3, 'PQ'), 'left', [D(6, 2, 'hi')]],
  ['touching on the right', D(7, 2, 'hi'), R(4, 3, 'PQ'), 'right', [D(6, 2, 'hi')]],
  ['disjoint after', D(8, 2, 'ij'), R(4, 3, 'PQ'), 'left', [D(7, 2, 'ij')]],
  ['disjoint after', D(8, 2, 'ij'), R(4, 3, 'PQ'), 'right', [D(7, 2, 'ij')]],
  ['same start shorter', D(4, 2, 'ef'), R(4, 3, 'PQ'), 'left', []],
  ['same start shorter', D(4, 2, 'ef'), R(4, 3, 'PQ'), 'right', []],
  ['same start longer', D(4, 5, 'efghi'), R(4, 3, 'PQ'), 'left', [D(6, 2, 'hi')]],
  ['same start longer', D(4, 5, 'efghi'), R(4, 3, 'PQ'), 'right', [D(6, 2, 'hi')]],
  ['same end longer', D(2, 5, 'cdefg'), R(4, 3, 'PQ'), 'left', [D(2, 2, 'cd')]],
  ['same end longer', D(2, 5, 'cdefg'), R(4, 3, 'PQ'), 'right', [D(2, 2, 'cd')]],
  ['same end shorter', D(5, 2, 'fg'), R(4, 3, 'PQ'), 'left', []],
  ['same end shorter', D(5, 2, 'fg'), R(4, 3, 'PQ'), 'right', []],
  ['containing without deleted', D(3, 5), R(4, 3, 'PQ'), 'left', [D(3, 1), D(5, 1)]],
  ['containing without deleted', D(3, 5), R(4, 3, 'PQ'), 'right', [D(3, 1), D(5, 1)]],
  ['noop a', D(4, 0), R(4, 3, 'PQ'), 'left', []],
  ['noop a', D(4, 0), R(4, 3, 'PQ'), 'right', []],
  ['noop b', D(4, 3, 'efg'), R(4, 0, ''), 'left', [D(4, 3, 'efg')]],
  ['noop b', D(4, 3, 'efg'), R(4, 0, ''), 'right', [D(4, 3, 'efg')]],
];

const replaceInsert: Row<Replace, Insert>[] = [
  ['disjoint before', R(4, 3, 'xy'), I(8, 'PQR'), 'left', [R(4, 3, 'xy')]],
  ['disjoint before', R(4, 3, 'xy'), I(8, 'PQR'), 'right', [R(4, 3, 'xy')]],
  ['touching on the left', R(4, 3, 'xy'), I(7, 'PQR'), 'left', [R(4, 3, 'xy')]],
  ['touching on the left', R(4, 3, 'xy'), I(7, 'PQR'), 'right', [R(4, 3, 'xy')]],
  ['containing', R(4, 3, 'xy'), I(5, 'PQR'), 'left', [R(4, 1, 'xy'), D(9, 2)]],
  ['containing', R(4, 3, 'xy'), I(5, 'PQR'), 'right', [R(4, 1, 'xy'), D(9, 2)]],
  ['containing near end', R(4, 3, 'xy'), I(6, 'PQR'), 'left', [R(4, 2, 'xy'), D(9, 1)]],
  ['containing near end', R(4, 3, 'xy'), I(6, 'PQR'), 'right', [R(4, 2, 'xy'), D(9, 1)]],
  ['touching on the right', R(4, 3, 'xy'), I(4, 'PQR'), 'left', [I(4, 'xy'), D(9, 3)]],
  ['touching on the right', R(4, 3, 'xy'), I(4, 'PQR'), 'right', [R(7, 3, 'xy')]],
  ['disjoint after', R(4, 3, 'xy'), I(2, 'PQR'), 'left', [R(7, 3, 'xy')]],
  ['disjoint after', R(4, 3, 'xy'), I(2, 'PQR'), 'right', [R(7, 3, 'xy')]],
  [
    'containing with deleted split',
    R(4, 3, 'xy', 'efg'),
    I(5, 'PQR'),
    'left',
    [R(4, 1, 'xy', 'e'), D(9, 2, 'fg')],
  ],
  [
    'containing with deleted split',
    R(4, 3, 'xy', 'efg'),
    I(5, 'PQR'),
    'right',
    [R(4, 1, 'xy', 'e'), D(9, 2, 'fg')],
  ],
  [
    'touching on the right with deleted',
    R(4, 3, 'xy', 'efg'),
    I(4, 'PQR'),
    'left',
    [I(4, 'xy'), D(9, 3, 'efg')],
  ],
  [
    'touching on the right with deleted',
    R(4, 3, 'xy', 'efg'),
    I(4, 'PQR'),
    'right',
    [R(7, 3, 'xy', 'efg')],
  ],
  [
    'disjoint after with deleted',
    R(4, 3, 'xy', 'efg'),
    I(2, 'PQR'),
    'left',
    [R(7, 3, 'xy', 'efg')],
  ],
  [
    'disjoint after with deleted',
    R(4, 3, 'xy', 'efg'),
    I(2, 'PQR'),
    'right',
    [R(7, 3, 'xy', 'efg')],
  ],
  ['whole doc containing', R(0, 10, 'xy'), I(5, 'PQR'), 'left', [R(0, 5, 'xy'), D(5, 5)]],
  ['whole doc containing', R(0, 10, 'xy'), I(5, 'PQR'), 'right', [R(0, 5, 'xy'), D(5, 5)]],
  ['whole doc touching on the right', R(0, 10, 'xy'), I(0, 'PQR'), 'left', [I(0, 'xy'), D(5, 10)]],
  ['whole doc touching on the right', R(0, 10, 'xy'), I(0, 'PQR'), 'right', [R(3, 10, 'xy')]],
  ['noop a', R(4, 0, ''), I(4, 'PQR'), 'left', []],
  ['noop a', R(4, 0, ''), I(4, 'PQR'), 'right', []],
  ['noop b containing', R(4, 3, 'xy'), I(5, ''), 'left', [R(4, 3, 'xy')]],
  ['noop b containing', R(4, 3, 'xy'), I(5, ''), 'right', [R(4, 3, 'xy')]],
];

const replaceDelete: Row<Replace, Delete>[] = [
  ['disjoint before', R(1, 2, 'xy', 'bc'), D(4, 3), 'left', [R(1, 2, 'xy', 'bc')]],
  ['disjoint before', R(1, 2, 'xy', 'bc'), D(4, 3), 'right', [R(1, 2, 'xy', 'bc')]],
  ['touching on the left', R(2, 2, 'xy', 'cd'), D(4, 3), 'left', [R(2, 2, 'xy', 'cd')]],
  ['touching on the left', R(2, 2, 'xy', 'cd'), D(4, 3), 'right', [R(2, 2, 'xy', 'cd')]],
  ['overlapping on the left', R(2, 4, 'xy', 'cdef'), D(4, 3), 'left', [R(2, 2, 'xy', 'cd')]],
  ['overlapping on the left', R(2, 4, 'xy', 'cdef'), D(4, 3), 'right', [R(2, 2, 'xy', 'cd')]],
  ['containing', R(3, 5, 'xy', 'defgh'), D(4, 3), 'left', [R(3, 2, 'xy', 'dh')]],
  ['containing', R(3, 5, 'xy', 'defgh'), D(4, 3), 'right', [R(3, 2, 'xy', 'dh')]],
  ['contained', R(5, 1, 'xy', 'f'), D(4, 3), 'left', [I(4, 'xy')]],
  ['contained', R(5, 1, 'xy', 'f'), D(4, 3), 'right', [I(4, 'xy')]],
  ['identical', R(4, 3, 'xy', 'efg'), D(4, 3), 'left', [I(4, 'xy')]],
  ['identical', R(4, 3, 'xy', 'efg'), D(4, 3), 'right', [I(4, 'xy')]],
  ['overlapping on the right', R(5, 4, 'xy', 'fghi'), D(4, 3), 'left', [R(4, 2, 'xy', 'hi')]],
  ['overlapping on the right', R(5, 4, 'xy', 'fghi'), D(4, 3), 'right', [R(4, 2, 'xy', 'hi')]],
  ['touching on the right', R(7, 2, 'xy', 'hi'), D(4, 3), 'left', [R(4, 2, 'xy', 'hi')]],
  ['touching on the right', R(7, 2, 'xy', 'hi'), D(4, 3), 'right', [R(4, 2, 'xy', 'hi')]],
  ['disjoint after', R(8, 2, 'xy', 'ij'), D(4, 3), 'left', [R(5, 2, 'xy', 'ij')]],
  ['disjoint after', R(8, 2, 'xy', 'ij'), D(4, 3), 'right', [R(5, 2, 'xy', 'ij')]],
  ['same start shorter', R(4, 2, 'xy', 'ef'), D(4, 3), 'left', [I(4, 'xy')]],
  ['same start shorter', R(4, 2, 'xy', 'ef'), D(4, 3), 'right', [I(4, 'xy')]],
  ['same start longer', R(4, 5, 'xy', 'efghi'), D(4, 3), 'left', [R(4, 2, 'xy', 'hi')]],
  ['same start longer', R(4, 5, 'xy', 'efghi'), D(4, 3), 'right', [R(4, 2, 'xy', 'hi')]],
  ['same end longer', R(2, 5, 'xy', 'cdefg'), D(4, 3), 'left', [R(2, 2, 'xy', 'cd')]],
  ['same end longer', R(2, 5, 'xy', 'cdefg'), D(4, 3), 'right', [R(2, 2, 'xy', 'cd')]],
  ['same end shorter', R(5, 2, 'xy', 'fg'), D(4, 3), 'left', [I(4, 'xy')]],
  ['same end shorter', R(5, 2, 'xy', 'fg'), D(4, 3), 'right', [I(4, 'xy')]],
  ['overlapping on the right without deleted', R(5, 4, 'xy'), D(4, 3), 'left', [R(4, 2, 'xy')]],
  ['overlapping on the right without deleted', R(5, 4, 'xy'), D(4, 3), 'right', [R(4, 2, 'xy')]],
  ['contained in whole doc delete', R(4, 3, 'xy', 'efg'), D(0, 10), 'left', [I(0, 'xy')]],
  ['contained in whole doc delete', R(4, 3, 'xy', 'efg'), D(0, 10), 'right', [I(0, 'xy')]],
  ['noop a', R(4, 0, ''), D(4, 3), 'left', []],
  ['noop a', R(4, 0, ''), D(4, 3), 'right', []],
  ['noop b', R(4, 3, 'xy'), D(5, 0), 'left', [R(4, 3, 'xy')]],
  ['noop b', R(4, 3, 'xy'), D(5, 0), 'right', [R(4, 3, 'xy')]],
];

const replaceReplace: Row<Replace, Replace>[] = [
  ['disjoint before', R(1, 2, 'xy', 'bc'), R(4, 3, 'PQ'), 'left', [R(1, 2, 'xy', 'bc')]],
  ['disjoint before', R(1, 2, 'xy', 'bc'), R(4, 3, 'PQ'), 'right', [R(1, 2, 'xy', 'bc')]],
  ['touching on the left', R(2, 2, 'xy', 'cd'), R(4, 3, 'PQ'), 'left', [R(2, 2, 'xy', 'cd')]],
  ['touching on the left', R(2, 2, 'xy', 'cd'), R(4, 3, 'PQ'), 'right', [R(2, 2, 'xy', 'cd')]],
  ['overlapping on the left', R(2, 4, 'xy', 'cdef'), R(4, 3, 'PQ'), 'left', [R(2, 2, 'xy', 'cd')]],
  ['overlapping on the left', R(2, 4, 'xy', 'cdef'), R(4, 3, 'PQ'), 'right', [R(2, 2, 'xy', 'cd')]],
  ['containing', R(3, 5, 'xy', 'defgh'), R(4, 3, 'PQ'), 'left', [R(3, 1, 'xy', 'd'), D(7, 1, 'h')]],
  [
    'containing',
    R(3, 5, 'xy', 'defgh'),
    R(4, 3, 'PQ'),
    'right',
    [R(3, 1, 'xy', 'd'), D(7, 1, 'h')],
  ],
  ['contained', R(5, 1, 'xy', 'f'), R(4, 3, 'PQ'), 'left', [I(6, 'xy')]],
  ['contained', R(5, 1, 'xy', 'f'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['identical', R(4, 3, 'xy', 'efg'), R(4, 3, 'PQ'), 'left', [I(4, 'xy')]],
  ['identical', R(4, 3, 'xy', 'efg'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['overlapping on the right', R(5, 4, 'xy', 'fghi'), R(4, 3, 'PQ'), 'left', [R(6, 2, 'xy', 'hi')]],
  [
    'overlapping on the right',
    R(5, 4, 'xy', 'fghi'),
    R(4, 3, 'PQ'),
    'right',
    [R(6, 2, 'xy', 'hi')],
  ],
  ['touching on the right', R(7, 2, 'xy', 'hi'), R(4, 3, 'PQ'), 'left', [R(6, 2, 'xy', 'hi')]],
  ['touching on the right', R(7, 2, 'xy', 'hi'), R(4, 3, 'PQ'), 'right', [R(6, 2, 'xy', 'hi')]],
  ['disjoint after', R(8, 2, 'xy', 'ij'), R(4, 3, 'PQ'), 'left', [R(7, 2, 'xy', 'ij')]],
  ['disjoint after', R(8, 2, 'xy', 'ij'), R(4, 3, 'PQ'), 'right', [R(7, 2, 'xy', 'ij')]],
  ['same start shorter', R(4, 2, 'xy', 'ef'), R(4, 3, 'PQ'), 'left', [I(4, 'xy')]],
  ['same start shorter', R(4, 2, 'xy', 'ef'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['same start longer', R(4, 5, 'xy', 'efghi'), R(4, 3, 'PQ'), 'left', [I(4, 'xy'), D(8, 2, 'hi')]],
  ['same start longer', R(4, 5, 'xy', 'efghi'), R(4, 3, 'PQ'), 'right', [R(6, 2, 'xy', 'hi')]],
  ['same end longer', R(2, 5, 'xy', 'cdefg'), R(4, 3, 'PQ'), 'left', [R(2, 2, 'xy', 'cd')]],
  ['same end longer', R(2, 5, 'xy', 'cdefg'), R(4, 3, 'PQ'), 'right', [R(2, 2, 'xy', 'cd')]],
  ['same end shorter', R(5, 2, 'xy', 'fg'), R(4, 3, 'PQ'), 'left', [I(6, 'xy')]],
  ['same end shorter', R(5, 2, 'xy', 'fg'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['identical without deleted', R(4, 3, 'xy'), R(4, 3, 'PQ'), 'left', [I(4, 'xy')]],
  ['identical without deleted', R(4, 3, 'xy'), R(4, 3, 'PQ'), 'right', [I(6, 'xy')]],
  ['containing without deleted', R(3, 5, 'xy'), R(4, 3, 'PQ'), 'left', [R(3, 1, 'xy'), D(7, 1)]],
  ['containing without deleted', R(3, 5, 'xy'), R(4, 3, 'PQ'), 'right', [R(3, 1, 'xy'), D(7, 1)]],
  ['noop a', R(4, 0, ''), R(4, 3, 'PQ'), 'left', []],
  ['noop a', R(4, 0, ''), R(4, 3, 'PQ'), 'right', []],
  ['noop b', R(4, 3, 'xy', 'efg'), R(5, 0, ''), 'left', [R(4, 3, 'xy', 'efg')]],
  ['noop b', R(4, 3, 'xy', 'efg'), R(5, 0, ''), 'right', [R(4, 3, 'xy', 'efg')]],
];

function table<A extends Op, B extends Op>(
  name: string,
  fn: (a: A, b: B, side: Side) => readonly Op[],
  rows: readonly Row<A, B>[],
): void {
  const cases = rows.map(
    ([relation, a, b, side, expected]) => [relation, side, a, b, expected] as const,
  );
  describe(name, () => {
    it.each(cases)('%s, side %s', (_relation, side, a, b, expected) => {
      expect(fn(a, b, side)).toStrictEqual(expected);
    });
  });
}

table('transformInsertInsert', transformInsertInsert, insertInsert);
table('transformInsertDelete', transformInsertDelete, insertDelete);
table('transformInsertReplace', transformInsertReplace, insertReplace);
table('transformDeleteInsert', transformDeleteInsert, deleteInsert);
table('transformDeleteDelete', transformDeleteDelete, deleteDelete);
table('transformDeleteReplace', transformDeleteReplace, deleteReplace);
table('transformReplaceInsert', transformReplaceInsert, replaceInsert);
table('transformReplaceDelete', transformReplaceDelete, replaceDelete);
table('transformReplaceReplace', transformReplaceReplace, replaceReplace);

describe('transform outcomes the design promises', () => {
  it('a change transformed to nothing is []', () => {
    expect(transformDeleteDelete(D(5, 1), D(4, 3), 'left')).toStrictEqual([]);
    expect(transformDeleteReplace(D(4, 3, 'efg'), R(4, 3, 'PQ'), 'right')).toStrictEqual([]);
    // Each op of the change lies inside the concurrent delete.
    expect(transform([D(5, 1), D(4, 2)], [D(3, 5)], 'left')).toStrictEqual([]);
    expect(transform([I(3, '')], [D(0, 2)], 'right')).toStrictEqual([]);
    expect(transform([], [I(0, 'x')], 'left')).toStrictEqual([]);
  });

  it('two replaces of one range keep both texts, left text first', () => {
    const a = R(4, 3, 'xy', 'efg');
    const b = R(4, 3, 'PQ', 'efg');
    // a is left: both orders of application end with "xy" before "PQ".
    expect(apply(apply(DOC, [b]), transformReplaceReplace(a, b, 'left'))).toBe('abcdxyPQhij');
    expect(apply(apply(DOC, [a]), transformReplaceReplace(b, a, 'right'))).toBe('abcdxyPQhij');
    // b is left: "PQ" comes first.
    expect(apply(apply(DOC, [a]), transformReplaceReplace(b, a, 'left'))).toBe('abcdPQxyhij');
    expect(apply(apply(DOC, [b]), transformReplaceReplace(a, b, 'right'))).toBe('abcdPQxyhij');
  });

  it('an insert inside a deleted range survives', () => {
    for (const side of ['left', 'right'] as const) {
      expect(transformInsertDelete(I(5, 'xy'), D(4, 3), side)).toStrictEqual([I(4, 'xy')]);
      expect(apply(apply(DOC, [D(4, 3)]), transformInsertDelete(I(5, 'xy'), D(4, 3), side))).toBe(
        'abcdxyhij',
      );
      // A replace whose whole range is deleted concurrently still inserts its text.
      const replaced = transformReplaceDelete(R(4, 3, 'xy', 'efg'), D(0, 10), side);
      expect(apply(apply(DOC, [D(0, 10)]), replaced)).toBe('xy');
    }
  });
});
