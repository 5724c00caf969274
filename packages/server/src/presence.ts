import { type Change, mapSelection, type Selection } from '@dist-space/ot-core';
import type { WorkspaceChange } from '@dist-space/vfs-workspace';

/** Where one session's cursors are, per file id, at the workspace's current revision. */
export interface PresenceRecord {
  readonly sessionId: string;
  readonly subject: string;
  readonly clientId: string;
  files: Record<string, { selections: Selection[] }>;
  readonly state?: Readonly<Record<string, unknown>>;
}

/**
 * The cursors of a workspace's sessions, kept at the workspace's current revision: each
 * committed change maps the selections in the files it edits (as editors map their own), and
 * drops files it deletes.
 */
export class PresenceTable {
  private readonly records = new Map<string, PresenceRecord>();

  /** Stores a session's presence (already at the current revision). */
  set(record: PresenceRecord): void {
    this.records.set(record.sessionId, record);
  }

  /** Forgets a session's presence; true if it had one. */
  delete(sessionId: string): boolean {
    return this.records.delete(sessionId);
  }

  /** Every stored presence. */
  values(): IterableIterator<PresenceRecord> {
    return this.records.values();
  }

  /** A session's presence, if any. */
  get(sessionId: string): PresenceRecord | undefined {
    return this.records.get(sessionId);
  }

  /**
   * Moves every selection through a committed change. `exists(fileId)` says whether a file is
   * still there afterwards; presence in deleted files is dropped.
   */
  transform(change: WorkspaceChange, exists: (fileId: string) => boolean): void {
    if (this.records.size === 0) return;
    const edits = new Map<string, Change[]>();
    let treeOps = false;
    for (const op of change) {
      if (op.type === 'edit') {
        const list = edits.get(op.id);
        if (list) list.push(op.change);
        else edits.set(op.id, [op.change]);
      } else treeOps = true;
    }
    for (const record of this.records.values()) {
      for (const fileId of Object.keys(record.files)) {
        if (treeOps && !exists(fileId)) {
          delete record.files[fileId];
          continue;
        }
        const changes = edits.get(fileId);
        if (!changes) continue;
        const file = record.files[fileId]!;
        file.selections = file.selections.map((s) => {
          let mapped = s;
          for (const c of changes) mapped = mapSelection(mapped, c);
          return mapped;
        });
      }
    }
  }
}

/**
 * Maps selections made at an older revision to the current one through the changes in between
 * (`changes`, oldest first).
 */
export function mapSelectionsThrough(
  files: Record<string, { selections: Selection[] }>,
  changes: readonly WorkspaceChange[],
  exists: (fileId: string) => boolean,
): Record<string, { selections: Selection[] }> {
  const table = new PresenceTable();
  const record: PresenceRecord = { sessionId: '', subject: '', clientId: '', files };
  table.set(record);
  for (const change of changes) table.transform(change, () => true);
  for (const fileId of Object.keys(record.files)) if (!exists(fileId)) delete record.files[fileId];
  return record.files;
}
