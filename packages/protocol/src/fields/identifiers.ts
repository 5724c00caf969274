import { isClientId, isNodeId, MAX_CLIENT_ID_LENGTH } from '@dist-space/vfs-workspace';
import type { FieldCodec } from './field-codec.js';
import { checked, identifier, text } from './scalars.js';

/** What a workspace id looks like: 1..128 of `[A-Za-z0-9._-]`, not starting with `.`. */
export const WORKSPACE_ID_PATTERN = /^(?!\.)[A-Za-z0-9._-]{1,128}$/;
/** What a session id looks like (the server makes them): 1..128 of `[A-Za-z0-9_-]`. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** What an error code looks like: 1..64 of `[A-Z0-9_]`, starting with a letter. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** True for a valid workspace id (see {@link WORKSPACE_ID_PATTERN}). */
export function isWorkspaceId(value: unknown): value is string {
  return typeof value === 'string' && WORKSPACE_ID_PATTERN.test(value);
}

/**
 * A client id field: vfs-workspace's rule (1..64 of `[A-Za-z0-9_-]`), because a client's id
 * prefixes the node ids it makes.
 */
export const clientIdField: FieldCodec<string> = checked(
  isClientId,
  `1..${MAX_CLIENT_ID_LENGTH} of [A-Za-z0-9_-]`,
);
/** A workspace id field. */
export const workspaceIdField: FieldCodec<string> = identifier(
  WORKSPACE_ID_PATTERN,
  "1..128 of [A-Za-z0-9._-], not starting with '.'",
);
/** A session id field. */
export const sessionIdField: FieldCodec<string> = identifier(
  SESSION_ID_PATTERN,
  '1..128 of [A-Za-z0-9_-]',
);
/** A file's node id (vfs-workspace's `<clientId>:<counter>`). */
export const fileIdField: FieldCodec<string> = checked(isNodeId, 'a node id <clientId>:<counter>');
/** Who a token names (a user, a service, an agent): 1..256 characters. */
export const subjectField: FieldCodec<string> = text(1, 256);
