import type { DistSpaceError } from '@dist-space/ot-core';
import type { MessageOf } from '@dist-space/protocol';
import { countChangeOps, type WorkspaceChange } from '@dist-space/vfs-workspace';
import { deniedByScopes } from './local-checks.js';
import { deleteChildrenFirst } from './split-change.js';
import type { SyncState } from './sync-state.js';
import type { HandleLink } from './workspace-handle.js';

/** What a {@link ChangeSender} asks of the workspace sync it sends for. */
export interface SendGate {
  /** Nothing new may go out (a rebase, a reload or a request for state is under way). */
  readonly holding: boolean;
  /** Handles the refusal of a change that never left, a task after it was refused here. */
  refused(seq: number, error: DistSpaceError): void;
}

/**
 * The sending side of one workspace: numbers new changes, sends the next one when none is in
 * flight (cut to the server's limits, and in halves when a frame cannot carry it), sends the
 * in-flight change again with its seq, and refuses here, as the server would, what cannot leave.
 */
export class ChangeSender {
  private nextSeqValue: number;
  /**
   * The seq of a change refused here, before it left (see refuseLater), until its refusal is
   * handled: a reconnect or a rebase in the meantime must not send it after all.
   */
  private refusedHere: number | undefined;

  /** @param nextSeq - the seq the next new change gets */
  constructor(
    private readonly id: string,
    private readonly link: HandleLink,
    private readonly sync: SyncState,
    private readonly gate: SendGate,
    nextSeq: number,
  ) {
    this.nextSeqValue = nextSeq;
  }

  /** The seq the next new change gets (saved with the state). */
  get nextSeq(): number {
    return this.nextSeqValue;
  }

  /** Sends the next change if none is in flight. */
  flush(): void {
    if (!this.link.connected || this.gate.holding) return;
    let maxOps = this.link.maxOpsPerChange;
    for (;;) {
      const next = this.sync.takeNext(this.nextSeqValue, maxOps, this.link.maxTextPerChange);
      if (!next) return;
      // What the scopes forbid is refused here, never sent: a rebase or the rollback of a
      // refused change can make such ops (a rollback transformed past a buffered directory delete
      // moves others' new files out of it), and sending them would only earn a Reject whose
      // rollback can make more of them.
      const denied = deniedByScopes(this.link.capabilities, this.sync.confirmed, next.change);
      if (denied) {
        this.nextSeqValue++;
        this.refuseLater(next.seq, denied);
        return;
      }
      const refused = this.link.submit(this.submitMessage(next.seq, next.change));
      const weight = countChangeOps(next.change);
      if (refused && weight > 1) {
        // Within the limits and still too large for one frame (many ops with long names): this
        // seq never left, so its ops can go out in halves instead.
        this.sync.unsend();
        maxOps = Math.floor(weight / 2);
        continue;
      }
      // One op too large: a directory delete whose listing fills a frame goes out as its
      // children's deletes first (in halves, if need be), then the empty directory's.
      if (refused && this.sync.unsendExpanded(deleteChildrenFirst)) continue;
      this.nextSeqValue++;
      if (refused) this.refuseLater(next.seq, refused);
      return;
    }
  }

  /**
   * Answers a change that never left as the server would have: refused. In a later task, not a
   * microtask, since this may run inside an open, before its caller has the handle and has had a
   * chance to listen for the `rejected` event. The gate's `refused` handles it then, and leaves
   * it alone if the handle was closed meanwhile: the change stays in the saved state, as in
   * flight, and the next open sends it for the server to answer.
   */
  private refuseLater(seq: number, error: DistSpaceError): void {
    this.refusedHere = seq;
    setTimeout(() => {
      if (this.refusedHere === seq) this.refusedHere = undefined;
      this.gate.refused(seq, error);
    }, 0);
  }

  /** Whether `change` weighs more than the server takes in one change, and can be cut. */
  grewPastLimit(change: WorkspaceChange): boolean {
    const weight = countChangeOps(change);
    return weight > 1 && weight > this.link.maxOpsPerChange;
  }

  /** Sends the in-flight change again (same seq) after a reconnect, then anything buffered. */
  resend(): void {
    const inflight = this.sync.inflight;
    if (inflight) this.submit(inflight.seq, inflight.change);
    else this.flush();
  }

  /** Sends a change again (same seq): after a reconnect, or to learn its fate before a rebase. */
  submit(seq: number, change: WorkspaceChange): void {
    // Refused here and never sent: its answer, a refusal, is already on its way (refuseLater).
    if (seq === this.refusedHere) return;
    const refused = this.link.submit(this.submitMessage(seq, change));
    // Too large for one frame now (transforms grew it): it cannot leave, and waiting for its
    // answer would wait for ever; refuse it here as the server would.
    if (refused) this.refuseLater(seq, refused);
  }

  private submitMessage(seq: number, change: WorkspaceChange): MessageOf<'Submit'> {
    return {
      type: 'Submit',
      workspace: this.id,
      baseRevision: this.sync.revision,
      clientId: this.link.clientId,
      seq,
      change,
    };
  }

  /**
   * Numbers the next new change above `lastSeq`, the highest seq the server has from this client
   * id here: a handle without saved state starts from nothing, and a seq the server has seen
   * would be answered as a duplicate and never applied.
   */
  continueAfter(lastSeq: number | undefined): void {
    if (lastSeq !== undefined && lastSeq >= this.nextSeqValue) this.nextSeqValue = lastSeq + 1;
  }
}
