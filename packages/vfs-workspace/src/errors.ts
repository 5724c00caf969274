import { DistSpaceError, type ErrorCode, type ErrorDetails } from '@dist-space/ot-core';

declare module '@dist-space/ot-core' {
  interface DistSpaceErrorCodes {
    /** A path or node id names no file or directory in the workspace. */
    NOT_FOUND: true;
    /** A create or move targets a name that a sibling already has, or a create reuses a live id. */
    ALREADY_EXISTS: true;
    /** A path goes through a file as if it were a directory, or a node is put inside a file. */
    NOT_A_DIRECTORY: true;
    /** An edit or read addresses a directory as if it were a file. */
    NOT_A_FILE: true;
    /** A path or a name breaks the path rules (empty segment, `..`, control character, too long...). */
    INVALID_PATH: true;
    /** A name carries the conflict marker of another node, which only that node may use. */
    RESERVED_NAME: true;
    /** A move would put a directory inside itself or one of its descendants. */
    MOVE_INTO_DESCENDANT: true;
    /** An op tries to delete, move or recreate the root directory. */
    ROOT_IS_FIXED: true;
    /** The context an op carries (its old place, ancestors or deleted subtree) disagrees with the workspace. */
    CONTEXT_MISMATCH: true;
    /** A workspace snapshot read from outside is malformed (bad node, parent after child, duplicate id). */
    INVALID_SNAPSHOT: true;
  }
}

/** Makes a {@link DistSpaceError}; a short alias used throughout the package. */
export function workspaceError(
  code: ErrorCode,
  message: string,
  details: ErrorDetails = {},
): DistSpaceError {
  return new DistSpaceError(code, message, details);
}
