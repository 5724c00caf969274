import { type ErrorCode, isDistSpaceError } from '@dist-space/ot-core';
import { expect } from 'vitest';
import type { OpLogStore, StoredChange } from '../types.js';

/** One store under test, with the means to reopen it over the same data and to clean up. */
export interface OpLogStoreHarness {
  /** A new, empty store, open. */
  readonly store: OpLogStore;
  /**
   * Closes the store that is open (if it still is), opens a new one over the same data, and
   * returns it. Everything an append or snapshot resolved for must be there.
   */
  reopen(): Promise<OpLogStore>;
  /** Closes whatever store is open and removes its data. */
  dispose(): Promise<void>;
}

/** Makes a {@link OpLogStoreHarness} over new, empty data; called once per test. */
export type OpLogStoreFactory = () => Promise<OpLogStoreHarness>;

/** Sizes of the conformance suite, for adapters that are slow at some of it. */
export interface ConformanceOptions {
  /** The size of the big change and snapshot of the "large changes" test; 4 MiB by default. */
  readonly largeChangeBytes?: number;
  /** How many workspaces the "many workspaces" test makes; 200 by default. */
  readonly manyWorkspaces?: number;
  /** How many appenders race in the concurrency tests; 64 by default. */
  readonly concurrentAppenders?: number;
}

/** A change at `rev` with defaults for the other fields; `seq` defaults to `rev`. */
export function changeAt(rev: number, fields: Partial<StoredChange> = {}): StoredChange {
  return {
    rev,
    clientId: 'client-a',
    seq: rev,
    author: 'alice',
    time: 1_700_000_000_000 + rev,
    change: { ops: [{ file: 'f1', edit: [['i', rev, `text ${rev}`]] }] },
    ...fields,
  };
}

/** Changes at `from`, `from + 1`, ... (`count` of them). */
export function changesFrom(
  from: number,
  count: number,
  fields: Partial<StoredChange> = {},
): StoredChange[] {
  return Array.from({ length: count }, (_, i) => changeAt(from + i, fields));
}

/** Everything an async iterable yields, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Expects `promise` to reject with a `DistSpaceError` of `code`, and returns that error. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) {
    expect.fail(
      `expected a ${code} error, but the call resolved with ${JSON.stringify(outcome.value)}`,
    );
  }
  const error = outcome.error;
  if (!isDistSpaceError(error)) throw error;
  expect(error.code).toBe(code);
  return error;
}

/** Runs `body` against a new harness from `factory`, disposing of it whatever happens. */
export async function withHarness(
  factory: OpLogStoreFactory,
  body: (harness: OpLogStoreHarness) => Promise<void>,
): Promise<void> {
  const harness = await factory();
  try {
    await body(harness);
  } finally {
    await harness.dispose();
  }
}
