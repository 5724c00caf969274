// The error codes the server raises, added to ot-core's registry (see DistSpaceErrorCodes).

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /** The server configuration (file or command line) is invalid. */
    INVALID_CONFIG: true;
    /** The server holds as many workspaces open as its limit allows. */
    TOO_MANY_WORKSPACES: true;
    /** The workspace has as many sessions as its limit allows. */
    TOO_MANY_SESSIONS: true;
    /** A change would give the workspace more files and directories than its limit. */
    WORKSPACE_FULL: true;
    /** A change would make a file longer than the limit. */
    FILE_TOO_LARGE: true;
    /** A session sends submits faster than its rate, or has too many waiting for their ack. */
    RATE_LIMITED: true;
    /** A submit's base revision is older than anything the server keeps; the reply says how to recover. */
    REBASE_REQUIRED: true;
    /** A submit's base revision is ahead of the workspace, or not a revision at all. */
    INVALID_REVISION: true;
    /** A message names a workspace the session has not opened. */
    NOT_OPEN: true;
    /** A message was sent before the Hello handshake completed, or Hello was sent twice. */
    PROTOCOL_VIOLATION: true;
    /** The store failed to commit; the change was not applied and nothing was acknowledged. */
    STORE_FAILED: true;
    /** A bug in the server; the request failed, the server carries on. */
    INTERNAL_ERROR: true;
    /** The server is shutting down. */
    SHUTTING_DOWN: true;
    /** An admin kicked the session. */
    KICKED: true;
    /** The client id is used by another user (another subject) in this workspace or on this server. */
    CLIENT_ID_TAKEN: true;
    /** A newer connection of the same client (same client id and user) took this session's place. */
    SESSION_REPLACED: true;
  }
}

export {};
