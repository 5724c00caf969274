/**
 * Inserts `text` before the code unit at `pos`. Positions count UTF-16 code units.
 */
export interface Insert {
  readonly type: 'insert';
  /** Where the text goes, 0..length. */
  readonly pos: number;
  /** The text inserted; it must be well-formed UTF-16 (no lone surrogate). */
  readonly text: string;
}

/**
 * Deletes `len` code units starting at `pos`. `deleted`, when present, is the text that was
 * removed; it makes the op invertible without the old document.
 */
export interface Delete {
  readonly type: 'delete';
  /** The first code unit removed. */
  readonly pos: number;
  /** How many code units are removed. */
  readonly len: number;
  /** The removed text, if known; its length equals `len`. */
  readonly deleted?: string;
}

/**
 * Replaces `len` code units at `pos` with `text`: as if `text` were inserted at `pos` and the
 * `len` code units after it deleted, done as one op. `deleted` is the removed text, if known.
 */
export interface Replace {
  readonly type: 'replace';
  /** The first code unit replaced. */
  readonly pos: number;
  /** How many code units are replaced. */
  readonly len: number;
  /** The text that takes their place. */
  readonly text: string;
  /** The replaced text, if known; its length equals `len`. */
  readonly deleted?: string;
}

/** One text op. Ops are plain data: they serialise to JSON and msgpack as they are. */
export type Op = Insert | Delete | Replace;

/**
 * A change: ops applied in order, each to the result of the one before. The empty list is the
 * identity change.
 */
export type Change = readonly Op[];

/** Makes an {@link Insert}. */
export function insert(pos: number, text: string): Insert {
  return { type: 'insert', pos, text };
}

/** Makes a {@link Delete}; pass `deleted` to make it invertible. */
export function del(pos: number, len: number, deleted?: string): Delete {
  return deleted === undefined
    ? { type: 'delete', pos, len }
    : { type: 'delete', pos, len, deleted };
}

/** Makes a {@link Replace}; pass `deleted` to make it invertible. */
export function replace(pos: number, len: number, text: string, deleted?: string): Replace {
  return deleted === undefined
    ? { type: 'replace', pos, len, text }
    : { type: 'replace', pos, len, text, deleted };
}

/** How many code units an op removes (0 for an insert). */
export function removedLength(op: Op): number {
  return op.type === 'insert' ? 0 : op.len;
}

/** The text an op adds ("" for a delete). */
export function insertedText(op: Op): string {
  return op.type === 'delete' ? '' : op.text;
}

/** True for an op that changes nothing: an empty insert, a zero-length delete or replace of nothing with nothing. */
export function isNoop(op: Op): boolean {
  return removedLength(op) === 0 && insertedText(op).length === 0;
}

/**
 * The op that removes `len` code units at `pos` and inserts `text` there, in its simplest kind:
 * an insert when nothing is removed, a delete when nothing is inserted, else a replace.
 * Returns null for a no-op.
 */
export function opFromParts(pos: number, len: number, text: string, deleted?: string): Op | null {
  if (len === 0) return text.length === 0 ? null : insert(pos, text);
  if (text.length === 0) return del(pos, len, deleted);
  return replace(pos, len, text, deleted);
}
