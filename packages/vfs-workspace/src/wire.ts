import {
  changeToWire,
  DistSpaceError,
  err,
  isWellFormed,
  ok,
  parseChange,
  type Result,
} from '@dist-space/ot-core';
import { isNodeId, type NodeId, ROOT_ID } from './ids.js';
import { resolveLimits, type WorkspaceLimits } from './limits.js';
import type { NodeSnapshot, Placement, WorkspaceChange, WorkspaceOp } from './ops.js';
import { checkName } from './paths.js';
import type { WireSnapshot, WireWorkspaceOp } from './wire-types.js';

function snapshotToWire(s: NodeSnapshot): WireSnapshot {
  return s.kind === 'file'
    ? [s.id, s.name, s.content]
    : [s.id, s.name, s.children.map(snapshotToWire)];
}

/** Converts a workspace op to its compact {@link WireWorkspaceOp} tuple. */
export function workspaceOpToWire(op: WorkspaceOp): WireWorkspaceOp {
  switch (op.type) {
    case 'createFile':
      return [0, op.id, op.parent, op.name, op.ancestors, op.content];
    case 'createDir':
      return [1, op.id, op.parent, op.name, op.ancestors];
    case 'delete':
      return [2, op.id, op.parent, op.name, op.ancestors, snapshotToWire(op.removed)];
    case 'move':
      return [
        3,
        op.id,
        op.parent,
        op.name,
        op.ancestors,
        op.from.parent,
        op.from.name,
        op.from.ancestors,
      ];
    case 'edit':
      return [4, op.id, changeToWire(op.change)];
  }
}

/** Converts a workspace change to an array of {@link WireWorkspaceOp} tuples, for msgpack or JSON. */
export function workspaceChangeToWire(change: WorkspaceChange): WireWorkspaceOp[] {
  return change.map(workspaceOpToWire);
}

type Limits = ReturnType<typeof resolveLimits>;

/** Reads untrusted ops, counting the text they carry against the change's limit. */
class OpReader {
  text = 0;
  constructor(
    private readonly limits: Limits,
    private readonly index: number,
  ) {}

  fail(
    why: string,
    code: 'INVALID_OP' | 'LIMIT_EXCEEDED' | 'INVALID_PATH' | 'SPLITS_SURROGATE_PAIR' = 'INVALID_OP',
  ): DistSpaceError {
    return new DistSpaceError(code, `Workspace op ${this.index} is not valid: ${why}.`, {
      index: this.index,
    });
  }

  id(value: unknown, field: string): NodeId | DistSpaceError {
    return isNodeId(value) ? value : this.fail(`${field} must be a node id such as "alice:7"`);
  }

  dir(value: unknown, field: string): NodeId | DistSpaceError {
    return value === ROOT_ID || isNodeId(value)
      ? (value as NodeId)
      : this.fail(`${field} must be a node id or "${ROOT_ID}"`);
  }

  name(value: unknown): string | DistSpaceError {
    const bad = checkName(value, this.limits.path.maxSegmentBytes);
    if (bad === undefined) return value as string;
    return new DistSpaceError(
      'INVALID_PATH',
      `Workspace op ${this.index} has an invalid name: ${bad.message}`,
      {
        ...bad.details,
        index: this.index,
      },
    );
  }

  content(value: unknown, field: string): string | DistSpaceError {
    if (typeof value !== 'string') return this.fail(`${field} must be a string`);
    if (value.length > this.limits.maxFileSize) {
      return this.fail(
        `${field} is longer than the ${this.limits.maxFileSize} code units a file may hold`,
        'LIMIT_EXCEEDED',
      );
    }
    if (!isWellFormed(value))
      return this.fail(`${field} holds a lone surrogate`, 'SPLITS_SURROGATE_PAIR');
    this.text += value.length;
    if (this.text > this.limits.maxChangeTextLength) {
      return this.fail(
        `the change carries more than ${this.limits.maxChangeTextLength} code units of text`,
        'LIMIT_EXCEEDED',
      );
    }
    return value;
  }

