import { parseScope } from '@dist-space/permissions';
import { describe, expect, it } from 'vitest';

function parsed(text: unknown) {
  const result = parseScope(text);
  if (!result.ok) throw result.error;
  return result.value;
}

function refused(text: unknown): string {
  const result = parseScope(text);
  if (result.ok) throw new Error(`${String(text)} was accepted`);
  expect(result.error.code).toBe('INVALID_SCOPE');
  return result.error.message;
}

describe('the scope grammar', () => {
  it.each(['read', 'write', 'create', 'delete'] as const)('grants %s on a glob', (verb) => {
    const scope = parsed(`${verb}:src/**`);
    expect(scope).toMatchObject({ kind: 'path', verb, glob: 'src/**', deny: false });
  });

  it('reads the deny form', () => {
    expect(parsed('!write:secret/**')).toMatchObject({
      verb: 'write',
      glob: 'secret/**',
      deny: true,
    });
  });

  it('reads admin', () => {
    expect(parsed('admin')).toEqual({ kind: 'admin', source: 'admin' });
  });

  it('expands the aliases READ_ONLY and EDIT_FILE', () => {
    expect(parsed('READ_ONLY')).toMatchObject({ verb: 'read', glob: '**', source: 'read:**' });
    expect(parsed('EDIT_FILE:docs/*.md')).toMatchObject({
      verb: 'write',
      glob: 'docs/*.md',
      source: 'write:docs/*.md',
    });
  });

  it('normalises the glob to NFC, as paths are', () => {
    expect(parsed('write:cafe\u0301/**')).toMatchObject({ glob: 'caf\u00e9/**' });
  });

  it.each([
    ['no colon', 'read', "no ':'"],
    ['an unknown verb', 'execute:**', 'not one of'],
    ['an empty glob', 'read:', 'empty'],
    ['an absolute glob', 'read:/etc/**', 'relative'],
    ['a parent segment', 'read:src/../**', "'..'"],
    ['a dot segment', 'read:./src/**', "'.'"],
    ['an empty segment', 'read:src//a', 'empty segments'],
    ['a backslash', 'read:src\\**', 'backslashes'],
    ['a NUL', 'read:src\u0000', 'control'],
    ['a verb with deny of admin', '!admin', "no ':'"],
  ])('refuses %s', (_what, text, why) => {
    expect(refused(text)).toContain(why);
  });

  it('refuses non-strings and over-long globs', () => {
    refused(42);
    refused(null);
    refused(`read:${'a'.repeat(2000)}`);
  });
});
