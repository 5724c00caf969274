import { insert } from '@dist-space/ot-core';
import { Capabilities, type Verb } from '@dist-space/permissions';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  createIdGenerator,
  Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';

function caps(...scopes: string[]): Capabilities {
  const result = Capabilities.parse(scopes);
  if (!result.ok) throw result.error;
  return result.value;
}

function denied(c: Capabilities, verb: Verb, path: string) {
  const result = c.check(verb, path);
  if (result.ok) throw new Error(`${verb} ${path} was allowed`);
  return result.error;
}

describe('Capabilities', () => {
  it('allows what a grant matches and nothing else', () => {
    const c = caps('write:src/**');
    expect(c.allows('write', 'src/a.ts')).toBe(true);
    expect(c.allows('write', 'src')).toBe(true);
    expect(c.allows('write', 'src/deep/er/x.ts')).toBe(true);
    expect(c.allows('write', 'srcx/a.ts')).toBe(false);
    expect(c.allows('write', 'lib/a.ts')).toBe(false);
  });

  it('names the path and the missing scope when it refuses', () => {
    const error = denied(caps('write:src/**', 'read:**'), 'write', 'lib/a.ts');
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.details).toMatchObject({
      verb: 'write',
      path: 'lib/a.ts',
      missingScope: 'write:lib/a.ts',
    });
    expect(error.message).toContain("'lib/a.ts'");
    expect(error.message).toContain('write:src/**');
  });

  it('lets a deny win over any grant', () => {
    const c = caps('write:**', '!write:secret/**');
    expect(c.allows('write', 'src/a.ts')).toBe(true);
    const error = denied(c, 'write', 'secret/key.pem');
    expect(error.details).toMatchObject({ deniedBy: '!write:secret/**' });
    expect(denied(caps('!write:secret/**', 'write:secret/**'), 'write', 'secret/a').code).toBe(
      'PERMISSION_DENIED',
    );
  });

  it('keeps verbs independent', () => {
    const c = caps('write:**');
    expect(c.allows('read', 'a')).toBe(false);
    expect(c.allows('create', 'a')).toBe(false);
    expect(c.allows('delete', 'a')).toBe(false);
    const r = caps('READ_ONLY');
    expect(r.allows('read', 'any/file.ts')).toBe(true);
    for (const verb of ['write', 'create', 'delete'] as const)
      expect(r.allows(verb, 'a')).toBe(false);
  });

  it('checks admin separately from paths', () => {
    expect(caps('admin').checkAdmin('Kick').ok).toBe(true);
    expect(caps('admin').allows('read', 'a')).toBe(false);
    const r = caps('read:**').checkAdmin('Kick');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details).toMatchObject({ missingScope: 'admin', action: 'Kick' });
  });

  it('matches dotfiles and compares case-sensitively', () => {
    const c = caps('read:**', 'write:src/**');
    expect(c.allows('read', '.env')).toBe(true);
    expect(c.allows('write', 'src/.hidden/x')).toBe(true);
    expect(c.allows('write', 'Src/a.ts')).toBe(false);
    expect(c.allows('write', 'SRC/a.ts')).toBe(false);
  });

  it('matches composed and decomposed spellings of one name as the same (NFC)', () => {
    const composed = caps('write:caf\u00e9/**');
    const decomposed = caps('write:cafe\u0301/**');
    for (const c of [composed, decomposed]) {
      expect(c.allows('write', 'caf\u00e9/menu.md')).toBe(true);
      expect(c.allows('write', 'cafe\u0301/menu.md')).toBe(true);
    }
    // The normalised path is what comes back, so later steps see one spelling.
    expect(composed.check('write', 'cafe\u0301/menu.md')).toEqual({
      ok: true,
      value: 'caf\u00e9/menu.md',
    });
  });

  it.each([
    ['a parent segment', 'src/../secret/key'],
    ['a leading dot segment', './src/a.ts'],
    ['a dot segment inside', 'src/./a.ts'],
    ['an empty segment', 'src//a.ts'],
    ['an absolute path', '/src/a.ts'],
    ['a trailing slash', 'src/a.ts/'],
    ['a backslash', 'src\\..\\secret'],
    ['a NUL', 'src/a\u0000.ts'],
    ['a control character', 'src/a\u001b.ts'],
  ])('refuses a path with %s before any glob sees it', (_what, path) => {
    const c = caps('read:**', 'write:**', 'create:**', 'delete:**');
    const error = denied(c, 'write', path);
    expect(error.code).toBe('INVALID_PATH');
  });

  it('treats percent-encoded dots as a literal name, never as a parent segment', () => {
    const c = caps('write:src/**');
    // `%2e%2e` is a directory literally called "%2e%2e" inside src: allowed, and harmless.
    expect(c.allows('write', 'src/%2e%2e/secret')).toBe(true);
    // It does not climb out of anything, so it does not reach a path outside src.
    expect(c.allows('write', '%2e%2e/secret')).toBe(false);
    expect(c.check('write', 'src/%2e%2e/secret')).toEqual({ ok: true, value: 'src/%2e%2e/secret' });
  });

  it('allows a rename only with delete on the source and create on the target', () => {
    const rename = (c: Capabilities) =>
      c.checkAll([
        { verb: 'delete', path: 'src/a.ts' },
        { verb: 'create', path: 'lib/a.ts' },
      ]);
    expect(rename(caps('delete:src/**', 'create:lib/**')).ok).toBe(true);
    const out = rename(caps('create:lib/**'));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.details).toMatchObject({ verb: 'delete', path: 'src/a.ts' });
    const into = rename(caps('delete:src/**', 'create:src/**'));
    expect(into.ok).toBe(false);
    if (!into.ok) expect(into.error.details).toMatchObject({ verb: 'create', path: 'lib/a.ts' });
  });

  it('refuses a bad scope list as a whole', () => {
    const result = Capabilities.parse(['read:**', 'fly:**']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_SCOPE');
    expect(Capabilities.parse('read:**' as unknown as string[]).ok).toBe(false);
    expect(Capabilities.none.allows('read', 'a')).toBe(false);
  });
});

