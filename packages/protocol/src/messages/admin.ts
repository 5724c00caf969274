import { arrayOf, optional, type PlainMap, plainMap, record } from '../fields/composites.js';
import {
  clientIdField,
  sessionIdField,
  subjectField,
  workspaceIdField,
} from '../fields/identifiers.js';
import { nonNegativeNumber, positiveInt, text, uint } from '../fields/scalars.js';
import { defineMessage } from '../message-spec.js';

/** Lists the server's sessions (admin). */
export interface ListSessions {
  readonly type: 'ListSessions';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
}

/** One connected session, as {@link Sessions} lists it. */
export interface SessionInfo {
  /** The session's id. */
  readonly sessionId: string;
  /** Its client's id. */
  readonly clientId: string;
  /** Who its token names. */
  readonly subject: string;
  /** The peer's address as the transport sees it (`127.0.0.1:53122`, ...). */
  readonly remoteAddress: string;
  /** The workspaces it has open. */
  readonly workspaces: readonly string[];
  /** Milliseconds since it last sent anything. */
  readonly idleMs: number;
  /** When it connected, in milliseconds since 1970-01-01T00:00:00Z. */
  readonly connectedAt: number;
}

/** The answer to ListSessions. */
export interface Sessions {
  readonly type: 'Sessions';
  /** The request's id. */
  readonly requestId: number;
  /** Every session. */
  readonly sessions: readonly SessionInfo[];
}

/** Disconnects a session (admin); it gets a Goodbye with `reason`. */
export interface Kick {
  readonly type: 'Kick';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
  /** The session to disconnect. */
  readonly sessionId: string;
  /** Passed on to the kicked session. */
  readonly reason?: string;
}

/** An admin request succeeded and has nothing else to say. */
export interface AdminOk {
  readonly type: 'AdminOk';
  /** The request's id. */
  readonly requestId: number;
}

/** Asks for server statistics, for all workspaces or one (admin). */
export interface Stats {
  readonly type: 'Stats';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
  /** Only this workspace; all open ones when absent. */
  readonly workspace?: string;
}

/** The server process as {@link StatsResult} describes it. */
export interface ServerStats {
  /** Milliseconds since the server started. */
  readonly uptimeMs: number;
  /** Connected sessions. */
  readonly sessions: number;
  /** Workspaces loaded in memory. */
  readonly workspacesOpen: number;
  /** The process's memory, in bytes. */
  readonly memory: { readonly rss: number; readonly heapUsed: number };
  /** Changes sequenced per second, over the last few seconds, all workspaces. */
  readonly opsPerSecond: number;
}

/** One workspace as {@link StatsResult} describes it. */
export interface WorkspaceStats {
  /** The workspace's id. */
  readonly workspace: string;
  /** Its current revision. */
  readonly revision: number;
  /** Sessions that have it open. */
  readonly sessions: number;
  /** Its changes sequenced per second, over the last few seconds. */
  readonly opsPerSecond: number;
  /** Bytes it takes in the store, when the store can tell. */
  readonly storeBytes?: number;
}

/** The answer to Stats. */
export interface StatsResult {
  readonly type: 'StatsResult';
  /** The request's id. */
  readonly requestId: number;
  /** The whole server. */
  readonly server: ServerStats;
  /** The workspaces asked about. */
  readonly workspaces: readonly WorkspaceStats[];
}

/** Asks for the server's most recent log records (admin). */
export interface TailLog {
  readonly type: 'TailLog';
  /** Chosen by the client; echoed in the answer. */
  readonly requestId: number;
  /** At most this many records. */
  readonly limit: number;
}

/** The answer to TailLog: structured log records, oldest first. */
export interface LogRecords {
  readonly type: 'LogRecords';
  /** The request's id. */
  readonly requestId: number;
  /** The records, as the server's logger wrote them (pino: `level`, `time`, `msg`, ...). */
  readonly records: readonly PlainMap[];
}

/** The admin messages' table rows. */
export const ADMIN_MESSAGES = {
  ListSessions: defineMessage<ListSessions>(
    60,
    'ListSessions',
    'client-to-server',
    { requestId: uint },
    { admin: true },
  ),
  Sessions: defineMessage<Sessions>(61, 'Sessions', 'server-to-client', {
    requestId: uint,
    sessions: arrayOf(
      record<SessionInfo>({
        sessionId: sessionIdField,
        clientId: clientIdField,
        subject: subjectField,
        remoteAddress: text(0, 256),
        workspaces: arrayOf(workspaceIdField),
        idleMs: uint,
        connectedAt: uint,
      }),
    ),
  }),
  Kick: defineMessage<Kick>(
    62,
    'Kick',
    'client-to-server',
    { requestId: uint, sessionId: sessionIdField, reason: optional(text(0, 1_024)) },
    { admin: true },
  ),
  AdminOk: defineMessage<AdminOk>(63, 'AdminOk', 'server-to-client', { requestId: uint }),
  Stats: defineMessage<Stats>(
    64,
    'Stats',
    'client-to-server',
    { requestId: uint, workspace: optional(workspaceIdField) },
    { admin: true },
  ),
  StatsResult: defineMessage<StatsResult>(65, 'StatsResult', 'server-to-client', {
    requestId: uint,
    server: record<ServerStats>({
      uptimeMs: uint,
      sessions: uint,
      workspacesOpen: uint,
      memory: record({ rss: uint, heapUsed: uint }),
      opsPerSecond: nonNegativeNumber,
    }),
    workspaces: arrayOf(
      record<WorkspaceStats>({
        workspace: workspaceIdField,
        revision: uint,
        sessions: uint,
        opsPerSecond: nonNegativeNumber,
        storeBytes: optional(uint),
      }),
    ),
  }),
  TailLog: defineMessage<TailLog>(
    66,
    'TailLog',
    'client-to-server',
    { requestId: uint, limit: positiveInt },
    { admin: true },
  ),
  LogRecords: defineMessage<LogRecords>(67, 'LogRecords', 'server-to-client', {
    requestId: uint,
    records: arrayOf(plainMap()),
  }),
} as const;
