/**
 * The limits a server applies to sessions and workspaces, on top of the connection limits of
 * `@dist-space/transport-adapters`. Each breach gets its own error code (docs/errors.md), and
 * docs/security.md says which attacker each one stops.
 */
export interface ServerLimits {
  /** Workspaces held open in memory at once; opening one more is refused with `TOO_MANY_WORKSPACES`. */
  readonly maxWorkspacesOpen: number;
  /** Sessions in one workspace at once; more get `TOO_MANY_SESSIONS`. */
  readonly maxSessionsPerWorkspace: number;
  /** Files and directories in one workspace; a change that would pass it gets `WORKSPACE_FULL`. */
  readonly maxFilesPerWorkspace: number;
  /** UTF-16 code units in one file; a change that would pass it gets `FILE_TOO_LARGE`. */
  readonly maxFileLength: number;
  /** Ops (workspace ops plus text ops) in one submitted change; more get `LIMIT_EXCEEDED`. */
  readonly maxChangeOps: number;
  /** Submits per second one session may make on average; more get `RATE_LIMITED`. */
  readonly submitsPerSecond: number;
  /** Submits one session may make at once above its rate. */
  readonly submitBurst: number;
  /** Submits of one session waiting for their ack; more get `RATE_LIMITED` until acks arrive. */
  readonly maxInFlightSubmits: number;
  /** Presence updates per second the server forwards for one session; the rest are coalesced. */
  readonly presencePerSecond: number;
  /** Bytes of one presence update's user state; more get `LIMIT_EXCEEDED`. */
  readonly maxPresenceStateBytes: number;
  /** Milliseconds a workspace with no session stays open before it is flushed and closed. */
  readonly workspaceIdleMs: number;
  /** Changes kept in memory per workspace for catch-up without reading the store. */
  readonly recentWindow: number;
}

/** The defaults: room for a large team and its agents, small enough that one abuser costs little. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  maxWorkspacesOpen: 1_000,
  maxSessionsPerWorkspace: 256,
  maxFilesPerWorkspace: 100_000,
  maxFileLength: 8 * 1024 * 1024,
  maxChangeOps: 10_000,
  submitsPerSecond: 100,
  submitBurst: 500,
  maxInFlightSubmits: 1_000,
  presencePerSecond: 20,
  maxPresenceStateBytes: 4 * 1024,
  workspaceIdleMs: 60_000,
  recentWindow: 10_000,
});
