import { type ErrorPayload, errorPayloadField } from '../error-payload.js';
import { arrayOf, optional, record } from '../fields/composites.js';
import { clientIdField, subjectField, workspaceIdField } from '../fields/identifiers.js';
import { binary, boolean, positiveInt, uint } from '../fields/scalars.js';
import {
  type AlteredOp,
  alteredOpField,
  type Workspace,
  type WorkspaceChange,
  workspaceChangeField,
  workspaceStateField,
} from '../fields/workspace-fields.js';
import { type CrossFieldCheck, defineMessage } from '../message-spec.js';

/** Opens a workspace: the server answers with a Snapshot (or SnapshotChunks) or an Error. */
export interface Open {
  readonly type: 'Open';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
  /** The workspace's id. */
  readonly workspace: string;
  /** Create the workspace, empty, if it does not exist (needs the right to create). */
  readonly create?: boolean;
}

/** A workspace's state at a revision, filtered to what the session may read. */
export interface Snapshot {
  readonly type: 'Snapshot';
  /** The Open's request id. */
  readonly requestId: number;
  /** The workspace's id. */
  readonly workspace: string;
  /** The revision the state is at; changes after it arrive as Broadcasts. */
  readonly revision: number;
  /**
   * The highest `seq` the server has sequenced from this session's client id in this workspace
   * (absent: none). A client that has lost its own count (a fresh store, a cleared one) numbers
   * its next Submit above it, or the server would take it for a resubmission.
   */
  readonly lastSeq?: number;
  /** The state. */
  readonly state: Workspace;
}

/**
 * One slice of a Snapshot too big for a frame: `bytes` is part `index` (from 0) of `count` of
 * the msgpack encoding of the state. See `encodeSnapshotChunks` and `SnapshotAssembler`.
 */
export interface SnapshotChunk {
  readonly type: 'SnapshotChunk';
  /** The Open's request id. */
  readonly requestId: number;
  /** The workspace's id. */
  readonly workspace: string;
  /** The revision the state is at. */
  readonly revision: number;
  /** As in Snapshot: the highest seq sequenced from this session's client id here. */
  readonly lastSeq?: number;
  /** This chunk's place, 0..count-1; chunks are sent in order. */
  readonly index: number;
  /** How many chunks make the state. */
  readonly count: number;
  /** This chunk's bytes. */
  readonly bytes: Uint8Array;
}

/** The client stops following a workspace (no more Broadcasts or presence from it). */
export interface Leave {
  readonly type: 'Leave';
  /** The workspace's id. */
  readonly workspace: string;
}

/** A change the client proposes, made against `baseRevision`. */
export interface Submit {
  readonly type: 'Submit';
  /** The workspace's id. */
  readonly workspace: string;
  /** The revision the change was made against. */
  readonly baseRevision: number;
  /** The client's id (as in its Hello). */
  readonly clientId: string;
  /** Per client, increasing; with clientId it makes the change's identity for exactly-once. */
  readonly seq: number;
  /** The change. */
  readonly change: WorkspaceChange;
}

/** The server sequenced a Submit (or recognised a resent one). */
export interface Ack {
  readonly type: 'Ack';
  /** The workspace's id. */
  readonly workspace: string;
  /** The Submit's seq. */
  readonly seq: number;
  /** The revision the change became. */
  readonly revision: number;
  /**
   * What the transform did to ops of the change, when it did anything: ops dropped (their file
   * was deleted concurrently, ...), renamed to a conflict name, or relocated. Absent when the
   * change applied as submitted (after position shifts, which are not reported).
   */
  readonly altered?: readonly AlteredOp[];
}

/** The server refused a Submit; nothing of it was applied. */
export interface Reject {
  readonly type: 'Reject';
  /** The workspace's id. */
  readonly workspace: string;
  /** The Submit's seq. */
  readonly seq: number;
  /** Why. */
  readonly error: ErrorPayload;
}

/** A change another session made, as sequenced (already transformed to apply at `revision - 1`). */
export interface Broadcast {
  readonly type: 'Broadcast';
  /** The workspace's id. */
  readonly workspace: string;
  /** The revision the change became. */
  readonly revision: number;
  /** Who made it (the subject of its session's token). */
  readonly author: string;
  /** The client that made it. */
  readonly clientId: string;
  /** That client's seq for it. */
  readonly seq: number;
  /** The change. */
  readonly change: WorkspaceChange;
}

/** Asks for the changes after `sinceRevision` (after a reconnect). */
export interface Catchup {
  readonly type: 'Catchup';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
  /** The workspace's id. */
  readonly workspace: string;
  /** The client's last revision. */
  readonly sinceRevision: number;
}

