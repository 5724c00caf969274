import type { Result } from '@dist-space/ot-core';
import {
  type Authenticator,
  Capabilities,
  checkNotExpired,
  checkWorkspaceAccess,
  createAuthenticator,
  createJwtVerifier,
  createStaticTokenVerifier,
  type Principal,
  sha256Hex,
  signToken,
} from '@dist-space/permissions';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function code(result: Result<unknown> | null): string {
  if (result === null) return 'null';
  return result.ok ? 'ok' : result.error.code;
}

async function jwtAuth(options: Parameters<typeof createJwtVerifier>[0] = { secret: SECRET }) {
  const verifier = value(await createJwtVerifier(options));
  return value(createAuthenticator({ verifiers: [verifier] }));
}

const claims = { subject: 'alice', workspaces: ['proj-*'], scopes: ['read:**', 'write:src/**'] };

describe('signed tokens (JWT)', () => {
  it('accept a token signed with the secret and read its claims', async () => {
    const auth = await jwtAuth();
    const principal = value(await auth.authenticate(await signToken(SECRET, claims)));
    expect(principal.subject).toBe('alice');
    expect(principal.method).toBe('jwt');
    expect(principal.workspaces).toEqual(['proj-*']);
    expect(principal.capabilities.allows('write', 'src/a.ts')).toBe(true);
    expect(principal.capabilities.allows('write', 'lib/a.ts')).toBe(false);
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
  });

  it('read the OAuth-style space-separated scope claim too', async () => {
    const token = await new SignJWT({ scope: 'read:** admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const principal = value(await (await jwtAuth()).authenticate(token));
    expect(principal.capabilities.isAdmin).toBe(true);
    expect(principal.workspaces).toEqual([]);
  });

  it('refuse a bad signature', async () => {
    const token = await signToken('another-secret-of-at-least-32-bytes!!', claims);
    const result = await (await jwtAuth()).authenticate(token);
    expect(code(result)).toBe('AUTH_INVALID');
    if (!result.ok) expect(result.error.message).toContain('signature');
  });

  it('refuse a tampered payload', async () => {
    const [h, , s] = (await signToken(SECRET, claims)).split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'alice', scopes: ['admin'], exp: 2e9 }),
    ).toString('base64url');
    expect(code(await (await jwtAuth()).authenticate(`${h}.${payload}.${s}`))).toBe('AUTH_INVALID');
  });

  it('refuse an expired token with AUTH_EXPIRED', async () => {
    const token = await signToken(SECRET, { ...claims, expiresInSeconds: -120 });
    const result = await (await jwtAuth()).authenticate(token);
    expect(code(result)).toBe('AUTH_EXPIRED');
  });

  it('refuse a token without expiry unless configured otherwise', async () => {
    const token = await new SignJWT({ scopes: ['read:**'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .sign(new TextEncoder().encode(SECRET));
    expect(code(await (await jwtAuth()).authenticate(token))).toBe('AUTH_INVALID');
    const lenient = await jwtAuth({ secret: SECRET, requireExpiry: false });
    expect(code(await lenient.authenticate(token))).toBe('ok');
  });

  it('refuse the unsigned algorithm "none" and algorithms not configured', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'eve', scopes: ['admin'], exp: 2e9 })).toString(
      'base64url',
    );
    expect(code(await (await jwtAuth()).authenticate(`${header}.${body}.`))).toBe('AUTH_INVALID');
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('eve')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(code(await (await jwtAuth()).authenticate(hs512))).toBe('AUTH_INVALID');
  });

  it('check issuer and audience when configured', async () => {
    const auth = await jwtAuth({ secret: SECRET, issuer: 'idp', audience: 'dist-space' });
    expect(code(await auth.authenticate(await signToken(SECRET, claims)))).toBe('AUTH_INVALID');
    const good = await signToken(SECRET, { ...claims, issuer: 'idp', audience: 'dist-space' });
    expect(code(await auth.authenticate(good))).toBe('ok');
  });

  it('refuse tokens whose claims are malformed', async () => {
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET));
    const auth = await jwtAuth();
    expect(code(await auth.authenticate(await sign({ scopes: ['read:**'] })))).toBe('AUTH_INVALID');
    expect(code(await auth.authenticate(await sign({ sub: 'a', scopes: ['fly:**'] })))).toBe(
      'AUTH_INVALID',
    );
    expect(code(await auth.authenticate(await sign({ sub: 'a', scopes: 'read:**' })))).toBe(
      'AUTH_INVALID',
    );
    expect(code(await auth.authenticate(await sign({ sub: 'a', workspaces: 'x' })))).toBe(
      'AUTH_INVALID',
    );
  });

  it('verify tokens signed with a private key against the public key (ES256, PEM and JWK)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scopes: ['read:**'], workspaces: ['*'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('agent-7')
      .setExpirationTime('5m')
      .sign(privateKey);
    const pem = await jwtAuth({ publicKey: await exportSPKI(publicKey), algorithms: ['ES256'] });
    expect(value(await pem.authenticate(token)).subject).toBe('agent-7');
    const jwk = await jwtAuth({ publicKey: { ...(await exportJWK(publicKey)), alg: 'ES256' } });
    expect(value(await jwk.authenticate(token)).subject).toBe('agent-7');
    // An HS256 token made with the public key's bytes as secret must not pass (alg confusion).
    const forged = await signToken(await exportSPKI(publicKey), claims);
    expect(code(await pem.authenticate(forged))).toBe('AUTH_INVALID');
  });

  it('refuse bad verifier configuration', async () => {
    expect(code(await createJwtVerifier({ secret: 'short' }))).toBe('INVALID_CONFIG');
    expect(code(await createJwtVerifier({}))).toBe('INVALID_CONFIG');
    expect(code(await createJwtVerifier({ secret: SECRET, publicKey: 'x' }))).toBe(
      'INVALID_CONFIG',
    );
    expect(code(await createJwtVerifier({ publicKey: 'not a pem', algorithms: ['ES256'] }))).toBe(
      'INVALID_CONFIG',
    );
  });
});

