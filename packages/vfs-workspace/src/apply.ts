import {
  type Change,
  DistSpaceError,
  type ErrorCode,
  err,
  isWellFormed,
  ok,
  type Result,
  Text,
  tryApply,
} from '@dist-space/ot-core';
import type { Draft } from 'immer';
import { isNameAllowedFor } from './conflict-name.js';
import { isNodeId, type NodeId, ROOT_ID } from './ids.js';
import type { NodeSnapshot, Placement, WorkspaceChange, WorkspaceOp } from './ops.js';
import { checkName } from './paths.js';
import type { PersistentMap } from './persistent-map.js';
import {
  ancestorsAbove,
  type DirNode,
  dropNode,
  emptyRecord,
  freezeChanges,
  getNode,
  putNode,
  type TreeNode,
  treeImmer,
  type WorkspaceTree,
} from './tree.js';
import { Workspace } from './workspace.js';

/** Limits checked on the workspace a change produces. */
export interface ApplyOptions {
  /** Most nodes (files and directories) the result may hold. Unlimited when absent. */
  readonly maxNodes?: number;
  /** Most code units in a file the change creates or edits. Unlimited when absent. */
  readonly maxFileSize?: number;
}

function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (!Array.isArray(a) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Where `snapshot` differs from the subtree of its id in the state, as a short description, or
 * undefined when they match exactly (ids, kinds, names, entries, contents).
 */
function snapshotMismatch(
  tree: WorkspaceTree,
  docs: PersistentMap<Text>,
  snapshot: NodeSnapshot,
): string | undefined {
  const node = getNode(tree, snapshot.id);
  if (node === undefined) return `${snapshot.id} does not exist`;
  if (node.kind !== snapshot.kind)
    return `${snapshot.id} is a ${node.kind}, not a ${snapshot.kind}`;
  if (node.name !== snapshot.name)
    return `${snapshot.id} is named "${node.name}", not "${snapshot.name}"`;
  if (snapshot.kind === 'file') {
    const text = docs.get(snapshot.id) ?? Text.empty;
    return text.equals(snapshot.content) ? undefined : `the content of ${snapshot.id} differs`;
  }
  const children = (node as DirNode).children;
  if (Object.keys(children).length !== snapshot.children.length) {
    return `${snapshot.id} has ${Object.keys(children).length} entries, not ${snapshot.children.length}`;
  }
  for (const child of snapshot.children) {
    if (children[child.name] !== child.id)
      return `${snapshot.id} has no entry ${child.id} named "${child.name}"`;
    const inner = snapshotMismatch(tree, docs, child);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** One change being applied: the tree is drafted with immer only when a tree op comes. */
class ApplySession {
  private draft: Draft<WorkspaceTree> | null = null;
  docs: PersistentMap<Text>;
  /** Files created or edited, for the size limit. */
  readonly written: Set<NodeId> | null;

  constructor(
    private readonly base: Workspace,
    trackWrites: boolean,
  ) {
    this.docs = base.documents;
    this.written = trackWrites ? new Set() : null;
  }

  /** The tree as it is now: the base tree, or the draft once a tree op has come. */
  get tree(): WorkspaceTree {
    return this.draft === null ? this.base.tree : (this.draft as WorkspaceTree);
  }

  private get mutable(): Draft<WorkspaceTree> {
    if (this.draft === null) this.draft = treeImmer.createDraft(this.base.tree);
    return this.draft;
  }

  finish(): Workspace {
    if (this.draft === null) return new Workspace(this.base.tree, this.docs);
    const tree = treeImmer.finishDraft(this.draft) as WorkspaceTree;
    freezeChanges(this.base.tree, tree);
    return new Workspace(tree, this.docs);
  }

  /** The op being applied and its index, for error messages. */
  private op: WorkspaceOp | undefined;
  private index = 0;

  /** The error of the current op (a method, not a closure per op: keystrokes allocate less). */
  private readonly fail: Fail = (code, why, details = {}) => {
    const op = this.op;
    return new DistSpaceError(
      code,
      `Op ${this.index} (${String(op?.type)} of ${String(op?.id)}): ${why}.`,
      {
        index: this.index,
        id: op?.id,
        ...details,
      },
    );
  };

  apply(op: WorkspaceOp, index: number): DistSpaceError | undefined {
    this.op = op;
    this.index = index;
    const fail = this.fail;
    switch (op?.type) {
      case 'createFile':
      case 'createDir':
        return this.create(op, fail);
      case 'delete':
        return this.remove(op, fail);
      case 'move':
        return this.move(op, fail);
      case 'edit':
        return this.edit(op.id, op.change, index, fail);
      default:
        return fail(
          'INVALID_OP',
          'the op type must be createFile, createDir, delete, move or edit',
        );
    }
  }

  /** Checks that a node `id` may be placed at `p`; `self` when `id` may already hold the name. */
  private checkTarget(p: Placement, id: NodeId, fail: Fail): DistSpaceError | undefined {
    const parent = getNode(this.tree, p.parent);
    if (parent === undefined)
      return fail('NOT_FOUND', `the parent directory ${p.parent} does not exist`);
    if (parent.kind !== 'dir') return fail('NOT_A_DIRECTORY', `the parent ${p.parent} is a file`);
    const bad = checkName(p.name);
    if (bad !== undefined) return fail('INVALID_PATH', bad.message, bad.details);
    if (!isNameAllowedFor(p.name, id)) {
      return fail(
        'RESERVED_NAME',
        `the name "${p.name}" carries the conflict marker of another node`,
      );
    }
    if (!sameIds(p.ancestors, ancestorsAbove(this.tree, p.parent))) {
      return fail('CONTEXT_MISMATCH', `the ancestors it carries are not those of ${p.parent}`);
    }
    const occupant = parent.children[p.name];
    if (occupant !== undefined && occupant !== id) {
      return fail(
        'ALREADY_EXISTS',
        `"${p.name}" already exists in ${p.parent} (it is ${occupant})`,
      );
    }
    return undefined;
  }

  private checkPlaced(p: Placement, id: NodeId, fail: Fail): DistSpaceError | undefined {
    const node = getNode(this.tree, id);
    if (
      node === undefined ||
      node.parent !== p.parent ||
      node.name !== p.name ||
      !sameIds(p.ancestors, ancestorsAbove(this.tree, p.parent))
    ) {
      return fail('CONTEXT_MISMATCH', 'the place it says the node is at is not where the node is');
    }
    return undefined;
  }

  private existing(id: NodeId, fail: Fail): DistSpaceError | undefined {
    if (id === ROOT_ID)
      return fail('ROOT_IS_FIXED', 'the root directory cannot be moved or deleted');
    if (getNode(this.tree, id) === undefined) {
      return fail('NOT_FOUND', `no node ${String(id)} exists`);
    }
    return undefined;
  }

  private create(
    op: Extract<WorkspaceOp, { type: 'createFile' | 'createDir' }>,
    fail: Fail,
  ): DistSpaceError | undefined {
    if (op.id === ROOT_ID) return fail('ROOT_IS_FIXED', 'the root directory cannot be created');
    if (!isNodeId(op.id))
      return fail('INVALID_OP', 'the id must be of the form <clientId>:<counter>');
    if (getNode(this.tree, op.id) !== undefined)
      return fail('ALREADY_EXISTS', `node ${op.id} already exists`);
    const bad = this.checkTarget(op, op.id, fail);
    if (bad !== undefined) return bad;
    if (op.type === 'createFile') {
      if (typeof op.content !== 'string') return fail('INVALID_OP', 'the content must be a string');
      if (!isWellFormed(op.content)) {
        return fail(
          'SPLITS_SURROGATE_PAIR',
          'the content holds a lone surrogate; text must be well-formed UTF-16',
        );
      }
    }
    const tree = this.mutable;
    const node: TreeNode =
      op.type === 'createFile'
        ? { kind: 'file', id: op.id, parent: op.parent, name: op.name }
        : { kind: 'dir', id: op.id, parent: op.parent, name: op.name, children: emptyRecord() };
    putNode(tree, node);
    (getNode(tree as WorkspaceTree, op.parent) as Draft<DirNode>).children[op.name] = op.id;
    tree.count++;
    if (op.type === 'createFile') {
      this.docs = this.docs.set(op.id, Text.of(op.content));
      this.written?.add(op.id);
    }
    return undefined;
  }

  private move(op: Extract<WorkspaceOp, { type: 'move' }>, fail: Fail): DistSpaceError | undefined {
    const missing = this.existing(op.id, fail);
    if (missing !== undefined) return missing;
    const placed = this.checkPlaced(op.from, op.id, fail);
    if (placed !== undefined) return placed;
    if (op.parent === op.id || (Array.isArray(op.ancestors) && op.ancestors.includes(op.id))) {
      return fail(
        'MOVE_INTO_DESCENDANT',
        'a directory cannot be moved into itself or its own subtree',
      );
    }
    const bad = this.checkTarget(op, op.id, fail);
    if (bad !== undefined) return bad;
    if (op.parent === op.from.parent && op.name === op.from.name) return undefined;
    const tree = this.mutable;
    const dirOf = (id: NodeId) => getNode(tree as WorkspaceTree, id) as Draft<DirNode>;
    delete dirOf(op.from.parent).children[op.from.name];
    dirOf(op.parent).children[op.name] = op.id;
    const node = getNode(tree as WorkspaceTree, op.id) as Draft<TreeNode>;
    node.parent = op.parent;
    node.name = op.name;
    return undefined;
  }

  private remove(
    op: Extract<WorkspaceOp, { type: 'delete' }>,
    fail: Fail,
  ): DistSpaceError | undefined {
    const missing = this.existing(op.id, fail);
    if (missing !== undefined) return missing;
    const placed = this.checkPlaced(op, op.id, fail);
    if (placed !== undefined) return placed;
    if (op.removed?.id !== op.id || op.removed.name !== op.name) {
      return fail(
        'CONTEXT_MISMATCH',
        'the subtree it records is not rooted at the node it deletes',
      );
    }
    const mismatch = snapshotMismatch(this.tree, this.docs, op.removed);
    if (mismatch !== undefined) {
      return fail(
        'CONTEXT_MISMATCH',
        `the subtree it records differs from the workspace: ${mismatch}`,
      );
    }
    const tree = this.mutable;
    delete (getNode(tree as WorkspaceTree, op.parent) as Draft<DirNode>).children[op.name];
    const stack: NodeSnapshot[] = [op.removed];
    while (stack.length > 0) {
      const s = stack.pop()!;
      dropNode(tree, s.id);
      tree.count--;
      if (s.kind === 'file') {
        this.docs = this.docs.delete(s.id);
        this.written?.delete(s.id);
      } else stack.push(...s.children);
    }
    return undefined;
  }

  private edit(id: NodeId, change: Change, index: number, fail: Fail): DistSpaceError | undefined {
    const node = getNode(this.tree, id);
    if (node === undefined) return fail('NOT_FOUND', `no file ${String(id)} exists`);
    if (node.kind !== 'file')
      return fail('NOT_A_FILE', `${id} is a directory; only files can be edited`);
    if (!Array.isArray(change))
      return fail('INVALID_OP', 'the text change must be an array of ops');
    const result = tryApply(this.docs.get(id) ?? Text.empty, change);
    if (!result.ok) {
      return new DistSpaceError(
        result.error.code,
        `Op ${index} (edit of ${id}): ${result.error.message}`,
        {
          ...result.error.details,
          index,
          id,
          textOpIndex: result.error.details.index,
        },
      );
    }
    this.docs = this.docs.set(id, result.value);
    this.written?.add(id);
    return undefined;
  }
}

type Fail = (code: ErrorCode, why: string, details?: Record<string, unknown>) => DistSpaceError;

/**
 * Applies a workspace change: each op in order, atomically. The tree is drafted with immer
 * only if the change has a tree op; an edit-only change touches the documents alone and returns
 * a workspace with the very same `tree`. Every op is checked against the state it applies to,
 * including the context it carries (see {@link WorkspaceOp}); nothing is applied if one fails.
 *
 * @returns the new workspace, or the first op's error: `NOT_FOUND`, `ALREADY_EXISTS`,
 * `NOT_A_DIRECTORY`, `NOT_A_FILE`, `INVALID_PATH`, `RESERVED_NAME`, `MOVE_INTO_DESCENDANT`,
 * `ROOT_IS_FIXED`, `CONTEXT_MISMATCH`, `INVALID_OP`, `LIMIT_EXCEEDED` or an ot-core text error,
 * with `details.index` the op's index
 */
export function applyWorkspaceChange(
  ws: Workspace,
  change: WorkspaceChange,
  options: ApplyOptions = {},
): Result<Workspace> {
  if (!Array.isArray(change)) {
    return err(new DistSpaceError('INVALID_OP', 'A workspace change must be an array of ops.'));
  }
  const session = new ApplySession(ws, options.maxFileSize !== undefined);
  for (let i = 0; i < change.length; i++) {
    const error = session.apply(change[i]!, i);
    if (error !== undefined) return err(error);
  }
  const result = session.finish();
  if (options.maxNodes !== undefined && result.size > options.maxNodes) {
    return err(
      new DistSpaceError(
        'LIMIT_EXCEEDED',
        `The change would leave ${result.size} files and directories; the limit is ${options.maxNodes}.`,
        { limit: options.maxNodes, actual: result.size },
      ),
    );
  }
  if (options.maxFileSize !== undefined) {
    for (const id of session.written ?? []) {
      const length = result.text(id)?.length ?? 0;
      if (length > options.maxFileSize) {
        return err(
          new DistSpaceError(
            'LIMIT_EXCEEDED',
            `The change would make file ${id} ${length} code units long; the limit is ${options.maxFileSize}.`,
            { limit: options.maxFileSize, actual: length, id },
          ),
        );
      }
    }
  }
  return ok(result);
}
