import { ok, type Result } from '@dist-space/ot-core';
import type { SubmitOutcome, WorkspaceSequencer } from './sequencer.js';
import type { SequencedChange, SequencerLog } from './sequencer-log.js';

interface Pending {
  readonly entry: SequencedChange;
  readonly durable: Promise<Result<void>>;
}

/** A submit the sequencer has put in order (or answered): its outcome, once durable. */
export interface Sequenced {
  /** Resolves once the change (for a resubmission, the original) is durable, or with why not. */
  readonly outcome: Promise<Result<SubmitOutcome>>;
}

/**
 * What a sequencer remembers of its workspace's recent changes: the newest of them, for
 * transform and catch-up without reading the log, and, per client id, its sequenced seqs and
 * its owner, for answering a resubmission with its original outcome (DESIGN.md 3.6) and
 * refusing a client id another subject's changes use. The log answers what memory has
 * forgotten.
 */
export class RecentChanges {
  /** The newest sequenced changes, oldest first, at most `recentWindow` committed ones. */
  private readonly recent: SequencedChange[] = [];
  /** Sequenced changes by client and seq, while they are in `recent`. */
  private readonly bySeq = new Map<string, Map<number, Pending>>();
  private readonly highest = new Map<string, number>();
  /** The author of each client id seen, or null while the log holds none of its changes. */
  private readonly owners = new Map<string, string | null>();

  /**
   * @param log the durable log behind the memory
   * @param recentWindow how many committed changes to keep
   * @param committed the revision of the newest durable change, read when it is needed
   */
  constructor(
    private readonly log: SequencerLog,
    private readonly recentWindow: number,
    private readonly committed: { readonly revision: number },
  ) {}

  /** Records a change just sequenced, durable once `durable` resolves. */
  remember(entry: SequencedChange, durable: Promise<Result<void>>): void {
    this.recent.push(entry);
    let seqs = this.bySeq.get(entry.clientId);
    if (!seqs) {
      seqs = new Map();
      this.bySeq.set(entry.clientId, seqs);
    }
    seqs.set(entry.seq, { entry, durable });
    if (!this.owners.get(entry.clientId)) this.owners.set(entry.clientId, entry.author);
    if ((this.highest.get(entry.clientId) ?? 0) < entry.seq)
      this.highest.set(entry.clientId, entry.seq);
  }

  /** Forgets the oldest changes beyond the window, never one newer than `committed`. */
  trim(committed: number): void {
    let excess = this.recent.length - this.recentWindow;
    while (excess > 0 && this.recent[0]!.revision <= committed) {
      const old = this.recent.shift()!;
      const seqs = this.bySeq.get(old.clientId);
      seqs?.delete(old.seq);
      if (seqs?.size === 0) this.bySeq.delete(old.clientId);
      excess--;
    }
  }

  /** Forgets the changes after `committed`: sequenced, but never committed. */
  forgetAfter(committed: number): void {
    while (this.recent.length > 0 && this.recent[this.recent.length - 1]!.revision > committed) {
      const dropped = this.recent.pop()!;
      this.bySeq.get(dropped.clientId)?.delete(dropped.seq);
    }
  }

  /** The changes with revisions `since + 1` to `upTo`, or undefined when memory lacks some. */
  range(since: number, upTo: number): SequencedChange[] | undefined {
    if (since === upTo) return [];
    const first = this.recent[0];
    if (first === undefined || first.revision > since + 1) return undefined;
    const start = since + 1 - first.revision;
    return this.recent.slice(start, start + (upTo - since));
  }

  /** The changes in memory newer than `revision`. */
  newerThan(revision: number): SequencedChange[] {
    return this.recent.filter((e) => e.revision > revision);
  }

  /**
   * The subject whose change first used `clientId` here, null when none is sequenced, or
   * undefined when this client id was not seen yet (see {@link RecentChanges.loadOwner}).
   */
  knownOwner(clientId: string): string | null | undefined {
    return this.owners.get(clientId);
  }

  /**
   * The subject whose change first used `clientId` here, or null when none is sequenced, read
   * from the log the first time a client id is seen (so that a restart keeps it); `owners`
   * answers after that without waiting.
   */
  async loadOwner(clientId: string): Promise<string | null> {
    const highest = await this.highestSeqOf(clientId);
    // The newest change is the one truncation keeps longest. Once truncation dropped all of a
    // client's changes the owner is unknown, and the next new change claims the id again.
    const owner =
      highest > 0 ? ((await this.log.findBySeq(clientId, highest))?.author ?? null) : null;
    this.owners.set(clientId, owner);
    return owner;
  }

  /**
   * The answer to a resubmission (once the original is durable), or undefined for a new change.
   */
  async findDuplicate(clientId: string, seq: number): Promise<Sequenced | undefined> {
    const pending = this.bySeq.get(clientId)?.get(seq);
    if (pending) {
      const outcome = pending.durable.then(
        (done): Result<SubmitOutcome> => (done.ok ? ok(duplicateOf(pending.entry.revision)) : done),
      );
      return { outcome };
    }
    if (seq > (await this.highestSeqOf(clientId))) return undefined;
    const stored = await this.log.findBySeq(clientId, seq);
    // A seq at or below the client's highest is a resubmission even when truncation dropped its
    // record: it was sequenced, and sequencing it again would apply it twice.
    return {
      outcome: Promise.resolve(ok(duplicateOf(stored?.revision ?? this.committed.revision))),
    };
  }

  /**
   * The highest seq sequenced from `clientId` (0 for none), durable or not, read from the log on
   * first sight (see {@link WorkspaceSequencer.highestSeqOf} for why).
   */
  async highestSeqOf(clientId: string): Promise<number> {
    let highest = this.highest.get(clientId);
    if (highest === undefined) {
      highest = (await this.log.highestSeq(clientId)) ?? 0;
      this.highest.set(clientId, highest);
    }
    return highest;
  }

  /** The highest seq sequenced from `clientId` as far as memory knows (0 for none). */
  knownHighestSeq(clientId: string): number {
    return this.highest.get(clientId) ?? 0;
  }
}

function duplicateOf(revision: number): SubmitOutcome {
  return { revision, duplicate: true, change: [], notes: [] };
}