describe('static tokens', () => {
  const tokenA = 'static-token-for-alice-0123456789';
  const tokenB = 'static-token-for-bob-0123456789ab';

  async function staticAuth(file: unknown): Promise<Authenticator> {
    return value(
      createAuthenticator({ verifiers: [value(await createStaticTokenVerifier(file))] }),
    );
  }

  it('accept listed tokens, given in clear or as SHA-256', async () => {
    const auth = await staticAuth({
      tokens: [
        { token: tokenA, subject: 'alice', workspaces: ['*'], scopes: ['read:**'] },
        { sha256: await sha256Hex(tokenB), subject: 'bob', scopes: ['admin'] },
      ],
    });
    expect(value(await auth.authenticate(tokenA))).toMatchObject({
      subject: 'alice',
      method: 'static',
    });
    expect(value(await auth.authenticate(tokenB)).capabilities.isAdmin).toBe(true);
    expect(code(await auth.authenticate('static-token-for-nobody-000000'))).toBe('AUTH_INVALID');
  });

  it('refuse an expired static token', async () => {
    const auth = await staticAuth({
      tokens: [{ token: tokenA, subject: 'alice', scopes: [], expiresAt: '2020-01-01T00:00:00Z' }],
    });
    expect(code(await auth.authenticate(tokenA))).toBe('AUTH_EXPIRED');
  });

  it.each([
    ['no tokens array', {}],
    ['a short token', { tokens: [{ token: 'short', subject: 'a', scopes: [] }] }],
    [
      'both token and hash',
      { tokens: [{ token: tokenA, sha256: 'ab', subject: 'a', scopes: [] }] },
    ],
    ['a bad hash', { tokens: [{ sha256: 'xyz', subject: 'a', scopes: [] }] }],
    ['no subject', { tokens: [{ token: tokenA, scopes: [] }] }],
    ['a bad scope', { tokens: [{ token: tokenA, subject: 'a', scopes: ['fly:**'] }] }],
    ['a bad date', { tokens: [{ token: tokenA, subject: 'a', scopes: [], expiresAt: 'soon' }] }],
    [
      'a duplicate',
      {
        tokens: [
          { token: tokenA, subject: 'a', scopes: [] },
          { token: tokenA, subject: 'b', scopes: [] },
        ],
      },
    ],
  ])('refuse a file with %s', async (_what, file) => {
    expect(code(await createStaticTokenVerifier(file))).toBe('INVALID_CONFIG');
  });
});

