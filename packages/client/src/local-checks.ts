import { DistSpaceError } from '@dist-space/ot-core';
import type { Capabilities } from '@dist-space/permissions';
import type { Workspace, WorkspaceChange } from '@dist-space/vfs-workspace';
import { cutToText } from './split-change.js';

// What a handle refuses itself, as the server would, before it applies or sends a change: the
// server still checks everything, but an answer here comes at once, shows nothing that is then
// taken back, and sends nothing whose refusal would roll back more.

/**
 * `FILE_TOO_LARGE` for the first file `change` leaves longer than `max` code units in `after`,
 * as the server would answer it; undefined when none is.
 */
export function fileTooLarge(
  change: WorkspaceChange,
  after: Workspace,
  max: number,
): DistSpaceError | undefined {
  for (const op of change) {
    if (op.type !== 'edit' && op.type !== 'createFile') continue;
    const length = after.text(op.id)?.length ?? 0;
    if (length <= max) continue;
    const path = after.pathOf(op.id) ?? op.id;
    return new DistSpaceError(
      'FILE_TOO_LARGE',
      `The change would make '${path}' ${length} code units long; the server takes files of at most ${max}. Nothing was applied.`,
      { path, id: op.id, limit: max, actual: length },
    );
  }
  return undefined;
}

/**
 * `PERMISSION_DENIED` when the session's scopes forbid `change` on `state`, as the server would
 * answer it; undefined when they allow it, or are not known (`caps` undefined: the server
 * decides then). Other failures of the check (a path past the limits) are left to the server.
 */
export function deniedByScopes(
  caps: Capabilities | undefined,
  state: Workspace,
  change: WorkspaceChange,
): DistSpaceError | undefined {
  const allowed = caps?.checkChange(state, change);
  return allowed?.ok === false && allowed.error.code === 'PERMISSION_DENIED'
    ? allowed.error
    : undefined;
}

/**
 * `PERMISSION_DENIED` when `change` carries more than `maxText` code units of text in one op, and
 * the ops it goes out as need rights the scopes lack: a large file created with `create` alone
 * goes as the file and then edits appending the rest, which need `write` (a large delete empties
 * its files by edits first). Refused whole, or the server would keep the first part and refuse
 * the rest.
 */
export function deniedInParts(
  caps: Capabilities | undefined,
  state: Workspace,
  change: WorkspaceChange,
  maxText: number,
): DistSpaceError | undefined {
  const parts = cutToText(change, maxText);
  if (parts === change) return undefined;
  const denied = deniedByScopes(caps, state, parts as WorkspaceChange);
  if (!denied) return undefined;
  return new DistSpaceError(
    'PERMISSION_DENIED',
    `${denied.message} The change carries more text than one message holds (${maxText} code units), so it goes out in parts, and the parts after the first edit the file.`,
    denied.details,
  );
}