  placement(parent: unknown, name: unknown, ancestors: unknown): Placement | DistSpaceError {
    const p = this.dir(parent, 'parent');
    if (p instanceof DistSpaceError) return p;
    const n = this.name(name);
    if (n instanceof DistSpaceError) return n;
    if (!Array.isArray(ancestors) || ancestors.length > this.limits.path.maxDepth) {
      return this.fail(`ancestors must be an array of at most ${this.limits.path.maxDepth} ids`);
    }
    for (const a of ancestors) {
      const checked = this.dir(a, 'each ancestor');
      if (checked instanceof DistSpaceError) return checked;
    }
    // The chain above a directory ends at the root and never repeats: anything else fits no
    // workspace, and would only make the transform work on nonsense.
    const chain = [p, ...(ancestors as NodeId[])];
    if (chain[chain.length - 1] !== ROOT_ID || new Set(chain).size !== chain.length) {
      return this.fail('the parent and its ancestors must be distinct and end with the root');
    }
    return { parent: p, name: n, ancestors: ancestors.slice() as NodeId[] };
  }

  /** A snapshot, depth-first, bounded in depth and node count. */
  snapshot(
    value: unknown,
    depth: number,
    budget: { nodes: number },
  ): NodeSnapshot | DistSpaceError {
    if (depth > this.limits.path.maxDepth)
      return this.fail(
        `a deleted subtree is deeper than ${this.limits.path.maxDepth}`,
        'LIMIT_EXCEEDED',
      );
    if (--budget.nodes < 0)
      return this.fail(
        `a deleted subtree has more than ${this.limits.maxNodes} nodes`,
        'LIMIT_EXCEEDED',
      );
    let id: unknown;
    let name: unknown;
    let body: unknown;
    if (Array.isArray(value) && value.length === 3) [id, name, body] = value;
    else if (typeof value === 'object' && value !== null) {
      const o = value as Record<string, unknown>;
      [id, name, body] = [
        o.id,
        o.name,
        o.kind === 'file' ? o.content : o.kind === 'dir' ? o.children : undefined,
      ];
      if (typeof body === 'string' && o.kind !== 'file') body = undefined;
    } else return this.fail('a snapshot node must be [id, name, content | children] or an object');
    const checkedId = this.id(id, 'a snapshot id');
    if (checkedId instanceof DistSpaceError) return checkedId;
    const checkedName = this.name(name);
    if (checkedName instanceof DistSpaceError) return checkedName;
    if (typeof body === 'string') {
      const content = this.content(body, 'a file snapshot');
      return content instanceof DistSpaceError
        ? content
        : { kind: 'file', id: checkedId, name: checkedName, content };
    }
    if (!Array.isArray(body))
      return this.fail('a snapshot node holds a content string or an array of children');
    const children: NodeSnapshot[] = [];
    const names = new Set<string>();
    for (const child of body) {
      const c = this.snapshot(child, depth + 1, budget);
      if (c instanceof DistSpaceError) return c;
      if (names.has(c.name))
        return this.fail(`a snapshot directory has two entries named "${c.name}"`);
      names.add(c.name);
      children.push(c);
    }
    return { kind: 'dir', id: checkedId, name: checkedName, children };
  }

