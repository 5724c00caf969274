/**
 * `@dist-space/protocol`: the messages clients, agents and the server exchange, their numeric
 * type ids, a msgpack codec that never throws on hostile input, the limits it enforces, version
 * negotiation and chunked snapshots. docs/protocol.md is the specification.
 *
 * @packageDocumentation
 */

import './errors.js';

export {
  decodeMessage,
  encodeMessage,
  messageFromValue,
  messageToValue,
  validateMessage,
} from './codec.js';
export {
  type ErrorPayload,
  errorFromPayload,
  errorToPayload,
  MAX_ERROR_MESSAGE_LENGTH,
} from './error-payload.js';
export type { PlainMap, PlainValue } from './fields/composites.js';
export {
  type FieldCodec,
  type FieldEntry,
  INVALID,
  type Invalid,
  type ReadContext,
} from './fields/field-codec.js';
export {
  ERROR_CODE_PATTERN,
  isWorkspaceId,
  SESSION_ID_PATTERN,
  WORKSPACE_ID_PATTERN,
} from './fields/identifiers.js';
export type { AlteredOp } from './fields/workspace-fields.js';
export {
  DEFAULT_PROTOCOL_LIMITS,
  MAX_CONFIGURABLE_DEPTH,
  type ProtocolLimits,
  resolveProtocolLimits,
} from './limits.js';
export type { CrossFieldCheck, Direction, MessageSpec } from './message-spec.js';
export {
  MESSAGE_TYPES,
  type Message,
  type MessageOf,
  type MessageType,
  maySend,
  messageTypeById,
} from './message-types.js';
export type {
  AdminOk,
  Kick,
  ListSessions,
  LogRecords,
  ServerStats,
  SessionInfo,
  Sessions,
  Stats,
  StatsResult,
  TailLog,
  WorkspaceStats,
} from './messages/admin.js';
export type {
  ErrorMessage,
  Goodbye,
  Hello,
  Ping,
  Pong,
  PositionEncoding,
  Refused,
  ServerLimits,
  Welcome,
} from './messages/connection.js';
export type { FilePresence, Presence, PresenceLeft } from './messages/presence.js';
export type {
  Ack,
  Broadcast,
  Catchup,
  ChangeRecord,
  Changes,
  Leave,
  Open,
  Reject,
  Snapshot,
  SnapshotChunk,
  Submit,
} from './messages/workspace.js';
export {
  encodeSnapshot,
  encodeSnapshotChunks,
  encodeWorkspaceState,
  SnapshotAssembler,
  type SnapshotHeader,
} from './snapshot-chunks.js';
export {
  formatVersion,
  negotiateVersion,
  PROTOCOL_VERSION,
  type ProtocolVersion,
} from './version.js';
