import type { Suite } from '../harness.js';
import { appendRows } from '../storage/append.js';
import { coldStartRows } from '../storage/cold-start.js';

/**
 * The op log store: durable append throughput against a plain fdatasync'ed file, cold start of
 * a big workspace with and without snapshots, a range read, and history at an old revision.
 */
export const suite: Suite = {
  name: 'storage',
  async run(options) {
    return [...(await appendRows(options)), ...(await coldStartRows(options))];
  },
};
