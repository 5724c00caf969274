import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import {
  hasTreeOp,
  normalizePath,
  touchedPathsOfApplied,
  type Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import { parseScope, type Scope, type Verb } from './scope.js';

/** One thing an action needs: a verb on a path. */
export interface Requirement {
  readonly verb: Verb;
  readonly path: string;
}

type PathScope = Extract<Scope, { kind: 'path' }>;

const OK: Result<void> = ok(undefined);

/**
 * What one session may do: a set of parsed scopes. A path is allowed for a verb when some grant
 * of that verb matches it and no deny of that verb does (deny always wins). Paths are normalised
 * (NFC) and validated before any glob sees them, so `src/../secret`, `./x`, `a//b` and a
 * decomposed spelling of a name are refused or matched as their normal form, never slipped past
 * a glob. Verbs are independent: `write` does not imply `read`, and `admin` grants no path.
 */
export class Capabilities {
  /** The scopes, as parsed. */
  readonly scopes: readonly Scope[];
  /** True when the `admin` scope is present. */
  readonly isAdmin: boolean;
  private readonly grants: Record<Verb, PathScope[]>;
  private readonly denies: Record<Verb, PathScope[]>;
  /** Verbs granted on every path (`verb:**`) with no deny: their checks need no glob. */
  private readonly everywhere: Record<Verb, boolean>;
  /** Every verb granted everywhere: a change needs no walk of its paths at all. */
  private readonly unrestricted: boolean;

  private constructor(scopes: readonly Scope[]) {
    this.scopes = scopes;
    this.isAdmin = scopes.some((s) => s.kind === 'admin');
    this.grants = { read: [], write: [], create: [], delete: [] };
    this.denies = { read: [], write: [], create: [], delete: [] };
    for (const s of scopes) {
      if (s.kind === 'path') (s.deny ? this.denies : this.grants)[s.verb].push(s);
    }
    const everywhere = (verb: Verb) =>
      this.denies[verb].length === 0 &&
      this.grants[verb].some((s) => s.glob === '**' || s.glob === '**/*');
    this.everywhere = {
      read: everywhere('read'),
      write: everywhere('write'),
      create: everywhere('create'),
      delete: everywhere('delete'),
    };
    this.unrestricted = Object.values(this.everywhere).every(Boolean);
  }

  /**
   * Parses a list of scope strings (see {@link parseScope} for the grammar).
   *
   * @returns the capabilities, or `INVALID_SCOPE` for the first bad scope
   */
  static parse(scopes: readonly unknown[]): Result<Capabilities> {
    if (!Array.isArray(scopes)) {
      return err(new DistSpaceError('INVALID_SCOPE', 'Scopes must be given as a list of strings.'));
    }
    const parsed: Scope[] = [];
    for (const text of scopes) {
      const scope = parseScope(text);
      if (!scope.ok) return scope;
      parsed.push(scope.value);
    }
    return ok(new Capabilities(parsed));
  }

  /** Capabilities that allow nothing. */
  static readonly none: Capabilities = new Capabilities([]);

  /**
   * True when `verb` is allowed on `path`. A path that is not a valid workspace path is never
   * allowed.
   */
  allows(verb: Verb, path: string): boolean {
    return this.check(verb, path).ok;
  }

  /**
   * Checks one verb on one path.
   *
   * @returns the normalised path, or `INVALID_PATH` (from vfs-workspace) for a path that is not
   * a valid relative workspace path, or `PERMISSION_DENIED` naming the path and the scope missing
   * or the deny scope that forbids it
   */
  check(verb: Verb, path: string): Result<string> {
    const normal = normalizePath(path);
    if (!normal.ok) return normal;
    const denied = this.denial(verb, normal.value);
    return denied ? err(denied) : ok(normal.value);
  }

  /** Why `verb` is not allowed on the normalised path `p`; undefined when it is. */
  private denial(verb: Verb, p: string): DistSpaceError | undefined {
    const deny = this.denies[verb].find((s) => s.matches(p));
    if (deny) {
      return new DistSpaceError(
        'PERMISSION_DENIED',
        `Permission denied: ${verb} on '${p}' is forbidden by the scope '${deny.source}'.`,
        { verb, path: p, deniedBy: deny.source },
      );
    }
    if (this.grants[verb].some((s) => s.matches(p))) return undefined;
    const held = this.grants[verb].map((s) => s.source);
    return new DistSpaceError(
      'PERMISSION_DENIED',
      `Permission denied: ${verb} on '${p}' needs a scope such as '${verb}:${p}'; this session's ${verb} scopes are ${held.length ? held.join(', ') : 'none'}.`,
      { verb, path: p, missingScope: `${verb}:${p}` },
    );
  }

  /**
   * True when the session may see that the directory at `path` exists (its name, not what it
   * holds): when `read` is granted on it, or it lies on the way to what a read grant can match
   * (`src` and `src/lib` for `read:src/lib/**`; every directory for `read:**\/*.md`), and no read
   * deny matches it. The root (`''`) is always visible. The names of directories on such paths
   * are visible even when they turn out to hold nothing readable; files never are.
   */
  mayList(path: string): boolean {
    if (path === '') return true;
    const normal = normalizePath(path);
    if (!normal.ok) return false;
    const p = normal.value;
    if (this.denies.read.some((s) => s.matches(p))) return false;
    return this.grants.read.some(
      (s) =>
        s.matches(p) ||
        s.base === p ||
        s.base.startsWith(`${p}/`) ||
        (s.deep && (s.base === '' || p.startsWith(`${s.base}/`))),
    );
  }

  /**
   * True when no read deny exists and `read:**` (or an equivalent grant) is held: the session
   * sees the whole workspace, so nothing it receives needs filtering.
   */
  get readsEverything(): boolean {
    return (
      this.denies.read.length === 0 &&
      this.grants.read.some((s) => s.glob === '**' || s.glob === '**/*')
    );
  }

  /**
   * Checks every requirement; a change is allowed only as a whole.
   *
   * @returns ok, or the first failure of {@link Capabilities.check}
   */
  checkAll(requirements: Iterable<Requirement>): Result<void> {
    for (const { verb, path } of requirements) {
      const result = this.check(verb, path);
      if (!result.ok) return result;
    }
    return OK;
  }

  /**
   * Checks a change against these capabilities on the state it applies to: every path it
   * touches needs the verb it touches it with (vfs-workspace's `touchedPathsOfApplied`: a rename
   * needs delete on the source and create on the target, a directory delete needs delete on
   * everything beneath). The server checks every Submit so, after transforming it; a client that
   * knows its session's scopes checks its own changes so before sending them (on every
   * keystroke: a session granted every verb everywhere passes without a walk, and a verb granted
   * everywhere needs no glob).
   *
   * Every path the change creates or moves something to must also be within the default path
   * limits (depth and length, see vfs-workspace's `normalizePath`): apply does not hold a tree
   * to them, since two concurrent moves can nest deeper than either alone.
   *
   * @returns ok; `INVALID_PATH` for a path made too deep or too long; `PERMISSION_DENIED` for the
   * first path not allowed (see {@link Capabilities.check}); for a change with a tree op that
   * does not apply to `state`, the error of its first op that does not (edits of a file that is
   * not there touch no path, and pass)
   */
  checkChange(state: Workspace, change: WorkspaceChange): Result<void> {
    if (this.unrestricted && !hasTreeOp(change)) return OK;
    const touched = touchedPathsOfApplied(state, change);
    if (!touched.ok) return touched;
    // The paths come from the state, where every name is valid and normalised: for a verb they
    // need no normalising (on every keystroke of a session with globs, that was most of the
    // check). Only the paths tree ops make are checked against the limits.
    for (const { access, path } of touched.value) {
      if (access === 'create') {
        const within = normalizePath(path);
        if (!within.ok) return within;
      }
      if (this.everywhere[access]) continue;
      const denied = this.denial(access, path);
      if (denied) return err(denied);
    }
    return OK;
  }

  /**
   * Checks the `admin` scope, for admin messages.
   *
   * @returns ok, or `PERMISSION_DENIED` naming the missing `admin` scope
   */
  checkAdmin(action: string): Result<void> {
    if (this.isAdmin) return OK;
    return err(
      new DistSpaceError(
        'PERMISSION_DENIED',
        `Permission denied: ${action} is an admin action and needs the 'admin' scope.`,
        { action, missingScope: 'admin' },
      ),
    );
  }

  /** The scopes as strings, as they would be written in a token (aliases expanded). */
  toStrings(): string[] {
    return this.scopes.map((s) => s.source);
  }
}