/** One sequenced change in a {@link Changes} reply. */
export interface ChangeRecord {
  /** The revision the change became. */
  readonly revision: number;
  /** Who made it. */
  readonly author: string;
  /** The client that made it. */
  readonly clientId: string;
  /** That client's seq for it. */
  readonly seq: number;
  /** The change. */
  readonly change: WorkspaceChange;
}

/** The answer to a Catchup: the changes with revisions `fromRevision + 1 .. toRevision`. */
export interface Changes {
  readonly type: 'Changes';
  /** The Catchup's request id. */
  readonly requestId: number;
  /** The workspace's id. */
  readonly workspace: string;
  /** The Catchup's sinceRevision. */
  readonly fromRevision: number;
  /** The last revision included. */
  readonly toRevision: number;
  /** The changes, in revision order, one per revision. */
  readonly changes: readonly ChangeRecord[];
}

/** The workspace messages' table rows. */
export const WORKSPACE_MESSAGES = {
  Open: defineMessage<Open>(10, 'Open', 'client-to-server', {
    requestId: uint,
    workspace: workspaceIdField,
    create: optional(boolean),
  }),
  Snapshot: defineMessage<Snapshot>(11, 'Snapshot', 'server-to-client', {
    requestId: uint,
    workspace: workspaceIdField,
    revision: uint,
    lastSeq: optional(positiveInt),
    state: workspaceStateField,
  }),
  SnapshotChunk: defineMessage<SnapshotChunk>(
    12,
    'SnapshotChunk',
    'server-to-client',
    {
      requestId: uint,
      workspace: workspaceIdField,
      revision: uint,
      lastSeq: optional(positiveInt),
      index: uint,
      count: positiveInt,
      bytes: binary,
    },
    {
      check: (chunk) =>
        chunk.index < chunk.count
          ? undefined
          : { field: 'index', expected: `below count (${chunk.count})`, got: chunk.index },
    },
  ),
  Leave: defineMessage<Leave>(13, 'Leave', 'client-to-server', { workspace: workspaceIdField }),
  Submit: defineMessage<Submit>(20, 'Submit', 'client-to-server', {
    workspace: workspaceIdField,
    baseRevision: uint,
    clientId: clientIdField,
    seq: positiveInt,
    change: workspaceChangeField,
  }),
  Ack: defineMessage<Ack>(21, 'Ack', 'server-to-client', {
    workspace: workspaceIdField,
    seq: positiveInt,
    revision: positiveInt,
    altered: optional(arrayOf(alteredOpField)),
  }),
  Reject: defineMessage<Reject>(22, 'Reject', 'server-to-client', {
    workspace: workspaceIdField,
    seq: positiveInt,
    error: errorPayloadField,
  }),
  Broadcast: defineMessage<Broadcast>(23, 'Broadcast', 'server-to-client', {
    workspace: workspaceIdField,
    revision: positiveInt,
    author: subjectField,
    clientId: clientIdField,
    seq: positiveInt,
    change: workspaceChangeField,
  }),
  Catchup: defineMessage<Catchup>(24, 'Catchup', 'client-to-server', {
    requestId: uint,
    workspace: workspaceIdField,
    sinceRevision: uint,
  }),
  Changes: defineMessage<Changes>(
    25,
    'Changes',
    'server-to-client',
    {
      requestId: uint,
      workspace: workspaceIdField,
      fromRevision: uint,
      toRevision: uint,
      changes: arrayOf(
        record<ChangeRecord>({
          revision: positiveInt,
          author: subjectField,
          clientId: clientIdField,
          seq: positiveInt,
          change: workspaceChangeField,
        }),
      ),
    },
    { check: checkConsecutive },
  ),
} as const;

/** A Changes reply holds every revision from fromRevision + 1 to toRevision, in order. */
function checkConsecutive(reply: Changes): ReturnType<CrossFieldCheck> {
  const { fromRevision, toRevision, changes } = reply;
  for (let i = 0; i < changes.length; i++) {
    if (changes[i]!.revision !== fromRevision + i + 1) {
      return {
        field: `changes[${i}].revision`,
        expected: `${fromRevision + i + 1} (consecutive after fromRevision)`,
        got: changes[i]!.revision,
      };
    }
  }
  return toRevision === fromRevision + changes.length
    ? undefined
    : {
        field: 'toRevision',
        expected: `fromRevision + the number of changes (${fromRevision + changes.length})`,
        got: toRevision,
      };
}
