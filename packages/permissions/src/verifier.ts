import type { Result } from '@dist-space/ot-core';
import type { Principal } from './principal.js';

/**
 * Checks a token and says who presented it. `verify` returns `null` when the token is not of the
 * kind this verifier handles (a static verifier, say, and a JWT), so that an
 * {@link Authenticator} can ask the next one; otherwise it decides.
 */
export interface TokenVerifier {
  /** A short name for logs: 'jwt', 'static'. */
  readonly name: string;
  /**
   * @returns null (not mine), the principal, or `AUTH_INVALID` / `AUTH_EXPIRED` with a reason
   */
  verify(token: string): Promise<Result<Principal> | null>;
}
