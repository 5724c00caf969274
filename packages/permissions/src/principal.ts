import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import picomatch from 'picomatch/posix.js';
import type { Capabilities } from './capabilities.js';

/** How a session proved who it is. */
export type AuthMethod = 'jwt' | 'static' | 'anonymous';

/**
 * Who a session is and what it may do, once its token has been verified: the subject (user or
 * agent id), the workspaces it may open, its capabilities inside them, and when that ends.
 */
export interface Principal {
  /** The user or agent id the token names (`sub`). */
  readonly subject: string;
  /** Globs over workspace ids the session may open; `['*']` for every workspace. */
  readonly workspaces: readonly string[];
  /** The scopes inside an opened workspace. */
  readonly capabilities: Capabilities;
  /** When the token stops being valid (ms since the epoch), if it expires. */
  readonly expiresAt?: number;
  /** How the session authenticated. */
  readonly method: AuthMethod;
}

const workspaceMatchers = new WeakMap<readonly string[], (id: string) => boolean>();

function matcherFor(globs: readonly string[]): (id: string) => boolean {
  let matcher = workspaceMatchers.get(globs);
  if (!matcher) {
    matcher = globs.length === 0 ? () => false : picomatch([...globs], { dot: true });
    workspaceMatchers.set(globs, matcher);
  }
  return matcher;
}

/**
 * Checks that a principal may open a workspace.
 *
 * @returns ok, or `WORKSPACE_FORBIDDEN` naming the workspace and what the token allows
 */
export function checkWorkspaceAccess(principal: Principal, workspace: string): Result<void> {
  if (matcherFor(principal.workspaces)(workspace)) return ok(undefined);
  return err(
    new DistSpaceError(
      'WORKSPACE_FORBIDDEN',
      `'${principal.subject}' may not open workspace '${workspace}'; the token allows ${principal.workspaces.length ? principal.workspaces.map((w) => `'${w}'`).join(', ') : 'no workspace'}.`,
      { subject: principal.subject, workspace },
    ),
  );
}

/**
 * Checks that a principal's token has not expired by `now`, for sessions that live longer than
 * their token.
 *
 * @returns ok, or `AUTH_EXPIRED`
 */
export function checkNotExpired(principal: Principal, now: number = Date.now()): Result<void> {
  if (principal.expiresAt === undefined || now < principal.expiresAt) return ok(undefined);
  return err(
    new DistSpaceError(
      'AUTH_EXPIRED',
      `The token of '${principal.subject}' expired at ${new Date(principal.expiresAt).toISOString()}; get a fresh token and reconnect.`,
      { subject: principal.subject, expiresAt: principal.expiresAt },
    ),
  );
}
