import type { MessageSpec } from './message-spec.js';
import type {
  AdminOk,
  Kick,
  ListSessions,
  LogRecords,
  Sessions,
  Stats,
  StatsResult,
  TailLog,
} from './messages/admin.js';
import { ADMIN_MESSAGES } from './messages/admin.js';
import type {
  ErrorMessage,
  Goodbye,
  Hello,
  Ping,
  Pong,
  Refused,
  Welcome,
} from './messages/connection.js';
import { CONNECTION_MESSAGES } from './messages/connection.js';
import type { Presence, PresenceLeft } from './messages/presence.js';
import { PRESENCE_MESSAGES } from './messages/presence.js';
import type {
  Ack,
  Broadcast,
  Catchup,
  Changes,
  Leave,
  Open,
  Reject,
  Snapshot,
  SnapshotChunk,
  Submit,
} from './messages/workspace.js';
import { WORKSPACE_MESSAGES } from './messages/workspace.js';

/** Every message of the protocol, told apart by `type`. */
export type Message =
  | Hello
  | Welcome
  | Refused
  | Open
  | Snapshot
  | SnapshotChunk
  | Leave
  | Submit
  | Ack
  | Reject
  | Broadcast
  | Catchup
  | Changes
  | Presence
  | PresenceLeft
  | Ping
  | Pong
  | ErrorMessage
  | ListSessions
  | Sessions
  | Kick
  | AdminOk
  | Stats
  | StatsResult
  | TailLog
  | LogRecords
  | Goodbye;

/** The name of a message type: `'Hello'`, `'Submit'`, ... */
export type MessageType = Message['type'];

/** The message of type `T`: `MessageOf<'Submit'>` is {@link Submit}. */
export type MessageOf<T extends MessageType> = Extract<Message, { readonly type: T }>;

/**
 * The message table, the single source of truth: for each message type its numeric id,
 * direction, whether it needs the admin scope, and its fields with their codecs.
 * docs/protocol.md's tables are generated from it (a test keeps them in step).
 */
export const MESSAGE_TYPES: { readonly [T in MessageType]: MessageSpec<T> } = Object.freeze({
  ...CONNECTION_MESSAGES,
  ...WORKSPACE_MESSAGES,
  ...PRESENCE_MESSAGES,
  ...ADMIN_MESSAGES,
});

/** The rows of {@link MESSAGE_TYPES}, by id. */
const byId: Array<MessageSpec | undefined> = [];
for (const spec of Object.values(MESSAGE_TYPES) as MessageSpec[]) {
  if (byId[spec.id] !== undefined) throw new Error(`Message type id ${spec.id} is used twice.`);
  byId[spec.id] = spec;
}

/** The table row for a numeric type id, or undefined when no message has it. */
export function messageTypeById(id: number): MessageSpec | undefined {
  return byId[id];
}

/** True when `sender` may send a message of type `type`. */
export function maySend(type: MessageType, sender: 'client' | 'server'): boolean {
  const { direction } = MESSAGE_TYPES[type];
  return (
    direction === 'both' ||
    direction === (sender === 'client' ? 'client-to-server' : 'server-to-client')
  );
}
