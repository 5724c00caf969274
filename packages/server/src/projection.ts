import {
  applyWorkspaceChange,
  hasTreeOp,
  type NodeId,
  type NodeSnapshot,
  ROOT_ID,
  Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';

// A session that may not read the whole workspace sees a projection of it: only the nodes it
// may see. Visibility depends on a node's path alone (a readable file, or a directory on the way
// to what a read grant can match) and on its ancestors being visible, so an op changes the
// visibility of its own node and, for a move, of the subtree it carries, and nothing else. That
// lets a change be projected op by op into a change on the projected state.

/** What a session may see, by path: see `Capabilities.allows('read', …)` and `mayList`. */
export interface Visibility {
  file(path: string): boolean;
  dir(path: string): boolean;
}

/** Caches the visibility of the nodes of one workspace version. */
class VisibleSet {
  private readonly known = new Map<NodeId, boolean>();

  constructor(
    readonly ws: Workspace,
    private readonly visibility: Visibility,
  ) {}

  has(id: NodeId): boolean {
    if (id === ROOT_ID) return true;
    const cached = this.known.get(id);
    if (cached !== undefined) return cached;
    const node = this.ws.node(id);
    let visible = false;
    if (node !== undefined && node.parent !== null && this.has(node.parent)) {
      const path = this.ws.pathOf(id)!;
      visible = node.kind === 'file' ? this.visibility.file(path) : this.visibility.dir(path);
    }
    this.known.set(id, visible);
    return visible;
  }

  /** The visible part of the subtree of `id` (which must be visible), as a delete records it. */
  snapshot(id: NodeId): NodeSnapshot {
    const node = this.ws.node(id)!;
    if (node.kind === 'file') {
      return { kind: 'file', id, name: node.name, content: this.ws.text(id)?.toString() ?? '' };
    }
    const children: NodeSnapshot[] = [];
    for (const name of Object.keys(node.children).sort()) {
      const child = node.children[name]!;
      if (this.has(child)) children.push(this.snapshot(child));
    }
    return { kind: 'dir', id, name: node.name, children };
  }

  /** Ops that create the visible part of the subtree of `id`, parents first. */
  creates(id: NodeId, out: WorkspaceOp[]): void {
    const node = this.ws.node(id)!;
    const placement = this.ws.placementOf(id)!;
    if (node.kind === 'file') {
      out.push({
        type: 'createFile',
        id,
        ...placement,
        content: this.ws.text(id)?.toString() ?? '',
      });
      return;
    }
    out.push({ type: 'createDir', id, ...placement });
    for (const name of Object.keys(node.children).sort()) {
      const child = node.children[name]!;
      if (this.has(child)) this.creates(child, out);
    }
  }

  /** Every node of the subtree of `id`, `id` first, parents before children. */
  subtree(id: NodeId, out: NodeId[] = []): NodeId[] {
    out.push(id);
    const node = this.ws.node(id);
    if (node?.kind === 'dir') {
      for (const name of Object.keys(node.children).sort()) this.subtree(node.children[name]!, out);
    }
    return out;
  }
}

/**
 * The workspace as a session with `visibility` sees it: the same ids, names and contents, without
 * the nodes it may not see.
 */
export function projectWorkspace(ws: Workspace, visibility: Visibility): Workspace {
  const set = new VisibleSet(ws, visibility);
  const ops: WorkspaceOp[] = [];
  const root = ws.node(ROOT_ID)!;
  if (root.kind === 'dir') {
    for (const name of Object.keys(root.children).sort()) {
      const child = root.children[name]!;
      if (set.has(child)) set.creates(child, ops);
    }
  }
  const result = applyWorkspaceChange(Workspace.empty, ops);
  if (!result.ok) throw result.error;
  return result.value;
}

/** The states a change passes through: `states[i]` is the state before op `i`, the last after all. */
export function statesOf(before: Workspace, change: WorkspaceChange): Workspace[] {
  const states = [before];
  let current = before;
  for (const op of change) {
    const next = applyWorkspaceChange(current, [op]);
    if (!next.ok) throw next.error;
    current = next.value;
    states.push(current);
  }
  return states;
}

/**
 * Projects one op that takes `before` to `after` into ops on the projections of the two.
 */
function projectOp(
  op: WorkspaceOp,
  before: VisibleSet,
  after: VisibleSet,
  out: WorkspaceOp[],
): void {
  switch (op.type) {
    case 'edit':
      if (before.has(op.id)) out.push(op);
      return;
    case 'createFile':
    case 'createDir':
      if (after.has(op.id)) out.push(op);
      return;
    case 'delete':
      if (before.has(op.id)) {
        out.push({
          type: 'delete',
          id: op.id,
          parent: op.parent,
          name: op.name,
          ancestors: op.ancestors,
          removed: before.snapshot(op.id),
        });
      }
      return;
    case 'move': {
      const was = before.has(op.id);
      const is = after.has(op.id);
      if (was && !is) {
        out.push({ type: 'delete', id: op.id, ...op.from, removed: before.snapshot(op.id) });
      } else if (!was && is) {
        after.creates(op.id, out);
      } else if (was && is) {
        out.push(op);
        // The move can change what the session sees beneath the node: hide what left its view
        // (topmost first: a delete takes its subtree), then show what entered it (parents first).
        const nodes = after.subtree(op.id);
        const gone = new Set<NodeId>();
        for (const id of nodes) {
          if (id === op.id || !before.has(id) || after.has(id)) continue;
          const parent = after.ws.node(id)!.parent!;
          if (gone.has(parent)) {
            gone.add(id);
            continue;
          }
          gone.add(id);
          out.push({
            type: 'delete',
            id,
            ...after.ws.placementOf(id)!,
            removed: before.snapshot(id),
          });
        }
        for (const id of nodes) {
          if (id === op.id || before.has(id) || !after.has(id)) continue;
          const parent = after.ws.node(id)!.parent!;
          // A node whose parent entered the view too was created with the parent's subtree.
          if (parent !== op.id && !before.has(parent)) continue;
          after.creates(id, out);
        }
      }
      return;
    }
  }
}

/**
 * The change a session with `visibility` sees when `change` takes the workspace from
 * `states[0]` on (see {@link statesOf}): ops on what it sees, deletes for nodes that leave its
 * view, creates (with content) for nodes that enter it. Applying it to the projection of the
 * state before gives the projection of the state after.
 */
export function projectChange(
  change: WorkspaceChange,
  states: readonly Workspace[],
  visibility: Visibility,
): WorkspaceOp[] {
  const out: WorkspaceOp[] = [];
  let before = new VisibleSet(states[0]!, visibility);
  for (let i = 0; i < change.length; i++) {
    const after = new VisibleSet(states[i + 1]!, visibility);
    projectOp(change[i]!, before, after, out);
    before = after;
  }
  return out;
}

/**
 * True when a session with `visibility` that made `change` (from `states[0]` on, see
 * {@link statesOf}) on what it sees sees its effect otherwise than it made it: the change
 * created, moved or renamed a node out of its sight (a file it may create but not read, say), or
 * a move changed what it sees beneath the node (hiding some, or bringing hidden ones into view).
 * Its state then differs from what the server would serve it, and only a snapshot settles that.
 * Edits never do (an edit of a node the session cannot see is refused), nor does a delete that
 * also took nodes the session never saw.
 */
export function seenOtherwise(
  change: WorkspaceChange,
  states: readonly Workspace[],
  visibility: Visibility,
): boolean {
  if (!hasTreeOp(change)) return false;
  const seen = projectChange(change, states, visibility);
  if (seen.length !== change.length) return true;
  // A delete is projected afresh (without what the session never saw), and hides nothing.
  return seen.some((op, i) => {
    const made = change[i]!;
    return op !== made && !(op.type === 'delete' && made.type === 'delete' && op.id === made.id);
  });
}
