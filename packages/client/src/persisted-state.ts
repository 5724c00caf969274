import { DistSpaceError } from '@dist-space/ot-core';
import {
  parseWorkspace,
  parseWorkspaceChange,
  type Workspace,
  type WorkspaceChange,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import './errors.js';
import type { PersistedWorkspace } from './storage.js';
import type { SyncState } from './sync-state.js';

/** What a handle saves: its counters, the confirmed state and the pending changes. */
export function persist(
  clientId: string,
  idPrefix: string,
  nextSeq: number,
  nextNodeId: number,
  sync: SyncState,
): PersistedWorkspace {
  const inflight = sync.inflight;
  return {
    format: 1,
    clientId,
    idPrefix,
    nextSeq,
    nextNodeId,
    revision: sync.revision,
    confirmed: workspaceToWire(sync.confirmed),
    ...(inflight
      ? { inflight: { seq: inflight.seq, change: workspaceChangeToWire(inflight.change) } }
      : {}),
    buffered: workspaceChangeToWire(sync.buffered),
  };
}

/** A saved state, read back and checked; undefined when it is unreadable (then it is ignored). */
export interface RestoredState {
  readonly saved: PersistedWorkspace;
  readonly confirmed: Workspace;
  readonly inflight: { seq: number; change: WorkspaceChange } | undefined;
  readonly buffered: WorkspaceChange;
}

/** Reads back a saved state, validating it like any other untrusted input. */
export function restore(saved: PersistedWorkspace | undefined): RestoredState | undefined {
  if (saved?.format !== 1) return undefined;
  const confirmed = parseWorkspace(saved.confirmed);
  const buffered = parseWorkspaceChange(saved.buffered);
  const inflight = saved.inflight ? parseWorkspaceChange(saved.inflight.change) : undefined;
  if (!confirmed.ok || !buffered.ok || (inflight && !inflight.ok)) return undefined;
  return {
    saved,
    confirmed: confirmed.value,
    inflight:
      saved.inflight && inflight?.ok
        ? { seq: saved.inflight.seq, change: inflight.value }
        : undefined,
    buffered: buffered.value,
  };
}

/** True for a value that {@link restore} accepts: what a store may hand back as saved. */
export function isPersistedWorkspace(value: unknown): value is PersistedWorkspace {
  return restore(value as PersistedWorkspace | undefined) !== undefined;
}

/** Where a damaged saved state is kept: `<where>.corrupt-<time>`. */
export function corruptName(where: string): string {
  return `${where}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * The error of a store that found a damaged saved state at `where` and kept it as `keptAs`:
 * raised rather than taking it for "nothing saved", which would drop the edits it holds.
 */
export function pendingStoreCorrupt(where: string, keptAs: string): DistSpaceError {
  return new DistSpaceError(
    'PENDING_STORE_CORRUPT',
    `The saved pending changes in ${where} are damaged; they were kept as ${keptAs}. Edits they held were not sent: recover them from there by hand if they matter, then open again (it starts from the server's state).`,
    { where, keptAs },
  );
}
