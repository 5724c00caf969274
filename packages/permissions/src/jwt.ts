import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  type CryptoKey,
  errors,
  importJWK,
  importSPKI,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Capabilities } from './capabilities.js';
import type { Principal } from './principal.js';
import type { TokenVerifier } from './verifier.js';

/**
 * How to verify signed tokens (JWT, compact JWS). Give exactly one key: a shared `secret` for
 * HMAC (HS256/384/512), or a `publicKey` (PEM SPKI or JWK) for RS/PS/ES/EdDSA signatures.
 *
 * Claims read from a token: `sub` (required), `scope` (a space-separated string, as in OAuth)
 * or `scopes` (an array), `workspaces` (an array of workspace-id globs; missing means none),
 * `exp` (required unless `requireExpiry` is false), and `iss`/`aud` when configured here.
 */
export interface JwtVerifierOptions {
  /** The HMAC secret; at least 32 bytes. */
  readonly secret?: string | Uint8Array;
  /** The public key: a PEM SPKI string or a JWK object. */
  readonly publicKey?: string | JWK;
  /** Accepted algorithms. Default: HS256 for a secret; for a public key, the one `alg` names. */
  readonly algorithms?: readonly string[];
  /** The issuer a token must name, if any. */
  readonly issuer?: string;
  /** The audience a token must name, if any. */
  readonly audience?: string;
  /** Allowed clock skew in seconds. Default 30. */
  readonly clockToleranceSeconds?: number;
  /** Refuse tokens without `exp`. Default true: a leaked token should not work forever. */
  readonly requireExpiry?: boolean;
}

/** Longest token accepted, in characters; a longer one is refused before it is parsed. */
export const MAX_TOKEN_LENGTH = 8192;

const encoder = new TextEncoder();
const MIN_SECRET_BYTES = 32;

function configError(message: string): Result<never> {
  return err(new DistSpaceError('INVALID_CONFIG', message));
}

function invalidToken(reason: string): Result<never> {
  return err(new DistSpaceError('AUTH_INVALID', `The token was refused: ${reason}.`, { reason }));
}

/** Reads a verified payload into a principal. */
export function principalFromClaims(
  payload: Record<string, unknown>,
  method: Principal['method'],
): Result<Principal> {
  const { sub, scope, scopes, workspaces, exp } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) {
    return invalidToken("its 'sub' claim must be a non-empty string of at most 256 characters");
  }
  let scopeList: unknown[];
  if (typeof scope === 'string') scopeList = scope.split(' ').filter((s) => s.length > 0);
  else if (Array.isArray(scopes)) scopeList = scopes;
  else if (scope === undefined && scopes === undefined) scopeList = [];
  else return invalidToken("'scope' must be a space-separated string or 'scopes' an array");
  const capabilities = Capabilities.parse(scopeList);
  if (!capabilities.ok) return invalidToken(capabilities.error.message);
  const ws = workspaces ?? [];
  if (!Array.isArray(ws) || !ws.every((w) => typeof w === 'string' && w.length > 0)) {
    return invalidToken("'workspaces' must be an array of workspace ids or globs");
  }
  const principal: Principal = {
    subject: sub,
    workspaces: ws as string[],
    capabilities: capabilities.value,
    method,
    ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
  };
  return ok(principal);
}

type Key = CryptoKey | Uint8Array;

