import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  type ApplyOptions,
  applyWorkspaceChange,
  countChangeOps,
  type TransformNote,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import { RecentChanges, type Sequenced } from './recent-changes.js';
import { clientIdTaken, internalError, limitBreach, shuttingDown } from './sequencer-errors.js';
import type { SequencedChange, SequencerLog } from './sequencer-log.js';
import { transformSubmit } from './submit-transform.js';
import './errors.js';

/** A change a session submits. */
export interface SubmitRequest {
  readonly clientId: string;
  readonly seq: number;
  readonly author: string;
  readonly baseRevision: number;
  readonly change: WorkspaceChange;
  /**
   * Checks the transformed change against the submitter's rights on the state it will apply
   * to (a concurrent rename can move an allowed edit into a forbidden path). Called only with a
   * change that applies to `state` (limits aside), so it may use `touchedPathsOfApplied`.
   */
  readonly authorize: (state: Workspace, change: WorkspaceChange) => Result<void>;
  /**
   * Rewrites the error of a (transformed) change that does not apply to `state` before the
   * submitter is told, so that the failure tells it nothing it may not see; absent, the error
   * is told as it is.
   */
  readonly concealFailure?: (
    state: Workspace,
    change: WorkspaceChange,
    failure: DistSpaceError,
  ) => DistSpaceError;
  /** Who submitted it, handed back to the commit listener (the server acknowledges it there). */
  readonly origin?: unknown;
  /**
   * Why the Submit's change could not be read (the decoder's error), when it could not: the
   * request is answered as a resubmission if its seq was sequenced before, and refused with this
   * error otherwise. `change` is then empty and unused.
   */
  readonly unreadable?: DistSpaceError;
}

/** What became of a submitted change once it is durable. */
export interface SubmitOutcome {
  /** The revision it became (for a resubmission: the revision it became the first time). */
  readonly revision: number;
  /** True when the change had been sequenced before and this was a resubmission. */
  readonly duplicate: boolean;
  /** The change as applied (empty for a duplicate). */
  readonly change: WorkspaceChange;
  /** Ops the transform dropped, renamed or relocated. */
  readonly notes: readonly TransformNote[];
}

/**
 * Called for every change once it is durable, in revision order, with the state before it,
 * what the transform did to its ops (indices in the change as submitted) and whether it was
 * transformed against a concurrent change with tree ops.
 */
export type CommitListener = (
  entry: SequencedChange,
  before: Workspace,
  after: Workspace,
  origin: unknown,
  notes: readonly TransformNote[],
  crossedTreeOps: boolean,
) => void;

/** Options of a {@link WorkspaceSequencer}. */
export interface SequencerOptions {
  /** The workspace's id, for messages. */
  readonly workspace: string;
  /** Limits checked on the state a change produces. */
  readonly apply: ApplyOptions;
  /** Most ops (workspace ops plus text ops) in one change. */
  readonly maxChangeOps: number;
  /** Changes kept in memory for transform and catch-up without reading the log. */
  readonly recentWindow: number;
  /** Called with each change once durable, in order. */
  readonly onCommit: CommitListener;
  /** Called once if the log fails: the sequencer refuses everything after. */
  readonly onFailure: (error: DistSpaceError) => void;
}

/**
 * Puts the changes of one workspace in one order (DESIGN.md 3.3-3.7). A submit is deduplicated
 * by `(clientId, seq)`, transformed as one unit against every change sequenced since its base
 * revision, checked against the submitter's rights, applied, appended to the log, and reported
 * once durable. Submits are sequenced one at a time in arrival order; their commits overlap (the
 * log groups them), and completions are reported in revision order.
 */
export class WorkspaceSequencer {
  /** The revision of the newest sequenced change (committed or not). */
  private head: number;
  /** The state after the newest sequenced change. */
  private headState: Workspace;
  private committed: number;
  private committedStateValue: Workspace;
  /** The recent changes, and per client id its seqs and owner. */
  private readonly recent: RecentChanges;
  private queue: Promise<unknown> = Promise.resolve();
  private commits: Promise<unknown> = Promise.resolve();
  private failure: DistSpaceError | undefined;
  private closed = false;

  constructor(
    private readonly log: SequencerLog,
    private readonly options: SequencerOptions,
  ) {
    this.head = this.committed = log.revision;
    this.headState = this.committedStateValue = log.state;
    this.recent = new RecentChanges(log, options.recentWindow, this);
  }

  /** The revision of the newest durable change: what sessions may see. */
  get revision(): number {
    return this.committed;
  }

  /** The workspace at {@link WorkspaceSequencer.revision}. */
  get state(): Workspace {
    return this.committedStateValue;
  }

