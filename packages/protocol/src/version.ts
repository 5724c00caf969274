import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';

/** A protocol version, `[major, minor]`. A new minor only adds; a new major may break. */
export type ProtocolVersion = readonly [major: number, minor: number];

/**
 * The protocol version this package speaks: 1.1. 1.1 added the Welcome's `scopes` and its limits
 * `maxNameBytes`, `maxPathDepth` and `maxStringBytes`.
 */
export const PROTOCOL_VERSION: ProtocolVersion = Object.freeze([1, 1] as const);

/** `"1.0"` for `[1, 0]`. */
export function formatVersion(version: ProtocolVersion): string {
  return `${version[0]}.${version[1]}`;
}

/**
 * Decides whether a server speaking `serverVersion` accepts a client's Hello with
 * `clientVersion`. Same major: accepted, whatever the minors; the server answers in Welcome with
 * its own version and both sides use only what the lower minor defines, which this returns.
 * Another major: refused with `UNSUPPORTED_VERSION`, naming both versions.
 */
export function negotiateVersion(
  clientVersion: ProtocolVersion,
  serverVersion: ProtocolVersion = PROTOCOL_VERSION,
): Result<ProtocolVersion> {
  if (clientVersion[0] === serverVersion[0]) {
    return ok([serverVersion[0], Math.min(clientVersion[1], serverVersion[1])]);
  }
  return err(unsupportedVersion(clientVersion, serverVersion));
}

/** The `UNSUPPORTED_VERSION` error for a client version of another major than the server's. */
export function unsupportedVersion(
  clientVersion: ProtocolVersion,
  serverVersion: ProtocolVersion,
): DistSpaceError {
  const client = formatVersion(clientVersion);
  const server = formatVersion(serverVersion);
  const upgrade = clientVersion[0] > serverVersion[0] ? 'the server' : 'the client';
  return new DistSpaceError(
    'UNSUPPORTED_VERSION',
    `The client speaks protocol ${client} but the server speaks ${server}; different major versions cannot talk. Upgrade ${upgrade}.`,
    { clientVersion: [...clientVersion], serverVersion: [...serverVersion] },
  );
}
