import type { DistSpaceError } from '@dist-space/ot-core';
import { type AlteredOp, encodeMessage, type Message } from '@dist-space/protocol';
import {
  hasTreeOp,
  type TransformNote,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import type { ServerLimits } from './limits.js';
import { PresenceTable } from './presence.js';
import {
  projectChange,
  projectWorkspace,
  seenOtherwise,
  statesOf,
  type Visibility,
} from './projection.js';
import { RateMeter } from './rate-meter.js';
import { WorkspaceSequencer } from './sequencer.js';
import type { SequencedChange, SequencerLog } from './sequencer-log.js';

/** A session as a workspace sees it: someone to send messages to, with a view of the files. */
export interface Member {
  readonly sessionId: string;
  readonly subject: string;
  readonly clientId: string;
  /** What the session may see, or null when it reads everything (no filtering). */
  readonly visibility: Visibility | null;
  /** Sends a message; false when the connection is gone. */
  send(message: Message): boolean;
  /** Sends a message already encoded (one frame for many members); false when it is gone. */
  sendFrame(frame: Uint8Array): boolean;
  /** The workspace dropped the session (its store failed): it must open the workspace again. */
  detach(workspace: string, error: DistSpaceError): void;
  /**
   * Sends the workspace's current state (a Snapshot, with `lastSeq`) to a member with a filtered
   * view, just before the Ack of its change `lastSeq`, when the server transformed that change
   * in a way the member could not predict (see {@link OpenWorkspace}). Before the Ack, so that
   * the member sends nothing more from the state it predicted.
   */
  resync?(workspace: OpenWorkspace, lastSeq: number): void;
}

/** Called when an open workspace fails or has no member left. */
export interface OpenWorkspaceEvents {
  readonly onIdle: (ws: OpenWorkspace) => void;
  readonly onFailure: (ws: OpenWorkspace, error: DistSpaceError) => void;
}

/**
 * A workspace the server holds open: its sequencer, the sessions following it, and their
 * presence. Committed changes go out from here in revision order: an Ack to the session that
 * submitted the change, a Broadcast (projected to what each may see) to every other member.
 */
export class OpenWorkspace {
  readonly sequencer: WorkspaceSequencer;
  readonly members = new Map<string, Member>();
  readonly presence = new PresenceTable();
  readonly commits = new RateMeter();
  lastActivity = Date.now();

  constructor(
    readonly id: string,
    log: SequencerLog,
    limits: ServerLimits,
    private readonly events: OpenWorkspaceEvents,
  ) {
    this.sequencer = new WorkspaceSequencer(log, {
      workspace: id,
      apply: { maxNodes: limits.maxFilesPerWorkspace, maxFileSize: limits.maxFileLength },
      maxChangeOps: limits.maxChangeOps,
      recentWindow: limits.recentWindow,
      onCommit: (entry, before, after, origin, notes, crossedTreeOps) =>
        this.committed(entry, before, after, origin, notes, crossedTreeOps),
      onFailure: (error) => this.events.onFailure(this, error),
    });
  }

  /** The durable revision. */
  get revision(): number {
    return this.sequencer.revision;
  }

  /** Adds a session; it receives every change committed after this call. */
  join(member: Member): void {
    this.members.set(member.sessionId, member);
    this.lastActivity = Date.now();
  }

  /** Removes a session and tells the others its cursors are gone. */
  leave(sessionId: string): void {
    if (!this.members.delete(sessionId)) return;
    if (this.presence.delete(sessionId)) {
      for (const other of this.members.values()) {
        other.send({ type: 'PresenceLeft', workspace: this.id, sessionId });
      }
    }
    this.lastActivity = Date.now();
    if (this.members.size === 0) this.events.onIdle(this);
  }

  /** Drops every member, telling each why; used when the workspace fails or closes. */
  evict(error: DistSpaceError): void {
    const members = [...this.members.values()];
    this.members.clear();
    for (const member of members) member.detach(this.id, error);
  }

  /** The current state as `member` may see it. */
  stateFor(member: Pick<Member, 'visibility'>): Workspace {
    const state = this.sequencer.state;
    return member.visibility ? projectWorkspace(state, member.visibility) : state;
  }

  private committed(
    entry: SequencedChange,
    before: Workspace,
    after: Workspace,
    origin: unknown,
    notes: readonly TransformNote[],
    crossedTreeOps: boolean,
  ): void {
    this.commits.record();
    this.lastActivity = entry.time;
    this.presence.transform(entry.change, (id) => after.node(id)?.kind === 'file');
    // The states the change passes through, for projections: worked out once, when needed.
    let states: Workspace[] | undefined;
    const passage = (): Workspace[] => {
      states ??= statesOf(before, entry.change);
      return states;
    };
    // Every member that sees the whole workspace gets the same Broadcast: encode it once.
    let whole: Uint8Array | undefined;
    const ack: Message = {
      type: 'Ack',
      workspace: this.id,
      seq: entry.seq,
      revision: entry.revision,
      ...(notes.length > 0 ? { altered: notes.map(alteredOp) } : {}),
    };
    let acked = false;
    for (const member of this.members.values()) {
      if (member === origin) {
        // A filtered view cannot always predict how the server transformed its change against
        // what it does not see, nor that its own change took something out of its sight; after
        // such a change, the current state settles it.
        if (
          member.visibility !== null &&
          (crossedTreeOps ||
            notes.length > 0 ||
            (hasTreeOp(entry.change) && seenOtherwise(entry.change, passage(), member.visibility)))
        )
          member.resync?.(this, entry.seq);
        member.send(ack);
        acked = true;
        continue;
      }
      if (member.visibility === null) {
        whole ??= encodeMessage(this.broadcastOf(entry, entry.change));
        member.sendFrame(whole);
        continue;
      }
      member.send(
        this.broadcastOf(entry, projectChange(entry.change, passage(), member.visibility)),
      );
    }
    // A session that left the workspace while its change was being committed still gets the
    // change's one answer: the protocol promises an Ack or a Reject for every Submit.
    if (!acked && isMember(origin)) origin.send(ack);
  }

  private broadcastOf(entry: SequencedChange, change: WorkspaceChange): Message {
    return {
      type: 'Broadcast',
      workspace: this.id,
      revision: entry.revision,
      author: entry.author,
      clientId: entry.clientId,
      seq: entry.seq,
      change,
    };
  }
}

function isMember(value: unknown): value is Member {
  return typeof (value as Partial<Member> | undefined)?.send === 'function';
}

/** A transform note as the Ack's `altered` tells it: without the op, which its author has. */
function alteredOp(note: TransformNote): AlteredOp {
  const { index } = note;
  switch (note.outcome) {
    case 'dropped':
      return { index, outcome: 'dropped', reason: note.reason };
    case 'renamed':
      return { index, outcome: 'renamed', name: note.name };
    case 'relocated':
      return { index, outcome: 'relocated', parent: note.parent, name: note.name };
  }
}