  /** True once the log failed; the workspace must be closed and opened again. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sequences a change. Resolves once it is durable (or refused); never rejects.
   *
   * @returns the outcome, or `CLIENT_ID_TAKEN`, `INVALID_REVISION`, `REBASE_REQUIRED`,
   * `PERMISSION_DENIED`, `LIMIT_EXCEEDED`, an apply error (`NOT_FOUND`, `OUT_OF_RANGE`, ...),
   * `STORE_FAILED` or `SHUTTING_DOWN`
   */
  submit(request: SubmitRequest): Promise<Result<SubmitOutcome>> {
    // The queue holds the next submit only until this one is sequenced and its append started,
    // not until it is durable: commits overlap, and the log groups them (one fsync for many).
    const turn = this.queue.then(() => this.sequence(request));
    this.queue = turn.catch(() => undefined);
    // A bug while sequencing, or in the commit listener once durable, is an INTERNAL_ERROR
    // answer: a rejected promise here would be an unhandled rejection in the request path.
    return turn
      .then((step) => (step.ok ? step.value.outcome : step))
      .catch((e: unknown) => err(internalError(e)));
  }

  /**
   * The durable changes after `since` (up to the current revision), from memory when recent.
   *
   * @returns them, `INVALID_REVISION` for a revision ahead of the workspace, or `REBASE_REQUIRED`
   */
  async changesSince(since: number): Promise<Result<SequencedChange[]>> {
    const upTo = this.committed;
    if (!Number.isSafeInteger(since) || since < 0 || since > upTo) {
      return err(
        new DistSpaceError(
          'INVALID_REVISION',
          `Revision ${since} is not a revision of workspace '${this.options.workspace}', which is at ${upTo}.`,
          { revision: since, current: upTo },
        ),
      );
    }
    const fromMemory = this.recent.range(since, upTo);
    if (fromMemory) return ok(fromMemory);
    return this.log.changesSince(since, upTo);
  }

  /**
   * The durable changes after `since`, if memory still holds them all; for joining a session to
   * the workspace in the same turn as it is told what it missed.
   */
  recentSince(since: number): SequencedChange[] | undefined {
    return this.recent.range(since, this.committed);
  }

  /** Waits for every sequenced change to be durable, then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.commits;
    await this.log.close();
  }

  /**
   * Puts one submit in order: refuses it, or answers a resubmission, or transforms, applies and
   * starts appending it. What it returns resolves before the change is durable; its `outcome`
   * resolves once it is.
   */
  private async sequence(request: SubmitRequest): Promise<Result<Sequenced>> {
    if (this.closed) return err(shuttingDown(this.options.workspace));
    if (this.failure) return err(this.failure);
    // Before dedupe: another user's Submit under this client id must not be acknowledged as a
    // duplicate, nor make the owner's own next change one (a silent loss).
    const known = this.recent.knownOwner(request.clientId);
    const owner = known !== undefined ? known : await this.recent.loadOwner(request.clientId);
    if (owner !== null && owner !== request.author) {
      return err(clientIdTaken(request.clientId, this.options.workspace));
    }
    const duplicate = await this.recent.findDuplicate(request.clientId, request.seq);
    if (duplicate) return ok(duplicate);
    if (request.unreadable) return err(request.unreadable);

    const { workspace, maxChangeOps } = this.options;
    const ops = countChangeOps(request.change);
    if (ops > maxChangeOps) {
      return err(
        new DistSpaceError(
          'LIMIT_EXCEEDED',
          `A change may hold at most ${maxChangeOps} ops; this one has ${ops}. Split it into several changes.`,
          { limit: maxChangeOps, actual: ops },
        ),
      );
    }
    const base = request.baseRevision;
    if (!Number.isSafeInteger(base) || base < 0 || base > this.head) {
      return err(
        new DistSpaceError(
          'INVALID_REVISION',
          `The change is based on revision ${base}, but workspace '${workspace}' is at ${this.head}.`,
          { baseRevision: base, current: this.head },
        ),
      );
    }
    const concurrent = await this.concurrentSince(base);
    if (!concurrent.ok) return concurrent;

    // Nothing sequenced since the base (the common case) leaves the change as it is, without
    // the allocations of a transform.
    let change: WorkspaceChange = request.change;
    let notes: readonly TransformNote[] = [];
    let crossedTreeOps = false;
    if (concurrent.value.length > 0) {
      const transformed = transformSubmit(request, concurrent.value);
      if (!transformed.ok) return transformed;
      ({ change, notes, crossedTreeOps } = transformed.value);
    }

    const before = this.headState;
    // Applied once, here, and the log takes the state it produced; the rights check reads an
    // edit-only change's paths without applying it again (a change with tree ops is still walked
    // op by op: see touchedPathsOfApplied). A change that does not apply is refused with apply's
    // error (concealed where it concerns a hidden node), as before any rights check; one that
    // breaches a limit is checked for rights first, so that a forbidden change is always
    // PERMISSION_DENIED.
    const applied = applyWorkspaceChange(before, change, this.options.apply);
    if (!applied.ok && applied.error.code !== 'LIMIT_EXCEEDED') {
      return err(request.concealFailure?.(before, change, applied.error) ?? applied.error);
    }
    const allowed = request.authorize(before, change);
    if (!allowed.ok) return allowed;
    if (!applied.ok) return err(limitBreach(applied.error, this.options.workspace));

    const entry: SequencedChange = {
      revision: this.head + 1,
      clientId: request.clientId,
      seq: request.seq,
      author: request.author,
      time: Date.now(),
      change,
    };
    this.head = entry.revision;
    this.headState = applied.value;
    const durable = this.commit(
      entry,
      before,
      applied.value,
      request.origin,
      notes,
      crossedTreeOps,
    );
    this.recent.remember(entry, durable);
    const outcome = durable.then(
      (done): Result<SubmitOutcome> =>
        done.ok ? ok({ revision: entry.revision, duplicate: false, change, notes }) : done,
    );
    return ok({ outcome });
  }