describe('which directories a session may see', () => {
  it('shows the directories on the way to what a grant can match', () => {
    const c = caps('read:src/lib/**');
    expect(c.mayList('')).toBe(true);
    expect(c.mayList('src')).toBe(true);
    expect(c.mayList('src/lib')).toBe(true);
    expect(c.mayList('src/lib/deep/er')).toBe(true);
    expect(c.mayList('src/other')).toBe(false);
    expect(c.mayList('docs')).toBe(false);
  });

  it('shows every directory for a grant that can match at any depth, but no file it does not match', () => {
    const c = caps('read:**/*.md');
    expect(c.mayList('a/b/c')).toBe(true);
    expect(c.allows('read', 'a/b/c/x.ts')).toBe(false);
    expect(c.allows('read', 'a/b/c/x.md')).toBe(true);
  });

  it('stops at the directories a shallow grant names', () => {
    const c = caps('read:docs/*.md');
    expect(c.mayList('docs')).toBe(true);
    expect(c.mayList('docs/sub')).toBe(false);
    const single = caps('read:a/b/c.txt');
    expect(single.mayList('a')).toBe(true);
    expect(single.mayList('a/b')).toBe(true);
    expect(single.mayList('a/c')).toBe(false);
  });

  it('hides what a read deny matches', () => {
    const c = caps('read:**', '!read:secret/**');
    expect(c.mayList('secret')).toBe(false);
    expect(c.mayList('secret/inner')).toBe(false);
    expect(c.mayList('public')).toBe(true);
    expect(c.readsEverything).toBe(false);
    expect(caps('read:**').readsEverything).toBe(true);
    expect(caps('read:src/**').readsEverything).toBe(false);
  });
});

