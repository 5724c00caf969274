import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  type Authenticator,
  createAuthenticator,
  createJwtVerifier,
  createStaticTokenVerifier,
  signToken,
  type TokenVerifier,
} from '@dist-space/permissions';
import type { AuthConfig } from './config.js';

/** An authenticator built from the configuration, and the development token if one was made. */
export interface AuthSetup {
  readonly authenticator: Authenticator;
  /** An admin token for the development secret, when `devToken` made one. */
  readonly devToken?: string;
}

async function readConfigFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new DistSpaceError(
      'INVALID_CONFIG',
      `The ${what} file '${path}' cannot be read: ${(e as Error).message}`,
    );
  }
}

/**
 * The development secret in `dataDir/dev-secret`: made (32 random bytes, readable by the owner
 * only) on first use and kept, so development tokens survive restarts.
 */
async function developmentSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, 'dev-secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(path, `${secret}\n`, { mode: 0o600 });
    await chmod(path, 0o600);
    return secret;
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Builds the authenticator the configuration describes. With no verifier configured and
 * `devToken` on, it makes (or reuses) a development secret in `dataDir` and signs an admin token
 * for every workspace, valid for 30 days. With nothing configured and `devToken` off, it refuses
 * to start rather than run a server nobody can use or everybody can.
 *
 * @returns the setup, or `INVALID_CONFIG` saying what is missing or wrong
 */
export async function setUpAuthentication(
  auth: AuthConfig,
  dataDir: string,
): Promise<Result<AuthSetup>> {
  try {
    const verifiers: TokenVerifier[] = [];
    let secret = auth.jwtSecret;
    if (auth.jwtSecretFile)
      secret = (await readConfigFile(auth.jwtSecretFile, 'JWT secret')).trim();
    // One verifier checks every JWT against one key: with both, tokens signed with the secret
    // would all be refused, and the operator would not know why.
    if (secret !== undefined && auth.jwtPublicKeyFile) {
      return err(
        new DistSpaceError(
          'INVALID_CONFIG',
          'Give a JWT secret or a JWT public key file, not both: signed tokens are checked against one key.',
        ),
      );
    }
    if (secret !== undefined || auth.jwtPublicKeyFile) {
      const publicKey = auth.jwtPublicKeyFile
        ? await readConfigFile(auth.jwtPublicKeyFile, 'JWT public key')
        : undefined;
      verifiers.push(
        unwrap(
          await createJwtVerifier({
            ...(publicKey !== undefined ? { publicKey } : { secret: secret! }),
            ...(auth.jwtAlgorithms ? { algorithms: auth.jwtAlgorithms } : {}),
            ...(auth.jwtIssuer ? { issuer: auth.jwtIssuer } : {}),
            ...(auth.jwtAudience ? { audience: auth.jwtAudience } : {}),
          }),
        ),
      );
    }
    if (auth.tokenFile) {
      const text = await readConfigFile(auth.tokenFile, 'token');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new DistSpaceError(
          'INVALID_CONFIG',
          `The token file '${auth.tokenFile}' is not JSON: ${(e as Error).message}`,
        );
      }
      verifiers.push(unwrap(await createStaticTokenVerifier(json)));
    }
    let devToken: string | undefined;
    if (verifiers.length === 0 && auth.devToken) {
      const devSecret = await developmentSecret(dataDir);
      verifiers.push(unwrap(await createJwtVerifier({ secret: devSecret })));
      devToken = await signToken(devSecret, {
        subject: 'developer',
        workspaces: ['*'],
        scopes: ['read:**', 'write:**', 'create:**', 'delete:**', 'admin'],
        expiresInSeconds: 30 * 24 * 3600,
      });
    }
    if (verifiers.length === 0 && !auth.anonymous) {
      return err(
        new DistSpaceError(
          'INVALID_CONFIG',
          'No authentication is configured: give a JWT secret or public key, a token file, --dev-token for development, or --allow-anonymous.',
        ),
      );
    }
    const authenticator = unwrap(
      createAuthenticator({ verifiers, ...(auth.anonymous ? { anonymous: auth.anonymous } : {}) }),
    );
    return ok({ authenticator, ...(devToken ? { devToken } : {}) });
  } catch (e) {
    if (e instanceof DistSpaceError) return err(e);
    throw e;
  }
}
