/**
 * The error codes the transports raise, added to the registry of `@dist-space/ot-core` by
 * declaration merging. Each is also a close code: a connection closed for that cause carries it
 * in its {@link CloseInfo}. `LIMIT_EXCEEDED` (ot-core's) is used for a frame over the size limit.
 * docs/errors.md lists each with its cause and what to do.
 */
declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /** The connection is closed (or closing), or the peer went away without a close frame. */
    CONNECTION_CLOSED: true;
    /** A connection could not be opened: refused, unreachable, a failed upgrade, or a timeout. */
    CONNECT_FAILED: true;
    /** The peer sent bytes that break framing: a bad control frame, a text WebSocket frame. */
    MALFORMED_FRAME: true;
    /** The peer sent nothing (not even a reply to a ping) for longer than the heartbeat timeout. */
    HEARTBEAT_TIMEOUT: true;
    /** The peer did not complete the handshake within the deadline after connecting. */
    HANDSHAKE_TIMEOUT: true;
    /** The server holds as many connections as it allows, in total or from this address. */
    TOO_MANY_CONNECTIONS: true;
    /** The peer sent frames faster than its rate limit allows, for long enough to be cut off. */
    RATE_LIMITED: true;
    /** The peer did not read what was sent to it, and its send buffer passed the bound. */
    SLOW_CONSUMER: true;
    /** The server is shutting down; a client may reconnect (to another server) later. */
    SHUTTING_DOWN: true;
  }
}

export {};