describe('checking a whole change', () => {
  // src/a.ts, src/lib/b.ts and docs/readme.md, built the way a client builds its edits.
  const start = (() => {
    const b = new ChangeBuilder(Workspace.empty, createIdGenerator('t'));
    for (const path of ['src', 'src/lib', 'docs', 'src/a.ts', 'src/lib/b.ts', 'docs/readme.md']) {
      const made = path.includes('.') ? b.createFile(path, 'x') : b.createDir(path);
      if (!made.ok) throw made.error;
    }
    return b.workspace;
  })();

  function change(build: (b: ChangeBuilder) => { ok: boolean; error?: Error }): WorkspaceChange {
    const b = new ChangeBuilder(start, createIdGenerator('c'));
    const made = build(b);
    if (!made.ok) throw made.error;
    return b.change;
  }

  const cases: Array<{
    readonly what: string;
    readonly scopes: string[];
    readonly change: WorkspaceChange;
    readonly deniedPath?: string;
    readonly verb?: Verb;
  }> = [
    {
      what: 'an edit with write on its file',
      scopes: ['write:src/**'],
      change: change((b) => b.edit('src/a.ts', [insert(1, 'y')])),
    },
    {
      what: 'an edit without write on its file',
      scopes: ['write:docs/**'],
      change: change((b) => b.edit('src/a.ts', [insert(1, 'y')])),
      deniedPath: 'src/a.ts',
      verb: 'write',
    },
    {
      what: 'a rename with delete on the old path but no create on the new',
      scopes: ['delete:src/**', 'create:src/**'],
      change: change((b) => b.move('src/a.ts', 'docs/a.ts')),
      deniedPath: 'docs/a.ts',
      verb: 'create',
    },
    {
      what: 'a rename with create on the new path but no delete on the old',
      scopes: ['create:**'],
      change: change((b) => b.move('src/a.ts', 'src/c.ts')),
      deniedPath: 'src/a.ts',
      verb: 'delete',
    },
    {
      what: 'a directory delete that takes a file the deny scope keeps',
      scopes: ['delete:src/**', '!delete:src/lib/**'],
      change: change((b) => b.delete('src')),
      deniedPath: 'src/lib',
      verb: 'delete',
    },
    {
      what: 'a directory delete with delete on everything beneath',
      scopes: ['delete:src/**'],
      change: change((b) => b.delete('src')),
    },
    {
      what: 'an edit that a deny scope forbids though a grant covers every path',
      scopes: ['write:**', '!write:src/lib/**'],
      change: change((b) => b.edit('src/lib/b.ts', [insert(1, 'y')])),
      deniedPath: 'src/lib/b.ts',
      verb: 'write',
    },
    {
      what: 'a rename with create everywhere but delete only elsewhere',
      scopes: ['create:**', 'delete:docs/**'],
      change: change((b) => b.move('src/a.ts', 'docs/a.ts')),
      deniedPath: 'src/a.ts',
      verb: 'delete',
    },
    {
      what: 'anything to a session granted every verb everywhere',
      scopes: ['read:**', 'write:**', 'create:**', 'delete:**'],
      change: change((b) => b.delete('src')),
    },
    {
      what: 'a change allowed in part, refused whole',
      scopes: ['write:src/**', 'create:src/**'],
      change: change((b) => {
        const made = b.createFile('src/new.ts', '');
        return made.ok ? b.createFile('docs/new.md', '') : made;
      }),
      deniedPath: 'docs/new.md',
      verb: 'create',
    },
  ];

  for (const c of cases) {
    it(`${c.deniedPath ? 'refuses' : 'allows'} ${c.what}`, () => {
      const result = caps(...c.scopes).checkChange(start, c.change);
      if (c.deniedPath === undefined) {
        expect(result).toEqual({ ok: true, value: undefined });
        return;
      }
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('PERMISSION_DENIED');
      expect(result.error.details).toMatchObject({ path: c.deniedPath, verb: c.verb });
    });
  }

  it("answers a change that does not apply with apply's error, not a permission", () => {
    const edit = change((b) => b.edit('src/a.ts', [insert(1, 'y')]));
    const gone = change((b) => b.delete('src'));
    const after = applyWorkspaceChange(start, gone);
    if (!after.ok) throw after.error;
    const moved = change((b) => b.move('src/a.ts', 'docs/a.ts'));
    expect(caps('write:**').checkChange(after.value, edit)).toEqual({ ok: true, value: undefined });
    const result = caps('create:**', 'delete:**').checkChange(after.value, moved);
    expect(result.ok || result.error.code).toBe('NOT_FOUND');
  });
});