async function importKey(options: JwtVerifierOptions): Promise<Result<[Key, string[]]>> {
  const { secret, publicKey } = options;
  if ((secret === undefined) === (publicKey === undefined)) {
    return configError('A JWT verifier needs exactly one of `secret` (HMAC) or `publicKey`.');
  }
  if (secret !== undefined) {
    const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
    if (bytes.length < MIN_SECRET_BYTES) {
      return configError(
        `The JWT secret is ${bytes.length} bytes; use at least ${MIN_SECRET_BYTES} random bytes.`,
      );
    }
    return ok([bytes, [...(options.algorithms ?? ['HS256'])]]);
  }
  try {
    if (typeof publicKey === 'string') {
      const alg = options.algorithms?.[0];
      if (!alg) return configError('A PEM public key needs `algorithms`, e.g. ["ES256"].');
      return ok([await importSPKI(publicKey, alg), [...options.algorithms!]]);
    }
    const jwk = publicKey as JWK;
    const alg = options.algorithms?.[0] ?? jwk.alg;
    if (!alg) return configError('A JWK public key needs an `alg` or `algorithms`.');
    const key = await importJWK(jwk, alg);
    if (key instanceof Uint8Array) return configError('`publicKey` must not be a symmetric JWK.');
    return ok([key, [...(options.algorithms ?? [alg])]]);
  } catch (e) {
    return configError(`The JWT public key could not be imported: ${(e as Error).message}`);
  }
}

function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * Makes a verifier for signed tokens (JWT). It handles tokens that look like a compact JWS and
 * returns null for anything else.
 *
 * @returns the verifier, or `INVALID_CONFIG` for a missing, short or unreadable key
 */
export async function createJwtVerifier(
  options: JwtVerifierOptions,
): Promise<Result<TokenVerifier>> {
  const imported = await importKey(options);
  if (!imported.ok) return imported;
  const [key, algorithms] = imported.value;
  const requireExpiry = options.requireExpiry ?? true;
  const verifyOptions = {
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: requireExpiry ? ['sub', 'exp'] : ['sub'],
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
  };
  return ok({
    name: 'jwt',
    async verify(token: string): Promise<Result<Principal> | null> {
      if (token.length > MAX_TOKEN_LENGTH) return invalidToken('it is too long');
      if (!looksLikeJwt(token)) return null;
      let payload: JWTPayload;
      try {
        payload = (await jwtVerify(token, key, verifyOptions)).payload;
      } catch (e) {
        if (e instanceof errors.JWTExpired) {
          return err(
            new DistSpaceError(
              'AUTH_EXPIRED',
              'The token has expired; get a fresh token and reconnect.',
              { reason: 'expired' },
            ),
          );
        }
        if (e instanceof errors.JWSSignatureVerificationFailed) {
          return invalidToken('its signature does not verify');
        }
        if (e instanceof errors.JWTClaimValidationFailed) {
          return invalidToken(`its '${e.claim}' claim is not acceptable (${e.reason})`);
        }
        if (e instanceof errors.JOSEAlgNotAllowed) {
          return invalidToken('it is signed with an algorithm this server does not accept');
        }
        return invalidToken('it is not a well-formed signed token');
      }
      return principalFromClaims(payload, 'jwt');
    },
  });
}

/** What to put in a token made by {@link signToken}. */
export interface TokenClaims {
  /** The user or agent id. */
  readonly subject: string;
  /** Workspace-id globs the token opens. */
  readonly workspaces: readonly string[];
  /** Capability scopes. */
  readonly scopes: readonly string[];
  /** Lifetime in seconds from now. Default 3600. */
  readonly expiresInSeconds?: number;
  /** `iss`, if the verifier checks one. */
  readonly issuer?: string;
  /** `aud`, if the verifier checks one. */
  readonly audience?: string;
}

/**
 * Signs an HS256 token with a shared secret: for development servers, tests and small setups
 * where the server also issues tokens. Production setups usually sign tokens in their own
 * identity service and give the server only the public key.
 */
export async function signToken(secret: string | Uint8Array, claims: TokenClaims): Promise<string> {
  // `scopes` as an array: a glob may hold a space, which the OAuth-style `scope` string cannot.
  const jwt = new SignJWT({ scopes: [...claims.scopes], workspaces: [...claims.workspaces] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresInSeconds ?? 3600));
  if (claims.issuer !== undefined) jwt.setIssuer(claims.issuer);
  if (claims.audience !== undefined) jwt.setAudience(claims.audience);
  return jwt.sign(typeof secret === 'string' ? encoder.encode(secret) : secret);
}
