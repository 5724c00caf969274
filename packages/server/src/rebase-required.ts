import { DistSpaceError } from '@dist-space/ot-core';
import type { OpenWorkspace } from './open-workspace.js';

/** The oldest revision a Catchup can start from, as the log's refusal states it. */
export function oldestOf(refusal: DistSpaceError): number | undefined {
  return (refusal.details as { oldestRevision?: number } | undefined)?.oldestRevision;
}

/**
 * `REBASE_REQUIRED` as the protocol states it: the revision asked for (`sinceRevision` of a
 * Catchup, `baseRevision` of a Submit), the oldest revision a Catchup can still start from, and
 * the current revision.
 */
export function rebaseRequired(
  ws: OpenWorkspace,
  asked: { readonly sinceRevision: number } | { readonly baseRevision: number },
  oldestRevision: number | undefined,
): DistSpaceError {
  const since = 'sinceRevision' in asked ? asked.sinceRevision : asked.baseRevision;
  return new DistSpaceError(
    'REBASE_REQUIRED',
    `Workspace '${ws.id}' no longer keeps the changes after revision ${since} (the oldest it can catch up from is ${oldestRevision}); open it again for a snapshot at revision ${ws.revision} and rebase pending changes onto it.`,
    { workspace: ws.id, ...asked, oldestRevision, revision: ws.revision },
  );
}
