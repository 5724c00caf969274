import { type Change, DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { applyWorkspaceChange } from './apply.js';
import { completeOp } from './context.js';
import type { IdGenerator, NodeId } from './ids.js';
import type { WorkspaceOp, WorkspaceOpDraft } from './ops.js';
import { baseName, normalizePath, type PathLimits, parentPath } from './paths.js';
import type { TreeNode } from './tree.js';
import type { Workspace } from './workspace.js';

/**
 * Builds a workspace change by path: each call resolves its paths against the state the calls
 * before it left, records the op (with its full context) and moves the state on. A call that
 * fails returns a typed error and changes nothing, so the ops recorded so far stay valid.
 *
 * ```ts
 * const b = new ChangeBuilder(ws, createIdGenerator('alice'));
 * b.createDir('src');
 * b.createFile('src/a.ts', 'export {};\n');
 * b.rename('src', 'lib');
 * send(b.change); // apply it locally with b.workspace
 * ```
 */
export class ChangeBuilder {
  private readonly ops: WorkspaceOp[] = [];
  private current: Workspace;

  /**
   * @param ws - the state the change starts from
   * @param newId - makes ids for created nodes
   * @param limits - path limits for the paths given to this builder
   */
  constructor(
    ws: Workspace,
    private readonly newId: IdGenerator,
    private readonly limits: PathLimits = {},
  ) {
    this.current = ws;
  }

  /** The workspace with the ops recorded so far applied. */
  get workspace(): Workspace {
    return this.current;
  }

  /** The ops recorded so far, as a change. */
  get change(): readonly WorkspaceOp[] {
    return this.ops.slice();
  }

  /**
   * Creates a file at `path` holding `content`.
   *
   * @returns its new id; `INVALID_PATH`, `NOT_FOUND` (no parent directory), `NOT_A_DIRECTORY`,
   * `ALREADY_EXISTS`
   */
  createFile(path: string, content = ''): Result<NodeId> {
    return this.create(path, (id, parent, name) => ({
      type: 'createFile',
      id,
      parent,
      name,
      content,
    }));
  }

  /** Creates an empty directory at `path`; errors as for {@link ChangeBuilder.createFile}. */
  createDir(path: string): Result<NodeId> {
    return this.create(path, (id, parent, name) => ({ type: 'createDir', id, parent, name }));
  }

  /**
   * Moves or renames the node at `from` to `to` (the full new path). Moving a node onto its own
   * path records nothing.
   *
   * @returns the node's id; `NOT_FOUND`, `ALREADY_EXISTS` (`to` is taken), `MOVE_INTO_DESCENDANT`,
   * `ROOT_IS_FIXED`, `NOT_A_DIRECTORY`, `INVALID_PATH`
   */
  move(from: string, to: string): Result<NodeId> {
    const node = this.existing(from);
    if (!node.ok) return node;
    const target = this.target(to);
    if (!target.ok) return target;
    const { parent, name } = target.value;
    if (node.value.parent === parent && node.value.name === name) return ok(node.value.id);
    return this.record({ type: 'move', id: node.value.id, parent, name });
  }

  /** Same as {@link ChangeBuilder.move}: a rename is a move within or across directories. */
  rename(from: string, to: string): Result<NodeId> {
    return this.move(from, to);
  }

  /** Deletes the file or directory (with everything beneath it) at `path`. */
  delete(path: string): Result<NodeId> {
    const node = this.existing(path);
    if (!node.ok) return node;
    return this.record({ type: 'delete', id: node.value.id });
  }

  /** Edits the file at `path` with an ot-core change; `NOT_A_FILE` for a directory. */
  edit(path: string, change: Change): Result<NodeId> {
    const node = this.existing(path);
    if (!node.ok) return node;
    if (node.value.kind !== 'file') {
      return err(
        new DistSpaceError('NOT_A_FILE', `"${path}" is a directory; only files can be edited.`, {
          path,
        }),
      );
    }
    return this.record({ type: 'edit', id: node.value.id, change });
  }

  private existing(path: string): Result<TreeNode> {
    const node = this.current.resolve(path, this.limits);
    if (!node.ok) return node;
    if (node.value.parent === null) {
      return err(
        new DistSpaceError(
          'ROOT_IS_FIXED',
          'The root directory cannot be moved, deleted or edited.',
        ),
      );
    }
    return node;
  }

  /** The parent id and name a new node at `path` gets, or why it cannot be there. */
  private target(path: string): Result<{ parent: NodeId; name: string }> {
    const normal = normalizePath(path, this.limits);
    if (!normal.ok) return normal;
    if (normal.value === '') {
      return err(
        new DistSpaceError(
          'INVALID_PATH',
          'The root path "" cannot be the target of a create or move.',
          { reason: 'root' },
        ),
      );
    }
    const parent = this.current.resolve(parentPath(normal.value), this.limits);
    if (!parent.ok) return parent;
    if (parent.value.kind !== 'dir') {
      return err(
        new DistSpaceError(
          'NOT_A_DIRECTORY',
          `"${parentPath(normal.value)}" is a file, so "${normal.value}" cannot be created in it.`,
          {
            path: normal.value,
          },
        ),
      );
    }
    return ok({ parent: parent.value.id, name: baseName(normal.value) });
  }

  private create(
    path: string,
    make: (id: NodeId, parent: NodeId, name: string) => WorkspaceOpDraft,
  ): Result<NodeId> {
    const target = this.target(path);
    if (!target.ok) return target;
    const existing = this.current.childId(target.value.parent, target.value.name);
    if (existing !== undefined) {
      return err(
        new DistSpaceError('ALREADY_EXISTS', `"${path}" already exists.`, { path, id: existing }),
      );
    }
    return this.record(make(this.newId(), target.value.parent, target.value.name));
  }

  private record(draft: WorkspaceOpDraft): Result<NodeId> {
    const op = completeOp(this.current, draft);
    if (!op.ok) return op;
    const next = applyWorkspaceChange(this.current, [op.value]);
    if (!next.ok) {
      const e = next.error;
      // Apply's message names "Op 0"; a builder call is one op, so say what failed directly.
      const why = e.message.replace(/^Op 0 \([^)]*\): /, '');
      return err(new DistSpaceError(e.code, why.charAt(0).toUpperCase() + why.slice(1), e.details));
    }
    this.ops.push(op.value);
    this.current = next.value;
    return ok(op.value.id);
  }
}
