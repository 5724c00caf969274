/**
 * `@dist-space/permissions`: who may do what in a Dist-Space workspace. Capability scopes
 * (`read:`, `write:`, `create:`, `delete:` with a glob, deny rules, `admin`) checked against
 * normalised paths, and authentication of sessions with signed tokens (JWT) or a static token
 * list.
 *
 * @packageDocumentation
 */

import './errors.js';

export {
  type AnonymousAccess,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
} from './authenticator.js';
export { Capabilities, type Requirement } from './capabilities.js';
export {
  createJwtVerifier,
  type JwtVerifierOptions,
  MAX_TOKEN_LENGTH,
  principalFromClaims,
  signToken,
  type TokenClaims,
} from './jwt.js';
export {
  type AuthMethod,
  checkNotExpired,
  checkWorkspaceAccess,
  type Principal,
} from './principal.js';
export { MAX_GLOB_LENGTH, parseScope, type Scope, VERBS, type Verb } from './scope.js';
export {
  createStaticTokenVerifier,
  MIN_STATIC_TOKEN_LENGTH,
  type StaticTokenEntry,
  type StaticTokenFile,
  sha256Hex,
} from './static-tokens.js';
export type { TokenVerifier } from './verifier.js';
