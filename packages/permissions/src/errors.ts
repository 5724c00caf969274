// The error codes this package raises, added to ot-core's registry (see DistSpaceErrorCodes).

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /** A capability scope string does not follow the grammar (`verb:glob`, `!verb:glob`, `admin`). */
    INVALID_SCOPE: true;
    /** A session lacks the scope an action needs, or a deny scope forbids it. */
    PERMISSION_DENIED: true;
    /** A session presented no token and the server does not allow anonymous access. */
    AUTH_REQUIRED: true;
    /** A token is malformed, has a bad signature, or is unknown to the server. */
    AUTH_INVALID: true;
    /** A token's expiry time has passed. */
    AUTH_EXPIRED: true;
    /** A token does not grant access to the workspace a session asked for. */
    WORKSPACE_FORBIDDEN: true;
    /** Authentication or permission configuration (keys, token file) is invalid. */
    INVALID_CONFIG: true;
  }
}

export {};