  /** Starts the durable append and chains its completion after every earlier one. */
  private commit(
    entry: SequencedChange,
    before: Workspace,
    after: Workspace,
    origin: unknown,
    notes: readonly TransformNote[],
    crossedTreeOps: boolean,
  ): Promise<Result<void>> {
    const append = this.log.append(entry, after);
    const done = this.commits.then(async (): Promise<Result<void>> => {
      if (this.failure) return err(this.failure);
      try {
        await append;
      } catch (e) {
        this.fail(e, entry.revision);
        return err(this.failure!);
      }
      this.committed = entry.revision;
      this.committedStateValue = after;
      this.recent.trim(this.committed);
      this.options.onCommit(entry, before, after, origin, notes, crossedTreeOps);
      return ok(undefined);
    });
    // A failed append must not leave an unhandled rejection behind.
    append.catch(() => undefined);
    this.commits = done;
    return done;
  }

  private fail(cause: unknown, revision: number): void {
    if (this.failure) return;
    const message = cause instanceof Error ? cause.message : String(cause);
    this.failure = new DistSpaceError(
      'STORE_FAILED',
      `The store could not commit revision ${revision} of workspace '${this.options.workspace}' (${message}); nothing after revision ${this.committed} was applied. Open the workspace again.`,
      {
        workspace: this.options.workspace,
        revision,
        cause: cause instanceof DistSpaceError ? cause.code : undefined,
      },
    );
    // Forget what was sequenced but never committed: the log holds the truth.
    this.head = this.committed;
    this.headState = this.committedStateValue;
    this.recent.forgetAfter(this.committed);
    this.options.onFailure(this.failure);
  }

  /**
   * The highest seq sequenced from `clientId` (0 for none), durable or not, read from the log on
   * first sight. A client that lost its own count numbers its next change above it (Snapshot's
   * `lastSeq`), or this sequencer would answer that change as a resubmission.
   */
  highestSeqOf(clientId: string): Promise<number> {
    return this.recent.highestSeqOf(clientId);
  }

  /**
   * Resolves once `clientId`'s highest seq is known here and every submit queued before this
   * call is sequenced; {@link WorkspaceSequencer.knownHighestSeq} then tells it without waiting.
   * A Snapshot's `lastSeq` must count a change the client's old connection left in the queue:
   * read earlier, the change would be sequenced after the read and broadcast after the Snapshot,
   * and the client, not knowing it as its own, would send it again.
   */
  async settleSeqsOf(clientId: string): Promise<void> {
    await this.recent.highestSeqOf(clientId);
    await this.queue;
  }

  /** The highest seq sequenced from `clientId` as far as memory knows (0 for none). */
  knownHighestSeq(clientId: string): number {
    return this.recent.knownHighestSeq(clientId);
  }

  /** The changes after `base` up to the head, committed or not. */
  private async concurrentSince(base: number): Promise<Result<readonly SequencedChange[]>> {
    if (base === this.head) return ok([]);
    const fromMemory = this.recent.range(base, this.head);
    if (fromMemory) return ok(fromMemory);
    // Older than the window: the log holds the committed part; the rest is in memory.
    const stored = await this.log.changesSince(base, this.committed);
    if (!stored.ok) return stored;
    const tail = this.recent.newerThan(this.committed);
    return ok([...stored.value, ...tail]);
  }
}

export type { WorkspaceOp };
