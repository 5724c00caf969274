// The deterministic workload of the crash tests: what the change at each revision holds, and
// the state a replay of revisions 1..rev must reach. Child and parent compute the same values.
import type { StoredChange } from '@dist-space/oplog-storage';

/** The body of the change at `rev`: a number to add up, and text of a size that varies. */
export function changeBody(rev: number): { n: number; text: string } {
  // Every 25th change is 64 KiB (many pages, overflow pages in LMDB), the rest are small.
  const size = rev % 25 === 0 ? 65_536 : 20 + (rev % 7) * 10;
  return { n: rev % 97, text: `r${rev}:`.padEnd(size, String.fromCharCode(97 + (rev % 26))) };
}

/** The change at `rev`, as the appending child writes it. */
export function changeAt(rev: number, clientId: string): StoredChange {
  return { rev, clientId, seq: rev, author: clientId, time: rev, change: changeBody(rev) };
}

/** The state after revisions 1..rev: the sum of their `n`. */
export function stateAt(rev: number): number {
  let sum = 0;
  for (let r = 1; r <= rev; r++) sum += r % 97;
  return sum;
}

/** The seeded PRNG of the workspace workload, so that a failing run can be repeated from its seed. */
export { random } from '../../../oplog-storage/test/support/workspace-workload.js';
