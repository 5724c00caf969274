import type { Op } from '@dist-space/ot-core';
import {
  type DirSnapshot,
  type NodeSnapshot,
  opWeight,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';

// Cutting the buffer into changes the server takes: at most its ops per change, and at most as
// much text as fits in one frame. Ops apply in order, so the parts sent one after another leave
// the same state as the whole would; only atomicity is lost, and only for a change the server
// would refuse whole (or one the transport could not even send, which would leave the client
// waiting for ever for an answer to a change that never left).

/** The code units of text `op` carries: inserted and deleted text of a text op. */
function textOpUnits(op: Op): number {
  switch (op.type) {
    case 'insert':
      return op.text.length;
    case 'delete':
      return op.deleted?.length ?? 0;
    case 'replace':
      return op.text.length + (op.deleted?.length ?? 0);
  }
}

function snapshotUnits(snapshot: NodeSnapshot): number {
  if (snapshot.kind === 'file') return snapshot.content.length;
  let n = 0;
  for (const child of snapshot.children) n += snapshotUnits(child);
  return n;
}

/**
 * The code units of text a workspace op carries: created content, the text of an edit's ops, the
 * contents of a deleted subtree. It bounds the op's encoded size, at up to 3 UTF-8 bytes each.
 */
export function textUnits(op: WorkspaceOp): number {
  switch (op.type) {
    case 'createFile':
      return op.content.length;
    case 'createDir':
    case 'move':
      return 0;
    case 'delete':
      return snapshotUnits(op.removed);
    case 'edit': {
      let n = 0;
      for (const textOp of op.change) n += textOpUnits(textOp);
      return n;
    }
  }
}

/** Where a cut is best made, best first: after a line break, a blank, a clause's punctuation. */
const BREAKS = ['\n', ' \t', '.,;'];

/**
 * Where to cut `text`, at most `max` code units in. The parts go out as separate changes, so a
 * concurrent insert at the very place of a cut can land between two of them, as it could between
 * two keystrokes: the cut is made after the last line break in the second half of the room, else
 * after a blank, else after `.`, `,` or `;`, so that such an insert falls between lines or words
 * rather than inside one. Never between the halves of a surrogate pair: one unit earlier, or,
 * when the pair is all there is room for, one later.
 */
function cutAt(text: string, max: number): number {
  const at = Math.min(text.length, Math.max(1, max));
  if (at === text.length) return at;
  // Only the second half is searched, so that a text without a break costs one pass over it.
  const half = Math.floor(at / 2);
  const window = text.slice(half, at);
  for (const chars of BREAKS) {
    let last = -1;
    for (const char of chars) last = Math.max(last, window.lastIndexOf(char));
    if (last >= 0) return half + last + 1;
  }
  const code = text.charCodeAt(at - 1);
  if (code < 0xd800 || code > 0xdbff) return at;
  return at > 1 ? at - 1 : at + 1;
}

/** `text` in pieces of at most `max` code units, none splitting a surrogate pair. */
function pieces(text: string, max: number): string[] {
  const out: string[] = [];
  for (let rest = text; rest.length > 0; ) {
    const at = cutAt(rest, max);
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  return out;
}

/** Text ops with the effect of `op`, none carrying more than `max` code units of text. */
function cutTextOp(op: Op, max: number): Op[] {
  if (textOpUnits(op) <= max) return [op];
  switch (op.type) {
    case 'insert': {
      const out: Op[] = [];
      let pos = op.pos;
      for (const text of pieces(op.text, max)) {
        out.push({ type: 'insert', pos, text });
        pos += text.length;
      }
      return out;
    }
    case 'delete':
      // Each piece deletes at the same place: the text after it moves up.
      return pieces(op.deleted!, max).map((deleted) => ({
        type: 'delete',
        pos: op.pos,
        len: deleted.length,
        deleted,
      }));
    case 'replace': {
      // A replace is an insert at pos with the replaced text deleted after it.
      const insert: Op = { type: 'insert', pos: op.pos, text: op.text };
      const remove: Op = {
        type: 'delete',
        pos: op.pos + op.text.length,
        len: op.len,
        ...(op.deleted !== undefined ? { deleted: op.deleted } : {}),
      };
      return [...cutTextOp(insert, max), ...cutTextOp(remove, max)];
    }
  }
}

/** The files of `snapshot` that hold text, and the snapshot with every file emptied. */
function emptied(
  snapshot: NodeSnapshot,
  files: Array<{ id: string; content: string }>,
): NodeSnapshot {
  if (snapshot.kind === 'file') {
    if (snapshot.content.length > 0) files.push({ id: snapshot.id, content: snapshot.content });
    return { ...snapshot, content: '' };
  }
  const dir: DirSnapshot = {
    ...snapshot,
    children: snapshot.children.map((child) => emptied(child, files)),
  };
  return dir;
}

/**
 * Ops with the effect of `op`, each carrying at most `max` code units of text: a long insert,
 * delete or replace in pieces, a created file's content as the file and then edits that append
 * the rest, and a deleted subtree's files emptied by edits before the delete takes them away.
 */
function cutOp(op: WorkspaceOp, max: number): WorkspaceOp[] {
  if (textUnits(op) <= max) return [op];
  switch (op.type) {
    case 'edit': {
      const change = op.change.flatMap((textOp) => cutTextOp(textOp, max));
      return [{ type: 'edit', id: op.id, change }];
    }
    case 'createFile': {
      const [first = '', ...rest] = pieces(op.content, max);
      const ops: WorkspaceOp[] = [{ ...op, content: first }];
      let pos = first.length;
      for (const text of rest) {
        ops.push({ type: 'edit', id: op.id, change: [{ type: 'insert', pos, text }] });
        pos += text.length;
      }
      return ops;
    }
    case 'delete': {
      const files: Array<{ id: string; content: string }> = [];
      const removed = emptied(op.removed, files);
      const ops: WorkspaceOp[] = files.map(({ id, content }) => ({
        type: 'edit',
        id,
        change: cutTextOp({ type: 'delete', pos: 0, len: content.length, deleted: content }, max),
      }));
      ops.push({ ...op, removed });
      return ops;
    }
    default:
      return [op];
  }
}

/**
 * A directory delete as deletes of its children, then of the directory left empty, in that order
 * the same effect: for a delete whose listing alone (the names of its subtree) is more than a
 * frame holds. Each child's delete may be taken apart the same way in turn. Undefined for an op
 * that is not the delete of a directory with children.
 */
export function deleteChildrenFirst(op: WorkspaceOp): WorkspaceOp[] | undefined {
  if (op.type !== 'delete' || op.removed.kind !== 'dir' || op.removed.children.length === 0)
    return undefined;
  const children: WorkspaceOp[] = op.removed.children.map((child) => ({
    type: 'delete',
    id: child.id,
    parent: op.id,
    name: child.name,
    ancestors: [op.parent, ...op.ancestors],
    removed: child,
  }));
  const empty: DirSnapshot = { ...op.removed, children: [] };
  return [...children, { ...op, removed: empty }];
}

/**
 * `ops` as they go out with at most `maxText` code units of text per op: each op that carries more
 * cut into ops with the same effect (a created file's content as the file and then edits, a
 * deleted file emptied by edits first), which may need other rights than the op itself; `ops`
 * itself when none carries more.
 */
export function cutToText(ops: readonly WorkspaceOp[], maxText: number): readonly WorkspaceOp[] {
  const limit = Math.max(1, maxText);
  if (!Number.isFinite(limit) || !ops.some((op) => textUnits(op) > limit)) return ops;
  return ops.flatMap((op) => cutOp(op, limit));
}

/**
 * Splits `ops` into a first part the server takes in one change and the rest: at most `maxOps`
 * ops as the server counts them, and at most `maxText` code units of text (see
 * {@link textUnits}), but always at least one op's worth. An op over `maxText` is first cut into
 * ops with the same effect; an edit that does not fit is cut between its text ops.
 */
export function splitForSending(
  ops: readonly WorkspaceOp[],
  maxOps: number,
  maxText = Number.POSITIVE_INFINITY,
): [WorkspaceOp[], WorkspaceOp[]] {
  const textLimit = Math.max(1, maxText);
  const cut = cutToText(ops, textLimit);
  let room = Math.max(1, maxOps);
  let text = textLimit;
  for (let i = 0; i < cut.length; i++) {
    const op = cut[i]!;
    const weight = opWeight(op);
    const units = textUnits(op);
    if (weight <= room && units <= text) {
      room -= weight;
      text -= units;
      continue;
    }
    if (op.type === 'edit') {
      // As many of its text ops as fit, and at least one when nothing else goes first.
      let fit = 0;
      while (fit < op.change.length && fit < room) {
        const size = textOpUnits(op.change[fit]!);
        if (size > text) break;
        text -= size;
        fit++;
      }
      if (fit === 0 && i === 0) fit = 1;
      if (fit > 0) {
        const head: WorkspaceOp = { type: 'edit', id: op.id, change: op.change.slice(0, fit) };
        const tail: WorkspaceOp = { type: 'edit', id: op.id, change: op.change.slice(fit) };
        return [
          [...cut.slice(0, i), head],
          [tail, ...cut.slice(i + 1)],
        ];
      }
    }
    return i === 0 ? [[op], cut.slice(1)] : [cut.slice(0, i), cut.slice(i)];
  }
  return [cut as WorkspaceOp[], []];
}
