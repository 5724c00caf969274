import { type ErrorPayload, errorPayloadField } from '../error-payload.js';
import { arrayOf, optional, pair, record } from '../fields/composites.js';
import type { FieldCodec } from '../fields/field-codec.js';
import { clientIdField, sessionIdField, subjectField } from '../fields/identifiers.js';
import { literal, positiveInt, text, uint } from '../fields/scalars.js';
import { defineMessage } from '../message-spec.js';
import type { ProtocolVersion } from '../version.js';

/** How positions in changes and presence count: UTF-16 code units (DESIGN.md 3.1). */
export type PositionEncoding = 'utf-16';

/** `[major, minor]` on the wire. */
export const versionField: FieldCodec<ProtocolVersion> = pair(uint, uint, 'uint major, uint minor');

/** The first message of a connection, from the client. */
export interface Hello {
  readonly type: 'Hello';
  /** The protocol version the client speaks. */
  readonly version: ProtocolVersion;
  /** How the client counts positions; only `'utf-16'` exists. */
  readonly positionEncoding: PositionEncoding;
  /** Stable across reconnects, so that the server recognises resent Submits. */
  readonly clientId: string;
  /** The credential (a JWT, say); absent for servers that allow anonymous access. */
  readonly token?: string;
  /** The client's name and version, for the server's logs. */
  readonly agent?: string;
}

/** What the server enforces, so that a client can split its work to fit. */
export interface ServerLimits {
  /** Most bytes in one frame the server accepts. */
  readonly maxFrameBytes: number;
  /** Most ops in one Submit's change. */
  readonly maxOpsPerChange: number;
  /** Most UTF-16 code units in one file (vfs-workspace's `maxFileSize`). */
  readonly maxFileSize: number;
  /** Most UTF-8 bytes in a path. */
  readonly maxPathBytes: number;
  /** Most bytes of a Presence `state`, encoded. */
  readonly maxPresenceStateBytes: number;
  /** Most messages per second the server accepts from one connection; absent when unlimited. */
  readonly maxMessagesPerSecond?: number;
  /** Most UTF-8 bytes in one file or directory name (since 1.1). */
  readonly maxNameBytes?: number;
  /** Most segments in a path: the depth of the node it names (since 1.1). */
  readonly maxPathDepth?: number;
  /** Most UTF-8 bytes in one string of a message, such as an inserted text (since 1.1). */
  readonly maxStringBytes?: number;
}

const serverLimitsField = record<ServerLimits>({
  maxFrameBytes: positiveInt,
  maxOpsPerChange: positiveInt,
  maxFileSize: positiveInt,
  maxPathBytes: positiveInt,
  maxPresenceStateBytes: positiveInt,
  maxMessagesPerSecond: optional(positiveInt),
  maxNameBytes: optional(positiveInt),
  maxPathDepth: optional(positiveInt),
  maxStringBytes: optional(positiveInt),
});

/**
 * Longest scope the Welcome carries: as long as a Hello's token may be. A glob is limited to 1,024
 * characters once normalised (NFC), but a scope keeps the spelling it was written in, which can
 * be longer; a Welcome the client cannot read would keep it from connecting at all.
 */
const MAX_SCOPE_LENGTH = 16_384;

/** The server's answer to an accepted Hello. */
export interface Welcome {
  readonly type: 'Welcome';
  /** The protocol version the server speaks (its own, whatever the client's minor). */
  readonly version: ProtocolVersion;
  /** This connection's session, as admin messages and presence name it. */
  readonly sessionId: string;
  /** The client id from the Hello, echoed. */
  readonly clientId: string;
  /** Who the token says the client is. */
  readonly subject: string;
  /** How often the server pings; a client that hears nothing for twice this may reconnect. */
  readonly heartbeatMs: number;
  /** What the server enforces. */
  readonly limits: ServerLimits;
  /**
   * What this session may do inside the workspaces it opens, as scope strings (DESIGN.md 3.10,
   * aliases expanded: `read:src/**`, `!write:src/secret/**`, `admin`), so that a client can
   * refuse what the server would refuse before it shows or sends it, and an editor can show what
   * is read-only (since 1.1; absent from 1.0 servers). The server checks every change whatever
   * the client concluded.
   */
  readonly scopes?: readonly string[];
}

/** The server's answer to a refused Hello; the server closes the connection after sending it. */
export interface Refused {
  readonly type: 'Refused';
  /** Why (`UNSUPPORTED_VERSION`, `UNAUTHORIZED`, `INVALID_PAYLOAD`, ...). */
  readonly error: ErrorPayload;
  /** The version the server speaks, so that the client can tell what to upgrade. */
  readonly serverVersion: ProtocolVersion;
}

/** A liveness probe; the receiver answers with a Pong carrying the same nonce. */
export interface Ping {
  readonly type: 'Ping';
  /** Any integer; echoed in the Pong. */
  readonly nonce: number;
}

/** The answer to a Ping. */
export interface Pong {
  readonly type: 'Pong';
  /** The nonce of the Ping answered. */
  readonly nonce: number;
}

/** A bad request that is not a Submit (a Submit gets a Reject). The connection stays open. */
export interface ErrorMessage {
  readonly type: 'Error';
  /** The request's id, when the request had one and it could be read. */
  readonly requestId?: number;
  /** What was wrong. */
  readonly error: ErrorPayload;
}

/** The server is closing the connection (shutdown, kicked, token expired), and says why. */
export interface Goodbye {
  readonly type: 'Goodbye';
  /** Why the connection ends. */
  readonly error: ErrorPayload;
}

/** The connection messages' table rows. */
export const CONNECTION_MESSAGES = {
  Hello: defineMessage<Hello>(1, 'Hello', 'client-to-server', {
    version: versionField,
    positionEncoding: literal('utf-16'),
    clientId: clientIdField,
    token: optional(text(0, 16_384)),
    agent: optional(text(0, 256)),
  }),
  Welcome: defineMessage<Welcome>(2, 'Welcome', 'server-to-client', {
    version: versionField,
    sessionId: sessionIdField,
    clientId: clientIdField,
    subject: subjectField,
    heartbeatMs: positiveInt,
    limits: serverLimitsField,
    scopes: optional(arrayOf(text(1, MAX_SCOPE_LENGTH))),
  }),
  Refused: defineMessage<Refused>(3, 'Refused', 'server-to-client', {
    error: errorPayloadField,
    serverVersion: versionField,
  }),
  Ping: defineMessage<Ping>(40, 'Ping', 'both', { nonce: uint }),
  Pong: defineMessage<Pong>(41, 'Pong', 'both', { nonce: uint }),
  Error: defineMessage<ErrorMessage>(50, 'Error', 'server-to-client', {
    requestId: optional(uint),
    error: errorPayloadField,
  }),
  Goodbye: defineMessage<Goodbye>(70, 'Goodbye', 'server-to-client', { error: errorPayloadField }),
} as const;
