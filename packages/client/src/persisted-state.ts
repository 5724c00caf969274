import {
  parseWorkspace,
  parseWorkspaceChange,
  type Workspace,
  type WorkspaceChange,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import type { PersistedWorkspace } from './storage.js';
import type { SyncState } from './sync-state.js';

/** The persisted form of a workspace's client state. */
export type PersistedState = PersistedWorkspace;

/** What a handle saves: its counters, the confirmed state and the pending changes. */
export function persist(
  clientId: string,
  idPrefix: string,
  nextSeq: number,
  nextNodeId: number,
  sync: SyncState,
): PersistedState {
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
  readonly saved: PersistedState;
  readonly confirmed: Workspace;
  readonly inflight: { seq: number; change: WorkspaceChange } | undefined;
  readonly buffered: WorkspaceChange;
}

/** Reads back a saved state, validating it like any other untrusted input. */
export function restore(saved: PersistedState | undefined): RestoredState | undefined {
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
