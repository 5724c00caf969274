/**
 * `@dist-space/oplog-storage/testing`: the conformance suite every {@link OpLogStore} adapter
 * must pass, for vitest. Call it from a test file of the adapter:
 *
 * ```ts
 * runOpLogStoreConformance('MyStore', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'my-store-'));
 *   let store = await MyStore.open(dir);
 *   return {
 *     store,
 *     reopen: async () => { await store.close(); return (store = await MyStore.open(dir)); },
 *     dispose: async () => { await store.close(); await rm(dir, { recursive: true }); },
 *   };
 * });
 * ```
 *
 * @packageDocumentation
 */

import { describe } from 'vitest';
import type { OpLogStore } from '../types.js';
import type { ConformanceOptions, OpLogStoreFactory } from './harness.js';
import { lifecycleTests } from './lifecycle-tests.js';
import { logTests } from './log-tests.js';
import { snapshotTests } from './snapshot-tests.js';
import { workspaceTests } from './workspace-tests.js';

export {
  type ConformanceOptions,
  changeAt,
  changesFrom,
  collect,
  expectCode,
  type OpLogStoreFactory,
  type OpLogStoreHarness,
} from './harness.js';

/**
 * Registers the conformance suite for an {@link OpLogStore} adapter as a vitest `describe`
 * block named `name`: workspaces, ordering, atomic batches, refused duplicates, deduplication,
 * copies, large changes, snapshots, truncation, reopening, closing and racing appenders.
 * `factory` is called once per test and must give a new, empty store each time.
 */
export function runOpLogStoreConformance(
  name: string,
  factory: OpLogStoreFactory,
  options: ConformanceOptions = {},
): void {
  describe(`OpLogStore conformance: ${name}`, () => {
    describe('workspaces', () => workspaceTests(factory, options.manyWorkspaces ?? 200));
    describe('the log', () => logTests(factory, options.largeChangeBytes ?? 4 * 2 ** 20));
    describe('snapshots and truncation', () => snapshotTests(factory));
    describe('lifecycle and concurrency', () =>
      lifecycleTests(factory, options.concurrentAppenders ?? 64));
  });
}

/** The interface the suite checks, re-exported for adapters' convenience. */
export type { OpLogStore };
