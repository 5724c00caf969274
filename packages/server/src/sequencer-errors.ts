import { DistSpaceError } from '@dist-space/ot-core';
import './errors.js';

// The refusals the sequencer words itself, beside those it passes on from the log, the
// transform and apply.

/**
 * Gives the workspace limits their own codes: vfs-workspace reports both as `LIMIT_EXCEEDED`,
 * naming the file (`details.id`) when a file grew too long.
 */
export function limitBreach(error: DistSpaceError, workspace: string): DistSpaceError {
  if (error.code !== 'LIMIT_EXCEEDED') return error;
  const details = error.details as { id?: string; limit?: number; actual?: number };
  if (details.id !== undefined) {
    return new DistSpaceError(
      'FILE_TOO_LARGE',
      `The change would make file ${details.id} ${details.actual} code units long; files may hold at most ${details.limit}.`,
      { ...details, workspace },
    );
  }
  return new DistSpaceError(
    'WORKSPACE_FULL',
    `The change would leave ${details.actual} files and directories in workspace '${workspace}'; the limit is ${details.limit}.`,
    { ...details, workspace },
  );
}

/** The refusal of a client id that another subject's changes already use. */
export function clientIdTaken(clientId: string, workspace?: string): DistSpaceError {
  return new DistSpaceError(
    'CLIENT_ID_TAKEN',
    `Client id '${clientId}' belongs to another user${workspace === undefined ? '' : ` in workspace '${workspace}'`}; generate a fresh client id and connect again.`,
    { clientId, ...(workspace === undefined ? {} : { workspace }) },
  );
}

/** The refusal of a submit to a workspace that is closing. */
export function shuttingDown(workspace: string): DistSpaceError {
  return new DistSpaceError(
    'SHUTTING_DOWN',
    `Workspace '${workspace}' is closing; submit again after reconnecting.`,
  );
}

/** The answer to a submit that a bug stopped; the change was not applied. */
export function internalError(e: unknown): DistSpaceError {
  return new DistSpaceError(
    'INTERNAL_ERROR',
    'The server failed to process the change; it was not applied.',
    {
      cause: e instanceof Error ? e.message : String(e),
    },
  );
}
