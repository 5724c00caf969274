import { DistSpaceError } from '@dist-space/ot-core';
import { parseWorkspaceChange, type WorkspaceChange } from '@dist-space/vfs-workspace';
import { storeCorrupt } from '../errors.js';
import type { StoredChange } from '../types.js';

/** One sequenced change of a workspace, with who made it and when. */
export interface HistoryEntry {
  /** The revision the change produced. */
  readonly rev: number;
  /** The change. */
  readonly change: WorkspaceChange;
  /** Who made it. */
  readonly author: string;
  /** When it was sequenced, in milliseconds since the epoch. */
  readonly time: number;
  /** The submitting client and its sequence number. */
  readonly clientId: string;
  /** The client's sequence number for the change. */
  readonly seq: number;
}

/**
 * Turns a stored change back into a {@link HistoryEntry}. A stored change that is not a valid
 * workspace change passed its checksum, so it was written that way: reported as `STORE_CORRUPT`
 * all the same, since the workspace cannot be rebuilt past it.
 */
export function entryFromStored(workspace: string, stored: StoredChange): HistoryEntry {
  const parsed = parseWorkspaceChange(stored.change);
  if (!parsed.ok) {
    throw storeCorrupt(
      { workspace, rev: stored.rev, record: 'change' },
      `is not a valid workspace change (${parsed.error.message})`,
    );
  }
  return {
    rev: stored.rev,
    change: parsed.value,
    author: stored.author,
    time: stored.time,
    clientId: stored.clientId,
    seq: stored.seq,
  };
}

/** `STORE_CORRUPT` for a logged change that no longer applies to the state it follows. */
export function doesNotApply(
  workspace: string,
  rev: number,
  cause: DistSpaceError,
): DistSpaceError {
  return storeCorrupt(
    { workspace, rev, record: 'change' },
    `does not apply to the workspace at revision ${rev - 1} (${cause.code}: ${cause.message})`,
  );
}

/** The in-memory window of the newest entries, oldest first. */
export class RecentWindow {
  readonly #entries: HistoryEntry[] = [];

  /** @param capacity - how many entries to keep */
  constructor(readonly capacity: number) {}

  /** Adds entries at the end, forgetting the oldest beyond the capacity. */
  push(entries: readonly HistoryEntry[]): void {
    this.#entries.push(...entries);
    const excess = this.#entries.length - this.capacity;
    if (excess > 0) this.#entries.splice(0, excess);
  }

  /** The entries with `from <= rev <= to`, or undefined when the window does not hold all of them. */
  range(from: number, to: number): HistoryEntry[] | undefined {
    if (from > to) return [];
    const first = this.#entries[0];
    if (first === undefined || from < first.rev || to > this.#entries.at(-1)!.rev) return undefined;
    return this.#entries.slice(from - first.rev, to - first.rev + 1);
  }

  /** Forgets everything after `rev` (when appends that were applied failed to commit). */
  dropAfter(rev: number): void {
    while ((this.#entries.at(-1)?.rev ?? 0) > rev) this.#entries.pop();
  }
}

/** `REVISION_NOT_FOUND` for a history request past the current revision. */
export function pastTheEnd(workspace: string, rev: number, revision: number): DistSpaceError {
  return new DistSpaceError(
    'REVISION_NOT_FOUND',
    `Workspace "${workspace}" is at revision ${revision}; revision ${rev} does not exist yet.`,
    { workspace, rev, revision },
  );
}
