// The error codes the client raises, or acts on when the server sends them, that no package it
// depends on registers: added to ot-core's registry (see DistSpaceErrorCodes). Other packages
// (permissions, server) register them too; saying so here lets the client's own build, and a
// program that imports only the client, know them.

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /** `Client.connect` was given neither a `url` nor a `connect` function. */
    INVALID_CONFIG: true;
    /** The token function given to `Client.connect` threw or rejected (or the server refused the token). */
    AUTH_INVALID: true;
    /** An edit was made on a closed workspace handle (or the server no longer has it open). */
    NOT_OPEN: true;
    /** The server could not commit a change; the client resends it after reconnecting. */
    STORE_FAILED: true;
    /** A local change would make a file longer than the server's `maxFileSize` (the server's code too). */
    FILE_TOO_LARGE: true;
    /** A message from the server could not be applied to a workspace's state; it is reloaded from a snapshot. */
    OUT_OF_STEP: true;
    /** A `FilePendingStore` file is damaged (not JSON, or not a saved state); it was moved aside. */
    PENDING_STORE_CORRUPT: true;
    /** A `FilePendingStore` file exists but cannot be read (permissions, a disk error). */
    PENDING_STORE_UNREADABLE: true;
  }
}

export {};
