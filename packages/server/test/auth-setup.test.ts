import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '@dist-space/ot-core';
import { sha256Hex, signToken } from '@dist-space/permissions';
import { type AuthSetup, DEFAULT_SERVER_CONFIG, setUpAuthentication } from '@dist-space/server';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SECRET, tempDirsRemovedAfterEach } from './support/harness.js';

// The server's authentication as its configuration describes it (docs/server.md, `auth`): a JWT
// secret file, a public key file, a static token file, the development token, and refusing to
// start with none of them.

const tempDir = tempDirsRemovedAfterEach('dist-space-auth-');

function value<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** The subject `setup` lets in with `token`, or the code it refuses it with. */
async function subjectOf(setup: AuthSetup, token: string | undefined): Promise<string> {
  const principal = await setup.authenticator.authenticate(token);
  return principal.ok ? principal.value.subject : principal.error.code;
}

const noAuth = DEFAULT_SERVER_CONFIG.auth;

describe('authentication from the configuration', () => {
  it('asks a JWT secret file, a public key file and a static token file, each for its tokens', async () => {
    const dir = await tempDir();
    const secretFile = join(dir, 'secret.txt');
    await writeFile(secretFile, `${SECRET}\n`);
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const keyFile = join(dir, 'key.pem');
    await writeFile(keyFile, await exportSPKI(publicKey));
    const tokenFile = join(dir, 'tokens.json');
    const listed = 'a-static-token-of-some-length';
    await writeFile(
      tokenFile,
      JSON.stringify({
        tokens: [{ sha256: await sha256Hex(listed), subject: 'ci', scopes: ['read:**'] }],
      }),
    );
    const claims = { workspaces: ['*'], scopes: ['read:**'], expiresInSeconds: 60 };
    const hmac = await signToken(SECRET, { subject: 'hmac-user', ...claims });
    const signed = await new SignJWT({ scopes: ['read:**'], workspaces: ['*'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('key-user')
      .setExpirationTime('1m')
      .sign(privateKey);

    const withSecret = value(
      await setUpAuthentication({ ...noAuth, jwtSecretFile: secretFile, tokenFile }, dir),
    );
    expect(await subjectOf(withSecret, hmac)).toBe('hmac-user');
    expect(await subjectOf(withSecret, listed)).toBe('ci');
    expect(await subjectOf(withSecret, 'an-unlisted-token-of-length')).toBe('AUTH_INVALID');
    expect(await subjectOf(withSecret, signed)).toBe('AUTH_INVALID');
    expect(await subjectOf(withSecret, undefined)).toBe('AUTH_REQUIRED');
    expect(withSecret.devToken).toBeUndefined();

    const withKey = value(
      await setUpAuthentication(
        { ...noAuth, jwtPublicKeyFile: keyFile, jwtAlgorithms: ['ES256'], devToken: true },
        dir,
      ),
    );
    expect(await subjectOf(withKey, signed)).toBe('key-user');
    expect(await subjectOf(withKey, hmac)).toBe('AUTH_INVALID');
    // Other authentication is configured: no development secret, no development token.
    expect(withKey.devToken).toBeUndefined();
    await expect(stat(join(dir, 'dev-secret'))).rejects.toThrow();
  });

  it('keeps the development secret in the data directory, so a development token outlives a restart', async () => {
    const dir = join(await tempDir(), 'data');
    const first = value(await setUpAuthentication({ ...noAuth, devToken: true }, dir));
    expect(first.devToken).toBeDefined();
    expect((await stat(join(dir, 'dev-secret'))).mode & 0o077).toBe(0);
    const secret = await readFile(join(dir, 'dev-secret'), 'utf8');
    const second = value(await setUpAuthentication({ ...noAuth, devToken: true }, dir));
    expect(await readFile(join(dir, 'dev-secret'), 'utf8')).toBe(secret);
    expect(await subjectOf(second, first.devToken)).toBe('developer');
    const principal = value(await second.authenticator.authenticate(first.devToken));
    expect(principal.capabilities.checkAdmin('Stats').ok).toBe(true);
  });

  it('lets token-less sessions in only when anonymous access is configured', async () => {
    const dir = await tempDir();
    const anonymous = value(
      await setUpAuthentication(
        { ...noAuth, anonymous: { scopes: ['read:**'], workspaces: ['demo'] } },
        dir,
      ),
    );
    expect(await subjectOf(anonymous, undefined)).toBe('anonymous');
    expect(await subjectOf(anonymous, 'some-token-nobody-knows')).toBe('AUTH_INVALID');
  });

  it('refuses with INVALID_CONFIG, naming the problem: nothing configured, a missing file, a token file that is not JSON, a secret and a public key', async () => {
    const dir = await tempDir();
    const notJson = join(dir, 'tokens.json');
    await writeFile(notJson, '{ tokens: ');
    const cases: Array<[Parameters<typeof setUpAuthentication>[0], string]> = [
      [noAuth, 'No authentication is configured'],
      [{ ...noAuth, jwtSecretFile: join(dir, 'missing.txt') }, 'missing.txt'],
      [{ ...noAuth, jwtPublicKeyFile: join(dir, 'missing.pem') }, 'missing.pem'],
      [{ ...noAuth, tokenFile: notJson }, 'is not JSON'],
      [{ ...noAuth, jwtSecret: 'too short' }, 'secret'],
      [{ ...noAuth, jwtSecret: SECRET, jwtPublicKeyFile: 'key.pem' }, 'not both'],
    ];
    for (const [auth, words] of cases) {
      const setup = await setUpAuthentication(auth, dir);
      expect(setup.ok, words).toBe(false);
      if (!setup.ok) {
        expect(setup.error.code, words).toBe('INVALID_CONFIG');
        expect(setup.error.message, words).toContain(words);
      }
    }
  });
});
