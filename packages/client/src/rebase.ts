import { apply, type Op, withDeletedText } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  completeOp,
  conflictName,
  type NodeId,
  type NodeSnapshot,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
  type WorkspaceOpDraft,
} from '@dist-space/vfs-workspace';
import { diffText, mergeText } from './text-merge.js';

/** Pending changes moved onto a new server state, and what could not be. */
export interface RebaseResult {
  /** The pending changes as one change on the new state. */
  readonly change: WorkspaceOp[];
  /** The state with it applied. */
  readonly local: Workspace;
  /**
   * Ops that no longer made sense on the new state: tree ops whose node or directory is gone,
   * and edits of a file that is gone (deleted, or out of the session's sight).
   */
  readonly dropped: WorkspaceOp[];
}

function draftOf(op: WorkspaceOp): WorkspaceOpDraft {
  switch (op.type) {
    case 'createFile':
      return {
        type: 'createFile',
        id: op.id,
        parent: op.parent,
        name: op.name,
        content: op.content,
      };
    case 'createDir':
      return { type: 'createDir', id: op.id, parent: op.parent, name: op.name };
    case 'delete':
      return { type: 'delete', id: op.id };
    case 'move':
      return { type: 'move', id: op.id, parent: op.parent, name: op.name };
    case 'edit':
      return op;
  }
}

function tryApply(
  ws: Workspace,
  draft: WorkspaceOpDraft,
): { ws: Workspace; op: WorkspaceOp } | undefined {
  const op = completeOp(ws, draft);
  if (!op.ok) return undefined;
  const next = applyWorkspaceChange(ws, [op.value]);
  return next.ok ? { ws: next.value, op: op.value } : undefined;
}

/** The pending edits of one file, in order. */
interface FileEdits {
  readonly edits: WorkspaceOp[];
  /** Their text ops as one change from the file's text where they began. */
  readonly ops: Op[];
  /** A tree op of mine made or deleted the file meanwhile: its text started again. */
  restarted: boolean;
}

/** The pending edits of every file `pending` touches, in one pass. */
function editsByFile(pending: WorkspaceChange): Map<NodeId, FileEdits> {
  const byFile = new Map<NodeId, FileEdits>();
  for (const op of pending) {
    let file = byFile.get(op.id);
    if (!file) {
      file = { edits: [], ops: [], restarted: false };
      byFile.set(op.id, file);
    }
    if (op.type === 'edit') {
      file.edits.push(op);
      file.ops.push(...op.change);
    } else if (op.type !== 'move') file.restarted = true;
  }
  return byFile;
}

/**
 * The ops that give a file my text merged with the server's, on `now`, its text once my tree ops
 * are replayed onto the server's state. `base` is the file's text where my pending changes
 * started, `mine` where they end, `theirs` its text on the server (undefined: not there).
 */
function textOnto(
  now: string,
  base: string | undefined,
  mine: string,
  theirs: string | undefined,
  myOps: readonly Op[] | undefined,
): Op[] {
  // Made by us, or gone from the server and made again by our ops: our text wins whole.
  if (base === undefined || theirs === undefined) return withDeletedText(now, diffText(now, mine));
  if (now === theirs) return mergeText(base, mine, theirs, myOps);
  // Our ops deleted the file and made it again (an undone delete), with our text as it was then:
  // the merge is with the server's text, and the edit goes from what the replay left to that.
  // Merging with the replayed text instead would insert our own text a second time.
  const merged = apply(theirs, mergeText(base, mine, theirs));
  return withDeletedText(now, diffText(now, merged));
}

/**
 * Replays a delete on a newer state: the nodes it saw (its `removed` snapshot) that are still
 * beneath the deleted node, deepest first, and a directory only once it is empty. What others
 * created in it, or moved into it, meanwhile stays, with the directories that hold it (`kept`):
 * the transform of a live session keeps such nodes too (it moves them out), and a delete made
 * offline must not take work it never saw.
 */
function deleteWhatWasSeen(
  ws: Workspace,
  op: Extract<WorkspaceOp, { type: 'delete' }>,
): { ws: Workspace; ops: WorkspaceOp[]; kept: boolean } {
  const root = ws.pathOf(op.id);
  if (root === undefined) return { ws, ops: [], kept: false }; // gone already
  const ops: WorkspaceOp[] = [];
  let state = ws;
  const visit = (snapshot: NodeSnapshot): void => {
    if (snapshot.kind === 'dir') for (const child of snapshot.children) visit(child);
    const path = state.pathOf(snapshot.id);
    // Moved out of the deleted directory meanwhile: someone else's decision, kept.
    if (path === undefined || (path !== root && !path.startsWith(`${root}/`))) return;
    const node = state.node(snapshot.id);
    if (node?.kind === 'dir') {
      const listed = state.list(path);
      if (!listed.ok || listed.value.length > 0) return;
    }
    const done = tryApply(state, { type: 'delete', id: snapshot.id });
    if (!done) return;
    state = done.ws;
    ops.push(done.op);
  };
  visit(op.removed);
  return { ws: state, ops, kept: state.node(op.id) !== undefined };
}

/**
 * Moves pending changes made on `base` (giving `local`) onto `target`, a newer server state
 * whose history from `base` is unknown (the server no longer keeps it): the REBASE_REQUIRED
 * recovery of DESIGN.md 3.8. Tree ops are replayed by id on `target` (a name taken meanwhile
 * gives the node its conflict name; an op whose node or directory is gone is dropped and
 * reported). The text of every file the pending changes touched is merged three ways (base,
 * mine, theirs) by transforming my diff past theirs, so no pending text is lost.
 */
export function rebasePending(
  base: Workspace,
  local: Workspace,
  pending: WorkspaceChange,
  target: Workspace,
): RebaseResult {
  let state = target;
  const out: WorkspaceOp[] = [];
  const dropped: WorkspaceOp[] = [];
  const touched = editsByFile(pending);
  for (const op of pending) {
    if (op.type === 'edit') continue;
    if (op.type === 'delete') {
      const done = deleteWhatWasSeen(state, op);
      state = done.ws;
      out.push(...done.ops);
      if (done.kept) dropped.push(op);
      continue;
    }
    let done = tryApply(state, draftOf(op));
    if (!done && (op.type === 'createFile' || op.type === 'createDir' || op.type === 'move')) {
      done = tryApply(state, {
        ...draftOf(op),
        name: conflictName(op.name, op.id),
      } as WorkspaceOpDraft);
    }
    if (!done) {
      dropped.push(op);
      continue;
    }
    state = done.ws;
    out.push(done.op);
  }
  for (const [id, file] of touched) {
    const node = state.node(id);
    const mine = local.text(id);
    if (mine === undefined) continue; // deleted by our own pending ops
    if (node?.kind !== 'file') {
      // Gone from the new state (deleted, or out of this session's sight): our edits of it
      // cannot be kept, and are reported with the tree ops that could not be.
      dropped.push(...file.edits);
      continue;
    }
    const ops = textOnto(
      state.text(id)?.toString() ?? '',
      base.text(id)?.toString(),
      mine.toString(),
      target.node(id)?.kind === 'file' ? target.text(id)?.toString() : undefined,
      file.restarted ? undefined : file.ops,
    );
    if (ops.length === 0) continue;
    const edit: WorkspaceOp = { type: 'edit', id, change: ops };
    const next = applyWorkspaceChange(state, [edit]);
    if (!next.ok) throw next.error;
    state = next.value;
    out.push(edit);
  }
  return { change: out, local: state, dropped };
}
