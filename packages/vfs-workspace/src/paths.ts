import { DistSpaceError, err, isWellFormed, ok, type Result } from '@dist-space/ot-core';

/**
 * Limits on paths given from outside (by a person, a client, an agent). Lengths count UTF-8
 * bytes, as file systems do (ext4, APFS and NTFS all allow 255 per name).
 */
export interface PathLimits {
  /** Most UTF-8 bytes in one name (path segment). Default 255; never more than {@link MAX_NAME_BYTES}. */
  readonly maxSegmentBytes?: number;
  /** Most UTF-8 bytes in a whole path, separators included. Default 4096. */
  readonly maxPathBytes?: number;
  /** Most segments in a path (the depth of the node it names). Default 64. */
  readonly maxDepth?: number;
}

/** The limits used when none are given. */
export const DEFAULT_PATH_LIMITS: Required<PathLimits> = {
  maxSegmentBytes: 255,
  maxPathBytes: 4096,
  maxDepth: 64,
};

/**
 * The hard limit on a name, enforced on every op whatever the configured {@link PathLimits}:
 * conflict names made by the transform are cut to fit it. Depth and whole-path length are not
 * hard limits of the tree, because two concurrent moves can nest deeper than either alone; they
 * are checked where a path comes in.
 */
export const MAX_NAME_BYTES = 255;

/** Why a path or name was rejected; `details.reason` of an `INVALID_PATH` error. */
export type PathProblem =
  | 'not-a-string'
  | 'lone-surrogate'
  | 'absolute'
  | 'backslash'
  | 'control-character'
  | 'empty-segment'
  | 'dot-segment'
  | 'not-nfc'
  | 'segment-too-long'
  | 'path-too-long'
  | 'too-deep';

/** The UTF-8 length of a well-formed string, without encoding it. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** True when `s` holds a C0 control, DEL or a C1 control: invisible, and unsafe in terminals and on disk. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function problem(reason: PathProblem, what: string, value: string, limit?: number): DistSpaceError {
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  const why: Record<PathProblem, string> = {
    'not-a-string': 'it is not a string',
    'lone-surrogate': 'it holds a lone UTF-16 surrogate',
    absolute: 'it starts with "/"; paths are relative to the workspace root',
    backslash: 'it holds a backslash; the separator is "/"',
    'control-character': 'it holds a control character (U+0000-U+001F or U+007F-U+009F)',
    'empty-segment': 'it has an empty segment ("//", or a "/" at the end)',
    'dot-segment': 'it has a "." or ".." segment; name every directory explicitly',
    'not-nfc': 'it is not in Unicode normal form NFC',
    'segment-too-long': `a name is longer than ${limit} UTF-8 bytes`,
    'path-too-long': `it is longer than ${limit} UTF-8 bytes`,
    'too-deep': `it has more than ${limit} segments`,
  };
  return new DistSpaceError('INVALID_PATH', `The ${what} ${shown} is not valid: ${why[reason]}.`, {
    reason,
    ...(limit === undefined ? {} : { limit }),
  });
}

/**
 * Checks one name (a path segment) exactly as it is, without normalising it: non-empty, not
 * `.` or `..`, no `/`, `\`, control character or lone surrogate, NFC, at most `maxBytes` UTF-8
 * bytes. Ops carry names that must be exact, so that every replica compares the same strings.
 *
 * @returns undefined when the name is valid, else the `INVALID_PATH` error
 */
export function checkName(name: unknown, maxBytes = MAX_NAME_BYTES): DistSpaceError | undefined {
  if (typeof name !== 'string') return problem('not-a-string', 'name', String(name));
  if (name.length === 0) return problem('empty-segment', 'name', name);
  if (name === '.' || name === '..') return problem('dot-segment', 'name', name);
  if (name.includes('/')) return problem('empty-segment', 'name', name);
  if (name.includes('\\')) return problem('backslash', 'name', name);
  if (hasControlCharacter(name)) return problem('control-character', 'name', name);
  if (!isWellFormed(name)) return problem('lone-surrogate', 'name', name);
  if (name.normalize('NFC') !== name) return problem('not-nfc', 'name', name);
  const limit = Math.min(maxBytes, MAX_NAME_BYTES);
  if (utf8Length(name) > limit) return problem('segment-too-long', 'name', name, limit);
  return undefined;
}

/**
 * Normalises a path given from outside: NFC, `/`-separated, relative to the root. Rejects with
 * `INVALID_PATH` (and `details.reason`, a {@link PathProblem}) a leading `/`, empty segments
 * (`a//b`, a trailing `/`), `.` and `..`, backslashes, NUL and other control characters, lone
 * surrogates, and paths over the {@link PathLimits}. The empty path `""` names the root.
 *
 * Names compare case-sensitively: `A.ts` and `a.ts` are two files. On a case-insensitive file
 * system (macOS and Windows by default) they would be one; see the package README.
 */
export function normalizePath(path: unknown, limits: PathLimits = {}): Result<string> {
  if (typeof path !== 'string') return err(problem('not-a-string', 'path', String(path)));
  if (path.length === 0) return ok('');
  if (!isWellFormed(path)) return err(problem('lone-surrogate', 'path', path));
  if (hasControlCharacter(path)) return err(problem('control-character', 'path', path));
  if (path.includes('\\')) return err(problem('backslash', 'path', path));
  if (path.startsWith('/')) return err(problem('absolute', 'path', path));
  const normal = path.normalize('NFC');
  const maxSegment = Math.min(
    limits.maxSegmentBytes ?? DEFAULT_PATH_LIMITS.maxSegmentBytes,
    MAX_NAME_BYTES,
  );
  const maxPath = limits.maxPathBytes ?? DEFAULT_PATH_LIMITS.maxPathBytes;
  const maxDepth = limits.maxDepth ?? DEFAULT_PATH_LIMITS.maxDepth;
  const segments = normal.split('/');
  if (segments.length > maxDepth) return err(problem('too-deep', 'path', path, maxDepth));
  for (const segment of segments) {
    if (segment.length === 0) return err(problem('empty-segment', 'path', path));
    if (segment === '.' || segment === '..') return err(problem('dot-segment', 'path', path));
    if (utf8Length(segment) > maxSegment) {
      return err(problem('segment-too-long', 'path', path, maxSegment));
    }
  }
  if (utf8Length(normal) > maxPath) return err(problem('path-too-long', 'path', path, maxPath));
  return ok(normal);
}

/** The names of a normalised path, root first; `[]` for the root path `""`. */
export function splitPath(path: string): string[] {
  return path.length === 0 ? [] : path.split('/');
}

/** The path made of `names` (each a valid name); `""` for none. */
export function joinPath(names: readonly string[]): string {
  return names.join('/');
}

/** The path of the directory holding `path`, `""` for a top-level name. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last name of a non-root path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `ancestor` or lies beneath it (both normalised; `""` is above all). */
export function isPathWithin(path: string, ancestor: string): boolean {
  if (ancestor.length === 0) return true;
  return path === ancestor || path.startsWith(`${ancestor}/`);
}