  op(value: unknown): WorkspaceOp | DistSpaceError {
    const fields = toFields(value);
    if (fields === undefined)
      return this.fail('an op must be a tuple led by 0..4 or an object with a known type');
    const { type, id, parent, name, ancestors } = fields;
    if (type === 'edit') {
      const checkedId = this.id(id, 'id');
      if (checkedId instanceof DistSpaceError) return checkedId;
      const change = parseChange(fields.change, this.limits.edit);
      if (!change.ok) {
        const e = change.error;
        return new DistSpaceError(e.code, `Workspace op ${this.index} (edit): ${e.message}`, {
          ...e.details,
          index: this.index,
          textOpIndex: e.details.index,
        });
      }
      for (const op of change.value)
        this.text +=
          (op.type === 'delete' ? 0 : op.text.length) +
          (op.type === 'insert' ? 0 : (op.deleted?.length ?? 0));
      if (this.text > this.limits.maxChangeTextLength) {
        return this.fail(
          `the change carries more than ${this.limits.maxChangeTextLength} code units of text`,
          'LIMIT_EXCEEDED',
        );
      }
      return { type: 'edit', id: checkedId, change: change.value };
    }
    const checkedId = this.id(id, 'id');
    if (checkedId instanceof DistSpaceError) return checkedId;
    const at = this.placement(parent, name, ancestors);
    if (at instanceof DistSpaceError) return at;
    if (at.parent === checkedId || at.ancestors.includes(checkedId)) {
      return this.fail('a node cannot be placed inside itself');
    }
    switch (type) {
      case 'createFile': {
        const content = this.content(fields.content, 'content');
        return content instanceof DistSpaceError
          ? content
          : { type, id: checkedId, ...at, content };
      }
      case 'createDir':
        return { type, id: checkedId, ...at };
      case 'delete': {
        const removed = this.snapshot(fields.removed, 0, { nodes: this.limits.maxNodes });
        if (removed instanceof DistSpaceError) return removed;
        if (removed.id !== checkedId || removed.name !== at.name)
          return this.fail(
            'the deleted subtree must be rooted at the deleted node, under its name',
          );
        return { type, id: checkedId, ...at, removed };
      }
      case 'move': {
        const from = fields.from as
          | { parent?: unknown; name?: unknown; ancestors?: unknown }
          | undefined;
        if (typeof from !== 'object' || from === null)
          return this.fail('a move needs its old placement');
        const old = this.placement(from.parent, from.name, from.ancestors);
        if (old instanceof DistSpaceError) return old;
        if (old.parent === checkedId || old.ancestors.includes(checkedId)) {
          return this.fail('a node cannot have been inside itself');
        }
        return { type, id: checkedId, ...at, from: old };
      }
    }
  }
}

/** The fields of an op in either plain form, or undefined when it is neither. */
function toFields(
  value: unknown,
): (Record<string, unknown> & { type: WorkspaceOp['type'] }) | undefined {
  if (Array.isArray(value)) {
    const [kind, id, a, b, c, d, e, f] = value as unknown[];
    const lengths = [6, 5, 6, 8, 3];
    if (typeof kind !== 'number' || lengths[kind] !== value.length) return undefined;
    switch (kind) {
      case 0:
        return { type: 'createFile', id, parent: a, name: b, ancestors: c, content: d };
      case 1:
        return { type: 'createDir', id, parent: a, name: b, ancestors: c };
      case 2:
        return { type: 'delete', id, parent: a, name: b, ancestors: c, removed: d };
      case 3:
        return {
          type: 'move',
          id,
          parent: a,
          name: b,
          ancestors: c,
          from: { parent: d, name: e, ancestors: f },
        };
      case 4:
        return { type: 'edit', id, change: a };
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const types = ['createFile', 'createDir', 'delete', 'move', 'edit'];
  return types.includes(o.type as string)
    ? (o as Record<string, unknown> & { type: WorkspaceOp['type'] })
    : undefined;
}

/**
 * Reads a workspace change from untrusted data (an array of ops, each a {@link WireWorkspaceOp}
 * tuple or the plain object form), enforcing {@link WorkspaceLimits}: ops per change, file size,
 * text per change, names and depth (the path limits), deleted subtree size, and ot-core's limits
 * on each edit. Never throws. Whether the ops fit a workspace is checked when they are applied.
 *
 * @returns the change, or `INVALID_OP`, `INVALID_PATH`, `SPLITS_SURROGATE_PAIR` or
 * `LIMIT_EXCEEDED` with `details.index` the op's index
 */
export function parseWorkspaceChange(
  value: unknown,
  limits: WorkspaceLimits = {},
): Result<WorkspaceOp[]> {
  const resolved = resolveLimits(limits);
  if (!Array.isArray(value))
    return err(new DistSpaceError('INVALID_OP', 'A workspace change must be an array of ops.'));
  if (value.length > resolved.maxOpsPerChange) {
    return err(
      new DistSpaceError(
        'LIMIT_EXCEEDED',
        `A workspace change may hold at most ${resolved.maxOpsPerChange} ops; this one has ${value.length}.`,
        {
          limit: resolved.maxOpsPerChange,
          actual: value.length,
        },
      ),
    );
  }
  const ops: WorkspaceOp[] = [];
  let text = 0;
  for (let i = 0; i < value.length; i++) {
    const reader = new OpReader(resolved, i);
    reader.text = text;
    const op = reader.op(value[i]);
    if (op instanceof DistSpaceError) return err(op);
    text = reader.text;
    ops.push(op);
  }
  return ok(ops);
}
