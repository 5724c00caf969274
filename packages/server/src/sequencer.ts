import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  type ApplyOptions,
  applyWorkspaceChange,
  countChangeOps,
  hasTreeOp,
  type TransformNote,
  tryTransformWorkspaceChange,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import './errors.js';

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

interface Pending {
  readonly entry: SequencedChange;
  readonly durable: Promise<Result<void>>;
}

/** A submit the sequencer has put in order (or answered): its outcome, once durable. */
interface Sequenced {
  readonly outcome: Promise<Result<SubmitOutcome>>;
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
  /** The newest sequenced changes, oldest first, at most `recentWindow` committed ones. */
  private readonly recent: SequencedChange[] = [];
  /** Sequenced changes by client and seq, while they are in `recent`. */
  private readonly bySeq = new Map<string, Map<number, Pending>>();
  private readonly highest = new Map<string, number>();
  /** The author of each client id seen, or null while the log holds none of its changes. */
  private readonly owners = new Map<string, string | null>();
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
   * @returns the outcome, or `CLIENT_ID_TAKEN`, `INVALID_REVISION`, `REBASE_REQUIRED`, `PERMISSION_DENIED`,
   * `LIMIT_EXCEEDED`, an apply error (`NOT_FOUND`, `OUT_OF_RANGE`, ...), `STORE_FAILED` or
   * `SHUTTING_DOWN`
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
    const fromMemory = this.recentRange(since, upTo);
    if (fromMemory) return ok(fromMemory);
    return this.log.changesSince(since, upTo);
  }

  /**
   * The durable changes after `since`, if memory still holds them all; for joining a session to
   * the workspace in the same turn as it is told what it missed.
   */
  recentSince(since: number): SequencedChange[] | undefined {
    return this.recentRange(since, this.committed);
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
    const known = this.owners.get(request.clientId);
    const owner = known !== undefined ? known : await this.loadOwner(request.clientId);
    if (owner !== null && owner !== request.author) {
      return err(clientIdTaken(request.clientId, this.options.workspace));
    }
    const duplicate = await this.findDuplicate(request.clientId, request.seq);
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

    let change: WorkspaceChange = request.change;
    const notes: TransformNote[] = [];
    // The index in the submitted change of each op of `change` (-1 for a fix-up op), so that
    // notes name the ops as the author sent them; undefined while they are the same.
    let origins: number[] | undefined;
    let crossedTreeOps = false;
    for (const other of concurrent.value) {
      if (other.clientId === request.clientId) {
        // The client's own earlier change is already under this one: the client sent before
        // its previous change was acknowledged, which the protocol does not allow.
        return err(
          new DistSpaceError(
            'INVALID_REVISION',
            `Change ${request.seq} is based on revision ${base}, before this client's own change ${other.seq} (revision ${other.revision}); wait for each Ack before sending the next change.`,
            { baseRevision: base, ownRevision: other.revision },
          ),
        );
      }
      if (change.length === 0) break;
      if (hasTreeOp(other.change)) crossedTreeOps = true;
      // The change comes from a peer: a context that fits no workspace is a typed reject,
      // never an exception in the request path.
      const transformed = tryTransformWorkspaceChange(change, other.change, 'right');
      if (!transformed.ok) return transformed;
      change = transformed.value.change;
      for (const note of transformed.value.notes) {
        const index = origins ? origins[note.index]! : note.index;
        if (index >= 0) notes.push({ ...note, index });
      }
      const step = transformed.value.origins;
      origins = origins ? step.map((o) => (o < 0 ? -1 : origins![o]!)) : step;
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
    this.remember(entry, durable);
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
      this.trimRecent();
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
    while (
      this.recent.length > 0 &&
      this.recent[this.recent.length - 1]!.revision > this.committed
    ) {
      const dropped = this.recent.pop()!;
      this.bySeq.get(dropped.clientId)?.delete(dropped.seq);
    }
    this.options.onFailure(this.failure);
  }

  private remember(entry: SequencedChange, durable: Promise<Result<void>>): void {
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

  private trimRecent(): void {
    let excess = this.recent.length - this.options.recentWindow;
    while (excess > 0 && this.recent[0]!.revision <= this.committed) {
      const old = this.recent.shift()!;
      const seqs = this.bySeq.get(old.clientId);
      seqs?.delete(old.seq);
      if (seqs?.size === 0) this.bySeq.delete(old.clientId);
      excess--;
    }
  }

  /**
   * The subject whose change first used `clientId` here, or null when none is sequenced, read
   * from the log the first time a client id is seen (so that a restart keeps it); `owners`
   * answers after that without waiting.
   */
  private async loadOwner(clientId: string): Promise<string | null> {
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
  private async findDuplicate(clientId: string, seq: number): Promise<Sequenced | undefined> {
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
    return { outcome: Promise.resolve(ok(duplicateOf(stored?.revision ?? this.committed))) };
  }

  /**
   * The highest seq sequenced from `clientId` (0 for none), durable or not, read from the log on
   * first sight. A client that lost its own count numbers its next change above it (Snapshot's
   * `lastSeq`), or this sequencer would answer that change as a resubmission.
   */
  async highestSeqOf(clientId: string): Promise<number> {
    let highest = this.highest.get(clientId);
    if (highest === undefined) {
      highest = (await this.log.highestSeq(clientId)) ?? 0;
      this.highest.set(clientId, highest);
    }
    return highest;
  }

  /**
   * Resolves once `clientId`'s highest seq is known here and every submit queued before this
   * call is sequenced; {@link WorkspaceSequencer.knownHighestSeq} then tells it without waiting.
   * A Snapshot's `lastSeq` must count a change the client's old connection left in the queue:
   * read earlier, the change would be sequenced after the read and broadcast after the Snapshot,
   * and the client, not knowing it as its own, would send it again.
   */
  async settleSeqsOf(clientId: string): Promise<void> {
    await this.highestSeqOf(clientId);
    await this.queue;
  }

  /** The highest seq sequenced from `clientId` as far as memory knows (0 for none). */
  knownHighestSeq(clientId: string): number {
    return this.highest.get(clientId) ?? 0;
  }

  /** The changes after `base` up to the head, committed or not. */
  private async concurrentSince(base: number): Promise<Result<readonly SequencedChange[]>> {
    if (base === this.head) return ok([]);
    const fromMemory = this.recentRange(base, this.head);
    if (fromMemory) return ok(fromMemory);
    // Older than the window: the log holds the committed part; the rest is in memory.
    const stored = await this.log.changesSince(base, this.committed);
    if (!stored.ok) return stored;
    const tail = this.recent.filter((e) => e.revision > this.committed);
    return ok([...stored.value, ...tail]);
  }

  private recentRange(since: number, upTo: number): SequencedChange[] | undefined {
    if (since === upTo) return [];
    const first = this.recent[0];
    if (first === undefined || first.revision > since + 1) return undefined;
    const start = since + 1 - first.revision;
    return this.recent.slice(start, start + (upTo - since));
  }
}

/**
 * Gives the workspace limits their own codes: vfs-workspace reports both as `LIMIT_EXCEEDED`,
 * naming the file (`details.id`) when a file grew too long.
 */
function limitBreach(error: DistSpaceError, workspace: string): DistSpaceError {
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

function duplicateOf(revision: number): SubmitOutcome {
  return { revision, duplicate: true, change: [], notes: [] };
}

/** The refusal of a client id that another subject's changes already use. */
export function clientIdTaken(clientId: string, workspace?: string): DistSpaceError {
  return new DistSpaceError(
    'CLIENT_ID_TAKEN',
    `Client id '${clientId}' belongs to another user${workspace === undefined ? '' : ` in workspace '${workspace}'`}; generate a fresh client id and connect again.`,
    { clientId, ...(workspace === undefined ? {} : { workspace }) },
  );
}

function shuttingDown(workspace: string): DistSpaceError {
  return new DistSpaceError(
    'SHUTTING_DOWN',
    `Workspace '${workspace}' is closing; submit again after reconnecting.`,
  );
}

function internalError(e: unknown): DistSpaceError {
  return new DistSpaceError(
    'INTERNAL_ERROR',
    'The server failed to process the change; it was not applied.',
    {
      cause: e instanceof Error ? e.message : String(e),
    },
  );
}

export type { WorkspaceOp };
