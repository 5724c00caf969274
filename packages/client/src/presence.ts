import { mapSelection, type Selection } from '@dist-space/ot-core';
import type { Workspace, WorkspaceChange } from '@dist-space/vfs-workspace';

/** Another session's cursors and state, in the positions of this client's local state. */
export interface PeerPresence {
  readonly sessionId: string;
  readonly subject: string;
  readonly clientId: string;
  /** Selections per file id. */
  readonly files: Readonly<Record<string, readonly Selection[]>>;
  /** The small state object it shares (a name, a colour). */
  readonly state: Readonly<Record<string, unknown>> | undefined;
}

/** Maps every selection in `files` through a change; files that no longer exist are dropped. */
export function mapFiles(
  files: Readonly<Record<string, readonly Selection[]>>,
  change: WorkspaceChange,
  after: Workspace,
): Record<string, Selection[]> {
  const out: Record<string, Selection[]> = {};
  for (const [id, selections] of Object.entries(files)) {
    if (after.node(id)?.kind !== 'file') continue;
    let mapped = [...selections];
    for (const op of change) {
      if (op.type === 'edit' && op.id === id)
        mapped = mapped.map((s) => mapSelection(s, op.change));
    }
    out[id] = mapped;
  }
  return out;
}

/**
 * Others' presence as this client shows it: kept in local positions, moved by every change
 * applied locally (remote or local) until the peer's next update.
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerPresence>();

  /** Every peer. */
  all(): PeerPresence[] {
    return [...this.peers.values()];
  }

  /** Stores or replaces a peer (already in local positions). */
  set(peer: PeerPresence): void {
    this.peers.set(peer.sessionId, peer);
  }

  /** Removes a peer; true if it was there. */
  delete(sessionId: string): boolean {
    return this.peers.delete(sessionId);
  }

  /** Forgets everyone (disconnected: their sessions will announce themselves again). */
  clear(): void {
    this.peers.clear();
  }

  /** Moves every peer's selections through a change applied to the local state. */
  transform(change: WorkspaceChange, after: Workspace): void {
    if (change.length === 0) return;
    for (const [id, peer] of this.peers)
      this.peers.set(id, { ...peer, files: mapFiles(peer.files, change, after) });
  }
}
