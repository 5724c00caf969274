import { type Side, transform } from '@dist-space/ot-core';
import type { EditOp, WorkspaceOp } from '../ops.js';
import { dropped, kept, type PairResult } from './outcome.js';
import { idsOf } from './records.js';

/**
 * An edit against a concurrent op. Edits of one file transform with ot-core (concurrent
 * inserted text is never dropped); an edit of a file that the other side deleted is dropped
 * (the delete removes what it saw, and the file's text stays recoverable from the delete);
 * anything else leaves the edit as it is, because it addresses the file by id.
 */
export function transformEdit(a: EditOp, b: WorkspaceOp, side: Side): PairResult {
  if (b.type === 'edit') {
    if (b.id !== a.id) return kept(a);
    const change = transform(a.change, b.change, side);
    return change.length === 0 ? dropped() : kept({ ...a, change });
  }
  if (b.type === 'delete' && idsOf(b.removed).has(a.id)) return dropped('deleted');
  return kept(a);
}
