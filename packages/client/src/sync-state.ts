import { type Change, normalize, type Op } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  type EditOp,
  type TransformNote,
  transformWorkspaceX,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import { splitForSending } from './split-change.js';

/** A change sent to the server and not yet acknowledged. */
export interface InFlight {
  readonly seq: number;
  /** Transformed through every remote change since it was sent; as the server will apply it. */
  readonly change: WorkspaceChange;
}

/** What a remote change did here, for events. */
export interface RemoteApplied {
  /** The change as applied to the local state (after the pending changes). */
  readonly change: WorkspaceChange;
  /** The local state before it. */
  readonly before: Workspace;
  /** Pending ops of ours that the transform dropped or renamed. */
  readonly notes: readonly TransformNote[];
}

function apply(ws: Workspace, change: WorkspaceChange): Workspace {
  const result = applyWorkspaceChange(ws, change);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Appends `ops` to `out`, a normalised change, merging each into the ops before it as ot-core's
 * `normalize` does (an op that touches the one before becomes one op with it, one that cancels
 * it removes both); each merge removes an op, so this is amortised O(1) per op.
 */
function pushNormalized(out: Op[], ops: Change): void {
  for (const op of ops) {
    let current: Op | undefined = op;
    while (current !== undefined && out.length > 0) {
      const merged = normalize([out[out.length - 1]!, current]);
      if (merged.length === 2) break; // they do not touch
      out.pop();
      current = merged[0];
    }
    if (current !== undefined) out.push(current);
  }
}

/**
 * The client's side of one workspace's order (ot.js's three states, DESIGN.md 3.3): the state
 * the server confirmed at `revision`, at most one change in flight, and a buffer of later local
 * changes. Local changes apply at once; remote changes are transformed against the in-flight
 * change and the buffer exactly as the server transformed those against them (the server's
 * changes were sequenced first: ours take the right side). A sent change is transformed as one
 * unit, never composed again; the buffer is the composition of the local changes made since:
 * their concatenation, with consecutive edits of one file composed into one edit.
 *
 * Invariant: `local` = `confirmed` + in-flight + buffer.
 */
export class SyncState {
  private confirmedState: Workspace;
  private revisionValue: number;
  private localState: Workspace;
  private inflightValue: InFlight | undefined;
  private buffer: WorkspaceOp[] = [];
  /** The buffer's last op when the buffer owns its `change` array (see bufferOp). */
  private tail: { readonly op: EditOp; readonly ops: Op[] } | undefined;

  /**
   * @param inflight - a change sent before (restored from storage), kept with its seq
   * @param buffered - local changes not sent yet
   */
  constructor(
    confirmed: Workspace,
    revision: number,
    inflight?: InFlight,
    buffered: WorkspaceChange = [],
  ) {
    this.confirmedState = confirmed;
    this.revisionValue = revision;
    this.inflightValue = inflight;
    this.buffer = [...buffered];
    this.localState = apply(confirmed, [...(inflight?.change ?? []), ...buffered]);
  }

  /** The newest revision the server confirmed. */
  get revision(): number {
    return this.revisionValue;
  }

  /** The state at {@link SyncState.revision}: acknowledged changes only. */
  get confirmed(): Workspace {
    return this.confirmedState;
  }

  /** The local state: confirmed plus every pending change. */
  get local(): Workspace {
    return this.localState;
  }

  /** The change in flight, if any. */
  get inflight(): InFlight | undefined {
    return this.inflightValue;
  }

  /** Local changes waiting for the in-flight one to be acknowledged. */
  get buffered(): WorkspaceChange {
    return this.buffer;
  }

  /** Pending changes: the in-flight one (if any) and the buffer (if not empty). */
  get pendingCount(): number {
    return (this.inflightValue ? 1 : 0) + (this.buffer.length > 0 ? 1 : 0);
  }

  /**
   * Applies a local change (made on the local state). Throws if it does not apply.
   *
   * @param applied - the local state with `change` applied, when the caller has it already (a
   *   `ChangeBuilder`'s workspace), so that the change is not applied twice
   */
  applyLocal(change: WorkspaceChange, applied?: Workspace): void {
    this.localState = applied ?? apply(this.localState, change);
    for (const op of change) this.bufferOp(op);
  }

  /**
   * Adds a local op to the buffer. An edit of the file the buffer's last op edits is composed
   * into that op (ot-core's normalize: typing a word becomes one insert), so that a buffer
   * filled during a slow round trip goes out about as small as the edits it sums up, not as one
   * op per keystroke (which could pass the server's ops-per-change limit).
   */
  private bufferOp(op: WorkspaceOp): void {
    const last = this.buffer[this.buffer.length - 1];
    if (op.type !== 'edit' || last?.type !== 'edit' || last.id !== op.id) {
      this.buffer.push(op);
      this.tail = undefined;
      return;
    }
    if (this.tail?.op !== last) {
      // Compose into a copy: the last op may be shared (an event's change, the undo history).
      const ops = [...last.change];
      this.tail = { op: { type: 'edit', id: last.id, change: ops }, ops };
      this.buffer[this.buffer.length - 1] = this.tail.op;
    }
    pushNormalized(this.tail.ops, op.change);
    if (this.tail.ops.length === 0) {
      // Typed and taken back: the edit does nothing any more.
      this.buffer.pop();
      this.tail = undefined;
    }
  }

  /**
   * Takes the buffer as the next change to send, with `seq`, if nothing is in flight: all of it,
   * or as much as `maxOps` (the server's ops per change, counted as it counts them) and `maxText`
   * (code units of text, so that the change fits in a frame) allow, the rest staying buffered for
   * the next change (see `splitForSending`). Ops apply in order, so sending a prefix and then the
   * rest changes nothing but atomicity, and only for a buffer the server would refuse whole.
   *
   * @returns it, or undefined when a change is in flight or nothing is buffered
   */
  takeNext(
    seq: number,
    maxOps = Number.POSITIVE_INFINITY,
    maxText = Number.POSITIVE_INFINITY,
  ): InFlight | undefined {
    if (this.inflightValue || this.buffer.length === 0) return undefined;
    const [taken, rest] = splitForSending(this.buffer, maxOps, maxText);
    this.inflightValue = { seq, change: taken };
    this.buffer = rest;
    // The rest's last op is still the tail only when nothing of it was split.
    if (rest.length === 0 || rest[rest.length - 1] !== this.tail?.op) this.tail = undefined;
    return this.inflightValue;
  }

  /**
   * Puts the in-flight change back at the front of the buffer, to be taken again (in parts, by
   * {@link SyncState.takeNext}'s `maxOps`): for a change the server refused only for its size and
   * never sequenced. The local state stays as it is: the same ops are pending, in the same order.
   */
  unsend(): void {
    const inflight = this.inflightValue;
    if (!inflight) return;
    this.inflightValue = undefined;
    this.buffer = [...inflight.change, ...this.buffer];
  }

  /**
   * Like {@link SyncState.unsend}, for an in-flight change of one op that `expand` can rewrite
   * as several ops with the same effect (see `deleteChildrenFirst`): puts those back instead.
   *
   * @returns false (and nothing changed) when the change is not one op `expand` rewrites
   */
  unsendExpanded(expand: (op: WorkspaceOp) => WorkspaceOp[] | undefined): boolean {
    const inflight = this.inflightValue;
    if (inflight?.change.length !== 1) return false;
    const ops = expand(inflight.change[0]!);
    if (!ops) return false;
    this.inflightValue = undefined;
    this.buffer = [...ops, ...this.buffer];
    return true;
  }

  /** The server sequenced the in-flight change as `revision`. */
  acknowledge(revision: number): void {
    const inflight = this.inflightValue;
    if (!inflight) throw new Error('acknowledge without a change in flight');
    this.confirmedState = apply(this.confirmedState, inflight.change);
    this.revisionValue = revision;
    this.inflightValue = undefined;
  }

  /** Applies a change another client made, sequenced as `revision`. */
  applyRemote(change: WorkspaceChange, revision: number): RemoteApplied {
    this.confirmedState = apply(this.confirmedState, change);
    this.revisionValue = revision;
    const notes: TransformNote[] = [];
    let remote = change;
    if (this.inflightValue) {
      const x = transformWorkspaceX(this.inflightValue.change, remote, 'right');
      this.inflightValue = { seq: this.inflightValue.seq, change: x.a.change };
      notes.push(...x.a.notes);
      remote = x.b.change;
    }
    if (this.buffer.length > 0) {
      const x = transformWorkspaceX(this.buffer, remote, 'right');
      this.buffer = x.a.change;
      this.tail = undefined;
      notes.push(...x.a.notes);
      remote = x.b.change;
    }
    const before = this.localState;
    this.localState = apply(this.localState, remote);
    return { change: remote, before, notes };
  }

  /**
   * Drops the in-flight change (the server rejected it): undoes it locally by its inverse,
   * transformed past the buffer, so the buffer stays valid.
   *
   * @returns the change applied to the local state to take the rejected one back
   */
  rollBack(inverse: (change: WorkspaceChange) => WorkspaceChange): WorkspaceChange {
    const inflight = this.inflightValue;
    if (!inflight) return [];
    this.inflightValue = undefined;
    // The buffer was made on confirmed + in-flight; move it onto confirmed by transforming it
    // against the inverse of the in-flight change, and the inverse past the buffer.
    const undo = inverse(inflight.change);
    const x = transformWorkspaceX(this.buffer, undo, 'right');
    this.buffer = x.a.change;
    this.tail = undefined;
    this.localState = apply(this.localState, x.b.change);
    return x.b.change;
  }

  /**
   * Takes back everything pending, the in-flight change and the buffer: the local state becomes
   * the confirmed one. For edits that keep depending on changes the server refuses.
   *
   * @returns the change that was pending, and the change that undoes it on the old local state
   */
  rollBackAll(inverse: (change: WorkspaceChange) => WorkspaceChange): {
    readonly pending: WorkspaceChange;
    readonly undo: WorkspaceChange;
  } {
    const pending = this.pending();
    const undo = inverse(pending);
    this.inflightValue = undefined;
    this.buffer = [];
    this.tail = undefined;
    this.localState = this.confirmedState;
    return { pending, undo };
  }

  /**
   * Replaces everything with a state from the server (a snapshot after a rebase or a resync),
   * with the pending changes already moved onto it.
   */
  reset(confirmed: Workspace, revision: number, pending: WorkspaceChange): void {
    this.confirmedState = confirmed;
    this.revisionValue = revision;
    this.inflightValue = undefined;
    this.buffer = [...pending];
    this.tail = undefined;
    this.localState = apply(confirmed, pending);
  }

  /** Pending changes as one change on the confirmed state: in-flight then buffer. */
  pending(): WorkspaceChange {
    return [...(this.inflightValue?.change ?? []), ...this.buffer];
  }
}
