import type { Selection } from '@dist-space/ot-core';
import { limitExceeded } from '../errors.js';
import { arrayOf, mapOf, optional, type PlainMap, plainMap, record } from '../fields/composites.js';
import { type FieldCodec, INVALID } from '../fields/field-codec.js';
import {
  clientIdField,
  fileIdField,
  sessionIdField,
  subjectField,
  workspaceIdField,
} from '../fields/identifiers.js';
import { uint } from '../fields/scalars.js';
import { encodedSize } from '../frame-codec.js';
import { defineMessage } from '../message-spec.js';

/** Where one person's cursors are in one file. */
export interface FilePresence {
  /** Selections, the first being the main one; a cursor is a selection with anchor = head. */
  readonly selections: readonly Selection[];
}

/**
 * Cursors, selections and small user state of one session in one workspace. From the client it
 * carries the client's own; the server relays it to the workspace's other sessions with
 * `sessionId`, `subject` and `clientId` set (it ignores them from the client).
 */
export interface Presence {
  readonly type: 'Presence';
  /** The workspace's id. */
  readonly workspace: string;
  /** The revision the positions refer to. */
  readonly revision: number;
  /** Per file id, where the cursors are; files without cursors are left out. */
  readonly files: Readonly<Record<string, FilePresence>>;
  /** Small free-form state (a name, a colour, "typing…"), bounded in encoded bytes. */
  readonly state?: PlainMap;
  /** Server to client: the session it is from. */
  readonly sessionId?: string;
  /** Server to client: who that session is. */
  readonly subject?: string;
  /** Server to client: that session's client id. */
  readonly clientId?: string;
}

/** A session left a workspace (or disconnected): drop its cursors. */
export interface PresenceLeft {
  readonly type: 'PresenceLeft';
  /** The workspace's id. */
  readonly workspace: string;
  /** The session that left. */
  readonly sessionId: string;
}

/** `[anchor, head]` on the wire, a {@link Selection} in TypeScript. */
const selectionField: FieldCodec<Selection> = {
  doc: '[uint anchor, uint head]',
  optional: false,
  read(value, cx) {
    if (!Array.isArray(value) || value.length !== 2)
      return cx.fail('an array [anchor, head]', value);
    const anchor = uint.read(value[0], cx);
    if (anchor === INVALID) return cx.withinIndex(0);
    const head = uint.read(value[1], cx);
    if (head === INVALID) return cx.withinIndex(1);
    return { anchor, head };
  },
  write: (selection) => [selection.anchor, selection.head],
};

const filePresenceField = record<FilePresence>({
  selections: arrayOf(selectionField, {
    limit: { name: 'maxSelectionsPerFile', what: 'The selections of one file' },
  }),
});

const presenceStateField = plainMap((state, cx) => {
  const size = encodedSize(state);
  if (size === undefined) return cx.fail('a map msgpack can encode', state);
  const max = cx.limits.maxPresenceStateBytes;
  return size <= max
    ? state
    : cx.failWith(limitExceeded('maxPresenceStateBytes', max, size, 'The presence state'));
}, 'map, free-form, ≤ maxPresenceStateBytes encoded');

/** The presence messages' table rows. */
export const PRESENCE_MESSAGES = {
  Presence: defineMessage<Presence>(30, 'Presence', 'both', {
    workspace: workspaceIdField,
    revision: uint,
    files: mapOf('fileId', fileIdField, filePresenceField, {
      name: 'maxPresenceFiles',
      what: 'The files of one Presence',
    }),
    state: optional(presenceStateField),
    sessionId: optional(sessionIdField),
    subject: optional(subjectField),
    clientId: optional(clientIdField),
  }),
  PresenceLeft: defineMessage<PresenceLeft>(31, 'PresenceLeft', 'server-to-client', {
    workspace: workspaceIdField,
    sessionId: sessionIdField,
  }),
} as const;