describe('the authenticator', () => {
  it('refuses sessions without a token unless anonymous access is on', async () => {
    const off = await jwtAuth();
    expect(code(await off.authenticate(undefined))).toBe('AUTH_REQUIRED');
    expect(code(await off.authenticate(''))).toBe('AUTH_REQUIRED');
    const on = value(
      createAuthenticator({
        verifiers: [],
        anonymous: { scopes: ['read:**'], workspaces: ['demo'] },
      }),
    );
    const principal = value(await on.authenticate(undefined));
    expect(principal).toMatchObject({ subject: 'anonymous', method: 'anonymous' });
    expect(principal.capabilities.allows('write', 'a')).toBe(false);
  });

  it('refuses whatever is not a string, or too long, without throwing', async () => {
    const auth = await jwtAuth();
    for (const token of [42, {}, [], true, 'x'.repeat(10_000)]) {
      expect(code(await auth.authenticate(token))).toBe('AUTH_INVALID');
    }
    expect(code(await auth.authenticate('not-a-jwt'))).toBe('AUTH_INVALID');
  });

  it('asks verifiers in order: a JWT verifier passes non-JWT tokens on', async () => {
    const jwt = value(await createJwtVerifier({ secret: SECRET }));
    const fixed = value(
      await createStaticTokenVerifier({
        tokens: [{ token: 'plain-static-token-000000', subject: 'ci', scopes: ['read:**'] }],
      }),
    );
    const auth = value(createAuthenticator({ verifiers: [jwt, fixed] }));
    expect(value(await auth.authenticate('plain-static-token-000000')).subject).toBe('ci');
    expect(value(await auth.authenticate(await signToken(SECRET, claims))).subject).toBe('alice');
  });

  it('refuses the token when a verifier throws', async () => {
    const auth = value(
      createAuthenticator({
        verifiers: [
          {
            name: 'broken',
            verify: () => Promise.reject(new Error('boom')),
          },
        ],
      }),
    );
    expect(code(await auth.authenticate('anything'))).toBe('AUTH_INVALID');
  });
});

describe('principals', () => {
  const principal = (workspaces: string[], expiresAt?: number): Principal => ({
    subject: 'alice',
    workspaces,
    capabilities: Capabilities.none,
    method: 'jwt',
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  });

  it('open only the workspaces their token lists', () => {
    const p = principal(['proj-*', 'docs']);
    expect(checkWorkspaceAccess(p, 'proj-1').ok).toBe(true);
    expect(checkWorkspaceAccess(p, 'docs').ok).toBe(true);
    expect(code(checkWorkspaceAccess(p, 'other'))).toBe('WORKSPACE_FORBIDDEN');
    expect(code(checkWorkspaceAccess(principal([]), 'docs'))).toBe('WORKSPACE_FORBIDDEN');
  });

  it('expire with their token', () => {
    expect(checkNotExpired(principal(['*'])).ok).toBe(true);
    expect(checkNotExpired(principal(['*'], Date.now() + 60_000)).ok).toBe(true);
    expect(code(checkNotExpired(principal(['*'], Date.now() - 1)))).toBe('AUTH_EXPIRED');
  });
});
