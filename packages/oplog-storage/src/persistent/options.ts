import type { DistSpaceError } from '@dist-space/ot-core';

/** How a {@link PersistentWorkspace} snapshots, caches and truncates. */
export interface PersistentWorkspaceOptions {
  /**
   * Take a snapshot once this many revisions have been appended since the last one; 1,000 by
   * default. `Infinity` turns snapshots by count off.
   */
  readonly snapshotEveryRevisions?: number;
  /**
   * Take a snapshot once the changes appended since the last one reach about this many bytes
   * (their wire form's strings and numbers); 16 MiB by default. `Infinity` turns it off.
   */
  readonly snapshotEveryBytes?: number;
  /** How many recent changes to keep in memory for catch-up and history; 1,000 by default. */
  readonly recentWindow?: number;
  /**
   * After each snapshot, drop the log below the newest snapshot that leaves at least this many
   * of the newest revisions in it: clients that far behind can still catch up by changes, and
   * history reaches back to that snapshot. Unset by default: the log is never truncated and all
   * history stays available.
   */
  readonly retainRevisions?: number;
  /** Milliseconds since the epoch for the `time` of changes and snapshots; `Date.now` by default. */
  readonly clock?: () => number;
  /**
   * Called when a background snapshot or truncation fails. Appends go on (the log holds
   * everything); the next snapshot is tried at the next threshold. Ignored by default.
   */
  readonly onBackgroundError?: (error: DistSpaceError) => void;
}

/** {@link PersistentWorkspaceOptions} with every default filled in. */
export type ResolvedOptions = Required<Omit<PersistentWorkspaceOptions, 'retainRevisions'>> & {
  readonly retainRevisions: number | undefined;
};

/** Fills in the defaults of {@link PersistentWorkspaceOptions}. */
export function resolveOptions(options: PersistentWorkspaceOptions): ResolvedOptions {
  return {
    snapshotEveryRevisions: options.snapshotEveryRevisions ?? 1000,
    snapshotEveryBytes: options.snapshotEveryBytes ?? 16 * 2 ** 20,
    recentWindow: options.recentWindow ?? 1000,
    retainRevisions: options.retainRevisions,
    clock: options.clock ?? Date.now,
    onBackgroundError: options.onBackgroundError ?? (() => {}),
  };
}

/**
 * About how many bytes a plain value takes on the wire: string lengths plus eight per other
 * leaf. Cheap enough to run on every change, and close enough to decide when to snapshot.
 */
export function approximateSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let size = 8;
    for (const item of value) size += approximateSize(item);
    return size;
  }
  if (typeof value === 'object' && value !== null) {
    let size = 8;
    for (const [key, item] of Object.entries(value)) size += key.length + approximateSize(item);
    return size;
  }
  return 8;
}
