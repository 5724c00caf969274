// A persistent hash map (a hash array mapped trie, after Bagwell): set and delete copy one path
// of at most seven 32-way nodes, so every old version stays valid and shares the rest. The
// workspace keeps its documents here, outside the immer tree, so that a keystroke costs a few
// small array copies instead of a copy of a 10,000-entry object.

import { hashOf } from './hash.js';

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
const MAX_SHIFT = 30;

interface Leaf<V> {
  readonly hash: number;
  readonly key: string;
  readonly value: V;
}

interface Branch<V> {
  readonly bitmap: number;
  readonly items: readonly Slot<V>[];
}

/** Keys whose 32-bit hashes are equal, below the last level of branches (and only there). */
interface Collision<V> {
  readonly hash: number;
  readonly leaves: readonly Leaf<V>[];
}

type Slot<V> = Leaf<V> | Branch<V> | Collision<V>;

function isLeaf<V>(slot: Slot<V>): slot is Leaf<V> {
  return 'key' in slot;
}

function isBranch<V>(slot: Slot<V>): slot is Branch<V> {
  return 'bitmap' in slot;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function fragment(hash: number, shift: number): number {
  return (hash >>> shift) & MASK;
}

const EMPTY_BRANCH: Branch<never> = { bitmap: 0, items: [] };

function getIn<V>(root: Branch<V>, hash: number, key: string): V | undefined {
  let slot: Slot<V> = root;
  let shift = 0;
  for (;;) {
    if (isBranch(slot)) {
      const bit = 1 << fragment(hash, shift);
      if ((slot.bitmap & bit) === 0) return undefined;
      slot = slot.items[popcount(slot.bitmap & (bit - 1))]!;
      shift += BITS;
    } else if (isLeaf(slot)) {
      return slot.key === key ? slot.value : undefined;
    } else {
      return slot.leaves.find((l) => l.key === key)?.value;
    }
  }
}

/** Two leaves with different keys, placed under a new branch (or a collision) at `shift`. */
function merge<V>(a: Leaf<V>, b: Leaf<V>, shift: number): Slot<V> {
  if (shift > MAX_SHIFT) return { hash: a.hash, leaves: [a, b] };
  const fa = fragment(a.hash, shift);
  const fb = fragment(b.hash, shift);
  if (fa === fb) return { bitmap: 1 << fa, items: [merge(a, b, shift + BITS)] };
  return { bitmap: (1 << fa) | (1 << fb), items: fa < fb ? [a, b] : [b, a] };
}

/** The slot with `leaf` set; `added` tells whether the key was new. */
function setIn<V>(slot: Slot<V>, leaf: Leaf<V>, shift: number, added: { value: boolean }): Slot<V> {
  if (isBranch(slot)) {
    const bit = 1 << fragment(leaf.hash, shift);
    const index = popcount(slot.bitmap & (bit - 1));
    const items = slot.items.slice();
    if ((slot.bitmap & bit) === 0) {
      items.splice(index, 0, leaf);
      added.value = true;
      return { bitmap: slot.bitmap | bit, items };
    }
    items[index] = setIn(slot.items[index]!, leaf, shift + BITS, added);
    return { bitmap: slot.bitmap, items };
  }
  if (isLeaf(slot)) {
    if (slot.key === leaf.key) return leaf;
    added.value = true;
    return merge(slot, leaf, shift);
  }
  const at = slot.leaves.findIndex((l) => l.key === leaf.key);
  const leaves = slot.leaves.slice();
  if (at < 0) {
    leaves.push(leaf);
    added.value = true;
  } else leaves[at] = leaf;
  return { hash: slot.hash, leaves };
}

/** The slot without `key`, `undefined` when it becomes empty; the same slot when absent. */
function deleteIn<V>(slot: Slot<V>, hash: number, key: string, shift: number): Slot<V> | undefined {
  if (isBranch(slot)) {
    const bit = 1 << fragment(hash, shift);
    if ((slot.bitmap & bit) === 0) return slot;
    const index = popcount(slot.bitmap & (bit - 1));
    const child = slot.items[index]!;
    const next = deleteIn(child, hash, key, shift + BITS);
    if (next === child) return slot;
    const items = slot.items.slice();
    if (next === undefined) {
      items.splice(index, 1);
      if (items.length === 0) return undefined;
      // A branch left with a single leaf collapses into it, keeping the trie canonical.
      if (items.length === 1 && shift > 0 && isLeaf(items[0]!)) return items[0];
      return { bitmap: slot.bitmap & ~bit, items };
    }
    if (items.length === 1 && shift > 0 && isLeaf(next)) return next;
    items[index] = next;
    return { bitmap: slot.bitmap, items };
  }
  if (isLeaf(slot)) return slot.key === key ? undefined : slot;
  const leaves = slot.leaves.filter((l) => l.key !== key);
  if (leaves.length === slot.leaves.length) return slot;
  return leaves.length === 1 ? leaves[0] : { hash: slot.hash, leaves };
}

function* leavesOf<V>(slot: Slot<V>): Generator<Leaf<V>> {
  if (isBranch(slot)) for (const item of slot.items) yield* leavesOf(item);
  else if (isLeaf(slot)) yield slot;
  else yield* slot.leaves;
}

/**
 * An immutable map from strings to values: `set` and `delete` return a new map in O(log32 n),
 * sharing everything else with the old one.
 */
export class PersistentMap<V> {
  /** The empty map. */
  static empty<V>(): PersistentMap<V> {
    return EMPTY as PersistentMap<V>;
  }

  private constructor(
    private readonly root: Branch<V>,
    /** The number of entries. */
    readonly size: number,
  ) {}

  /** The value for `key`, or undefined. */
  get(key: string): V | undefined {
    return getIn(this.root, hashOf(key), key);
  }

  /** True when the map has `key`. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A map with `key` set to `value` (values are never `undefined`). */
  set(key: string, value: V): PersistentMap<V> {
    const added = { value: false };
    const root = setIn(this.root, { hash: hashOf(key), key, value }, 0, added) as Branch<V>;
    return new PersistentMap(root, this.size + (added.value ? 1 : 0));
  }

  /** A map without `key`; this map when it has no such key. */
  delete(key: string): PersistentMap<V> {
    const root = deleteIn(this.root, hashOf(key), key, 0);
    if (root === this.root) return this;
    return new PersistentMap((root ?? EMPTY_BRANCH) as Branch<V>, this.size - 1);
  }

  /** The entries, in an order fixed by the keys' hashes. */
  *entries(): Generator<[string, V]> {
    for (const leaf of leavesOf(this.root)) yield [leaf.key, leaf.value];
  }
}

const EMPTY = new (
  PersistentMap as unknown as new (
    root: Branch<unknown>,
    size: number,
  ) => PersistentMap<unknown>
)(EMPTY_BRANCH, 0);
