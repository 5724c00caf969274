import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import picomatch from 'picomatch/posix.js';
import './errors.js';

/** What a path scope lets a session do to the files and directories its glob matches. */
export type Verb = 'read' | 'write' | 'create' | 'delete';

/** Every {@link Verb}, in the order they are listed in messages. */
export const VERBS: readonly Verb[] = ['read', 'write', 'create', 'delete'];

/**
 * One parsed capability scope: a path scope (`verb:glob`, or the deny form `!verb:glob`) or the
 * `admin` scope. `source` is the text it was parsed from, after aliases were expanded.
 */
export type Scope =
  | {
      readonly kind: 'path';
      readonly verb: Verb;
      readonly glob: string;
      readonly deny: boolean;
      readonly source: string;
      /** @internal The compiled glob. */
      readonly matches: (path: string) => boolean;
      /** @internal The static directory the glob starts in (`src` for `src/**`), `''` for the root. */
      readonly base: string;
      /** @internal True when the glob can match below the directories right under `base`. */
      readonly deep: boolean;
    }
  | { readonly kind: 'admin'; readonly source: 'admin' };

/** Longest glob a scope may hold; longer ones are refused rather than compiled. */
export const MAX_GLOB_LENGTH = 1024;

// Aliases from the seed's vocabulary: READ_ONLY and EDIT_FILE:<glob>.
const READ_ONLY = 'READ_ONLY';
const EDIT_FILE = 'EDIT_FILE:';

function invalid(text: string, why: string): DistSpaceError {
  return new DistSpaceError(
    'INVALID_SCOPE',
    `Scope ${JSON.stringify(text.slice(0, 80))} is invalid: ${why}. Scopes look like 'read:**', 'write:src/**', '!delete:docs/**' or 'admin'.`,
    { scope: text.slice(0, 200) },
  );
}

// Globs are matched against normalised relative paths, so a glob that could only match what the
// path check rejects (absolute, `.`/`..` segments, backslashes, control characters) is a mistake
// in the configuration; refusing it early says so instead of silently matching nothing.
function checkGlob(text: string, glob: string): DistSpaceError | null {
  if (glob.length === 0) return invalid(text, 'the glob after the colon is empty');
  if (glob.length > MAX_GLOB_LENGTH)
    return invalid(text, `the glob is over ${MAX_GLOB_LENGTH} characters`);
  if (glob.startsWith('/'))
    return invalid(text, 'globs are relative to the workspace root, not absolute');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(glob)) {
    return invalid(text, 'globs may not hold backslashes or control characters');
  }
  if (glob.split('/').some((segment) => segment === '.' || segment === '..' || segment === '')) {
    return invalid(text, "globs may not hold '.', '..' or empty segments");
  }
  return null;
}

/**
 * Parses one scope. The grammar (DESIGN.md 3.10): `admin`, or `verb:glob` with verb one of
 * `read`, `write`, `create`, `delete`, optionally led by `!` to deny instead of grant; the glob
 * is a picomatch pattern over `/`-separated relative paths, matching dotfiles, case-sensitive,
 * NFC-normalised like the paths it is matched against. Aliases: `READ_ONLY` is `read:**` and
 * `EDIT_FILE:<glob>` is `write:<glob>`.
 *
 * @returns the scope, or `INVALID_SCOPE` saying what is wrong
 */
export function parseScope(text: unknown): Result<Scope> {
  if (typeof text !== 'string') return err(invalid(String(text), 'a scope must be a string'));
  let source = text.trim();
  if (source === 'admin') return ok({ kind: 'admin', source: 'admin' });
  if (source === READ_ONLY) source = 'read:**';
  else if (source.startsWith(EDIT_FILE)) source = `write:${source.slice(EDIT_FILE.length)}`;
  const deny = source.startsWith('!');
  const body = deny ? source.slice(1) : source;
  const colon = body.indexOf(':');
  if (colon < 0) return err(invalid(text, "it has no ':' between the verb and the glob"));
  const verb = body.slice(0, colon);
  if (!(VERBS as readonly string[]).includes(verb)) {
    return err(invalid(text, `'${verb.slice(0, 20)}' is not one of ${VERBS.join(', ')}`));
  }
  const glob = body.slice(colon + 1).normalize('NFC');
  const globError = checkGlob(text, glob);
  if (globError) return err(globError);
  let matches: (path: string) => boolean;
  try {
    matches = picomatch(glob, { dot: true, nocase: false, strictSlashes: false });
  } catch (e) {
    return err(invalid(text, `the glob does not compile (${(e as Error).message})`));
  }
  const scanned = picomatch.scan(glob);
  const base = scanned.isGlob ? scanned.base : glob;
  const deep = scanned.isGlob && (scanned.glob.includes('/') || scanned.glob.includes('**'));
  return ok({ kind: 'path', verb: verb as Verb, glob, deny, source, matches, base, deep });
}
