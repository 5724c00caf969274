import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { Capabilities } from './capabilities.js';
import { MAX_TOKEN_LENGTH } from './jwt.js';
import type { Principal } from './principal.js';
import type { TokenVerifier } from './verifier.js';

/** Access for sessions that present no token; off unless the operator turns it on. */
export interface AnonymousAccess {
  /** Scopes an anonymous session gets, e.g. `['read:**']`. */
  readonly scopes: readonly string[];
  /** Workspace-id globs it may open. */
  readonly workspaces: readonly string[];
}

/** How sessions authenticate. */
export interface AuthenticatorOptions {
  /** Asked in order; the first that recognises a token decides. */
  readonly verifiers: readonly TokenVerifier[];
  /** Let sessions without a token in, with these rights. Default: refuse them. */
  readonly anonymous?: AnonymousAccess;
}

/** Turns the token a session presents in `Hello` into a {@link Principal}, or refuses it. */
export interface Authenticator {
  /**
   * @returns the principal, or `AUTH_REQUIRED` (no token, no anonymous access), `AUTH_INVALID`
   * or `AUTH_EXPIRED`; never throws, whatever `token` is
   */
  authenticate(token: unknown): Promise<Result<Principal>>;
}

/**
 * Makes an {@link Authenticator}.
 *
 * @returns it, or `INVALID_SCOPE` when the anonymous scopes do not parse
 */
export function createAuthenticator(options: AuthenticatorOptions): Result<Authenticator> {
  let anonymous: Principal | undefined;
  if (options.anonymous) {
    const capabilities = Capabilities.parse(options.anonymous.scopes);
    if (!capabilities.ok) return capabilities;
    anonymous = {
      subject: 'anonymous',
      workspaces: [...options.anonymous.workspaces],
      capabilities: capabilities.value,
      method: 'anonymous',
    };
  }
  const verifiers = [...options.verifiers];
  return ok({
    async authenticate(token: unknown): Promise<Result<Principal>> {
      if (token === undefined || token === null || token === '') {
        if (anonymous) return ok(anonymous);
        return err(
          new DistSpaceError(
            'AUTH_REQUIRED',
            'This server needs a token: send one in Hello (anonymous access is off).',
          ),
        );
      }
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
        return err(
          new DistSpaceError(
            'AUTH_INVALID',
            `The token was refused: it must be a string of at most ${MAX_TOKEN_LENGTH} characters.`,
            { reason: 'malformed' },
          ),
        );
      }
      for (const verifier of verifiers) {
        try {
          const result = await verifier.verify(token);
          if (result) return result;
        } catch {
          // A verifier that throws has a bug; refusing the token is the safe outcome.
          return err(
            new DistSpaceError('AUTH_INVALID', 'The token was refused: it could not be checked.', {
              reason: 'verifier-failed',
              verifier: verifier.name,
            }),
          );
        }
      }
      return err(
        new DistSpaceError(
          'AUTH_INVALID',
          'The token was refused: no configured verifier accepts tokens of this kind.',
          { reason: 'unrecognised' },
        ),
      );
    },
  });
}
