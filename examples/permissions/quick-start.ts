import {
  Capabilities,
  createAuthenticator,
  createJwtVerifier,
  signToken,
} from '@dist-space/permissions';

// Scopes: what a session may do, by verb and glob. A deny (!) always wins.
const parsed = Capabilities.parse(['read:**', 'write:src/**', '!write:src/generated/**']);
if (!parsed.ok) throw parsed.error;
const caps = parsed.value;
console.log(caps.allows('write', 'src/app.ts')); // true
console.log(caps.allows('write', 'src/generated/api.ts')); // false
// A path that is not a valid workspace path is never allowed.
console.log(caps.allows('write', 'src/../secret.txt')); // false

// A refusal says which path and which scope.
const denied = caps.check('delete', 'src/app.ts');
if (!denied.ok) console.log(denied.error.code, denied.error.details.missingScope); // PERMISSION_DENIED delete:src/app.ts

// Authentication: the server verifies the token a session sends in Hello.
const secret = 'replace-me-with-32-or-more-random-bytes';
const verifier = await createJwtVerifier({ secret });
if (!verifier.ok) throw verifier.error;
const auth = createAuthenticator({ verifiers: [verifier.value] });
if (!auth.ok) throw auth.error;

const token = await signToken(secret, {
  subject: 'alice',
  workspaces: ['demo'],
  scopes: ['read:**', 'write:**'],
  expiresInSeconds: 600,
});
const session = await auth.value.authenticate(token);
console.log(session.ok && session.value.subject); // alice
const anonymous = await auth.value.authenticate(undefined);
console.log(anonymous.ok ? 'in' : anonymous.error.code); // AUTH_REQUIRED
