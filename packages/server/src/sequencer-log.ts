import type { Result } from '@dist-space/ot-core';
import type { Workspace, WorkspaceChange } from '@dist-space/vfs-workspace';

/** One change as the sequencer put it in the workspace's order. */
export interface SequencedChange {
  /** The revision it made: the revision before it plus one. */
  readonly revision: number;
  readonly clientId: string;
  readonly seq: number;
  /** The subject of the session that submitted it. */
  readonly author: string;
  /** When it was sequenced, ms since the epoch. */
  readonly time: number;
  /** The change as applied: transformed to apply to revision `revision - 1`. */
  readonly change: WorkspaceChange;
}

/**
 * Where a sequencer keeps its workspace's history: the durable log behind it. `append` resolves
 * only once the change is durable, and appends made in order commit in order (a later one never
 * commits when an earlier one failed).
 */
export interface SequencerLog {
  /** The revision of the last committed change when the log was opened. */
  readonly revision: number;
  /** The workspace at that revision. */
  readonly state: Workspace;
  /** Commits one change, with the state it produced (for snapshots). */
  append(entry: SequencedChange, stateAfter: Workspace): Promise<void>;
  /**
   * The committed changes with revisions `since + 1` to `upTo`, in order, or `REBASE_REQUIRED`
   * when the log no longer holds them all.
   */
  changesSince(since: number, upTo: number): Promise<Result<SequencedChange[]>>;
  /** The committed change a client submitted as `seq`, if the log still holds it. */
  findBySeq(clientId: string, seq: number): Promise<SequencedChange | undefined>;
  /** The highest seq the log holds from a client, truncation notwithstanding. */
  highestSeq(clientId: string): Promise<number | undefined>;
  /** Flushes and releases the log. */
  close(): Promise<void>;
}
