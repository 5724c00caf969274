import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { Capabilities } from './capabilities.js';
import type { Principal } from './principal.js';
import type { TokenVerifier } from './verifier.js';

/**
 * One entry of a static token list. Give the token itself (`token`) or, better, its SHA-256 in
 * hex (`sha256`), so that the file does not hold usable secrets.
 */
export interface StaticTokenEntry {
  readonly token?: string;
  readonly sha256?: string;
  readonly subject: string;
  readonly workspaces?: readonly string[];
  readonly scopes: readonly string[];
  /** ISO 8601 date or ms since the epoch after which the token is refused. */
  readonly expiresAt?: string | number;
}

/** The shape of a static token file: `{ "tokens": [ StaticTokenEntry, ... ] }`. */
export interface StaticTokenFile {
  readonly tokens: readonly StaticTokenEntry[];
}

/** Shortest token accepted in a static list, so that a list cannot hold guessable tokens. */
export const MIN_STATIC_TOKEN_LENGTH = 16;

const encoder = new TextEncoder();

/** The SHA-256 of a token, in lowercase hex, as a static token file's `sha256` holds it. */
export async function sha256Hex(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function bad(index: number, why: string): Result<never> {
  return err(
    new DistSpaceError('INVALID_CONFIG', `Static token entry ${index} is invalid: ${why}.`, {
      index,
    }),
  );
}

interface Entry {
  readonly subject: string;
  readonly workspaces: readonly string[];
  readonly capabilities: Capabilities;
  readonly expiresAt?: number;
}

async function readEntry(raw: unknown, index: number): Promise<Result<[string, Entry]>> {
  if (typeof raw !== 'object' || raw === null) return bad(index, 'it must be an object');
  const e = raw as Record<string, unknown>;
  let hash: string;
  if (typeof e.sha256 === 'string' && e.token === undefined) {
    if (!/^[0-9a-f]{64}$/i.test(e.sha256)) return bad(index, "'sha256' must be 64 hex digits");
    hash = e.sha256.toLowerCase();
  } else if (typeof e.token === 'string' && e.sha256 === undefined) {
    if (e.token.length < MIN_STATIC_TOKEN_LENGTH) {
      return bad(index, `'token' must be at least ${MIN_STATIC_TOKEN_LENGTH} characters`);
    }
    hash = await sha256Hex(e.token);
  } else {
    return bad(index, "give exactly one of 'token' or 'sha256'");
  }
  if (typeof e.subject !== 'string' || e.subject.length === 0) {
    return bad(index, "'subject' must be a non-empty string");
  }
  const workspaces = e.workspaces ?? [];
  if (!Array.isArray(workspaces) || !workspaces.every((w) => typeof w === 'string' && w !== '')) {
    return bad(index, "'workspaces' must be an array of workspace ids or globs");
  }
  if (!Array.isArray(e.scopes)) return bad(index, "'scopes' must be an array of scope strings");
  const capabilities = Capabilities.parse(e.scopes);
  if (!capabilities.ok) return bad(index, capabilities.error.message);
  let expiresAt: number | undefined;
  if (e.expiresAt !== undefined) {
    expiresAt =
      typeof e.expiresAt === 'number'
        ? e.expiresAt
        : typeof e.expiresAt === 'string'
          ? Date.parse(e.expiresAt)
          : Number.NaN;
    if (!Number.isFinite(expiresAt)) return bad(index, "'expiresAt' must be a date or a number");
  }
  const entry: Entry = {
    subject: e.subject,
    workspaces: workspaces as string[],
    capabilities: capabilities.value,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
  return ok([hash, entry]);
}

/**
 * Makes a verifier over a static token list (the parsed JSON of a token file), for small setups
 * without an identity service. Tokens are looked up by their SHA-256, so the comparison does not
 * leak the token through timing. It handles every token; put it after a JWT verifier.
 *
 * @returns the verifier, or `INVALID_CONFIG` naming the first bad entry
 */
export async function createStaticTokenVerifier(file: unknown): Promise<Result<TokenVerifier>> {
  const tokens = (file as StaticTokenFile | null)?.tokens;
  if (!Array.isArray(tokens)) {
    return err(
      new DistSpaceError(
        'INVALID_CONFIG',
        'A static token file must be a JSON object with a "tokens" array.',
      ),
    );
  }
  const byHash = new Map<string, Entry>();
  for (let i = 0; i < tokens.length; i++) {
    const read = await readEntry(tokens[i], i);
    if (!read.ok) return read;
    if (byHash.has(read.value[0])) return bad(i, 'the same token appears twice');
    byHash.set(read.value[0], read.value[1]);
  }
  return ok({
    name: 'static',
    async verify(token: string): Promise<Result<Principal> | null> {
      const entry = byHash.get(await sha256Hex(token));
      if (!entry) {
        return err(
          new DistSpaceError('AUTH_INVALID', 'The token was refused: it is not a known token.', {
            reason: 'unknown',
          }),
        );
      }
      if (entry.expiresAt !== undefined && Date.now() >= entry.expiresAt) {
        return err(
          new DistSpaceError(
            'AUTH_EXPIRED',
            'The token has expired; ask the operator for a new one.',
            {
              reason: 'expired',
            },
          ),
        );
      }
      return ok({ ...entry, method: 'static' });
    },
  });
}
