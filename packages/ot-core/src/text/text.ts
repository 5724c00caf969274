import { DistSpaceError } from '../errors.js';
import { isWellFormed } from '../unicode.js';
import { checkEdit, isIndex } from '../validate.js';
import { EditCursor, replaceInTree } from './edit.js';
import { buildTree, leavesOf, type Owner, type RopeNode } from './node.js';
import {
  codeUnitAt,
  collectSlice,
  leafTexts,
  lineOfPosition,
  sameText,
  startOfLine,
} from './query.js';

/** A 0-based line and a column in UTF-16 code units, as in the Language Server Protocol. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** One line of a text: its range and content, without the `\n` that ends it. */
export interface Line {
  /** The 0-based line number. */
  readonly number: number;
  /** Where the line starts. */
  readonly from: number;
  /** Where it ends, before its `\n` (a `\r` before the `\n` belongs to the line). */
  readonly to: number;
  /** The line's text, `slice(from, to)`. */
  readonly text: string;
}

/**
 * The reading half shared by {@link Text} and {@link MutableText}: length, code units, slices,
 * chunks and line/column conversion, each O(log n) or proportional to what it returns. Lines
 * end at `\n`.
 */
export abstract class TextView {
  /** @internal The tree; read-only for everything but the edit functions of this module. */
  abstract get root(): RopeNode;

  /** The length in UTF-16 code units. */
  get length(): number {
    return this.root.len;
  }

  /** The number of lines: one more than the number of `\n`. */
  get lineCount(): number {
    return this.root.lines + 1;
  }

  /** The code unit at `pos`, or NaN outside the text, as for a string. */
  charCodeAt(pos: number): number {
    if (!(pos >= 0 && pos < this.root.len)) return Number.NaN;
    return codeUnitAt(this.root, Math.floor(pos));
  }

  /**
   * The text in [from, to).
   *
   * @throws DistSpaceError `OUT_OF_RANGE` unless 0 <= from <= to <= length
   */
  slice(from = 0, to: number = this.root.len): string {
    if (!isIndex(from) || !isIndex(to) || from > to || to > this.root.len) {
      throw new DistSpaceError(
        'OUT_OF_RANGE',
        `slice(${String(from)}, ${String(to)}) is outside the text of length ${this.root.len}; give whole numbers with 0 <= from <= to <= length.`,
        { from, to, length: this.root.len },
      );
    }
    if (from === to) return '';
    const pieces: string[] = [];
    collectSlice(this.root, from, to, pieces);
    return pieces.length === 1 ? pieces[0]! : pieces.join('');
  }

  /** The whole text as one string. */
  toString(): string {
    return this.slice();
  }

  /**
   * The text in pieces, in order, without joining them: for writing, hashing or encoding a large
   * text without building one big string. A piece never splits a surrogate pair of a
   * well-formed text, so each can be encoded to UTF-8 on its own.
   */
  chunks(): IterableIterator<string> {
    return leafTexts(this.root);
  }

  /** True when `other` holds the same code units; O(1) for texts that share their tree. */
  equals(other: TextView | string): boolean {
    if (typeof other === 'string') return other.length === this.length && other === this.slice();
    return sameText(this.root, other.root);
  }

  /**
   * The line with 0-based number `line`.
   *
   * @throws DistSpaceError `INVALID_POSITION` unless 0 <= line < lineCount
   */
  lineAt(line: number): Line {
    this.checkLine(line);
    const from = startOfLine(this.root, line);
    const to = line + 1 < this.lineCount ? startOfLine(this.root, line + 1) - 1 : this.length;
    return { number: line, from, to, text: this.slice(from, to) };
  }

  /**
   * The 0-based line and column of a position.
   *
   * @throws DistSpaceError `OUT_OF_RANGE` unless 0 <= pos <= length
   */
  positionToLineColumn(pos: number): LineColumn {
    if (!isIndex(pos) || pos > this.root.len) {
      throw new DistSpaceError(
        'OUT_OF_RANGE',
        `Position ${String(pos)} is outside the text of length ${this.root.len}.`,
        { pos, length: this.root.len },
      );
    }
    const line = lineOfPosition(this.root, pos);
    return { line, column: pos - startOfLine(this.root, line) };
  }

  /**
   * The position of a 0-based line and column.
   *
   * @throws DistSpaceError `INVALID_POSITION` unless the line exists and the column is at most
   * the line's length (its end, before the `\n`)
   */
  lineColumnToPosition(line: number, column: number): number {
    this.checkLine(line);
    const from = startOfLine(this.root, line);
    const to = line + 1 < this.lineCount ? startOfLine(this.root, line + 1) - 1 : this.length;
    if (!isIndex(column) || column > to - from) {
      throw new DistSpaceError(
        'INVALID_POSITION',
        `Column ${String(column)} is outside line ${line}, which has ${to - from} code units; columns run from 0 to the line's length.`,
        { line, column, lineLength: to - from },
      );
    }
    return from + column;
  }

  private checkLine(line: number): void {
    if (!isIndex(line) || line >= this.lineCount) {
      throw new DistSpaceError(
        'INVALID_POSITION',
        `Line ${String(line)} does not exist; the text has lines 0 to ${this.lineCount - 1}.`,
        { line, lineCount: this.lineCount },
      );
    }
  }
}

/**
 * An immutable text: a persistent B-tree rope of string chunks. Every edit returns a new `Text`
 * and costs O(log n) for an edit inside one chunk (typing), copying one path from the root; the
 * old text stays valid and shares every other node with the new one, so keeping a version costs
 * nothing. For a long run of edits with no version kept in between, {@link MutableText} is
 * faster still.
 *
 * ```ts
 * const v1 = Text.of('Hello');
 * const v2 = v1.insert(5, ', world');
 * v1.toString(); // 'Hello'
 * v2.toString(); // 'Hello, world'
 * ```
 */
export class Text extends TextView {
  /** The empty text. */
  static readonly empty: Text = new Text(buildTree([], null));

  /** @internal */
  readonly root: RopeNode;

  private constructor(root: RopeNode) {
    super();
    this.root = root;
  }

  /** A text holding `content`; O(n). */
  static of(content: string): Text {
    if (typeof content !== 'string') {
      throw new DistSpaceError('INVALID_OP', 'Text.of needs a string.', {});
    }
    return content.length === 0 ? Text.empty : new Text(buildTree(leavesOf(content, null), null));
  }

  /** @internal Wraps a tree that no edit session will change again. */
  static fromRoot(root: RopeNode): Text {
    return new Text(root);
  }

  /**
   * A new text with `len` code units at `pos` replaced by `text`.
   *
   * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE` or `SPLITS_SURROGATE_PAIR`
   */
  replace(pos: number, len: number, text: string): Text {
    if (!isPlainEdit(this, pos, len, text)) checkEdit(this, pos, len, text, 'Text.replace', -1);
    return this.edit(pos, len, text, 'Text.replace');
  }

  /** A new text with `text` inserted at `pos`; see {@link Text.replace}. */
  insert(pos: number, text: string): Text {
    if (!isPlainEdit(this, pos, 0, text)) checkEdit(this, pos, 0, text, 'Text.insert', -1);
    return this.edit(pos, 0, text, 'Text.insert');
  }

  /** A new text without the `len` code units at `pos`; see {@link Text.replace}. */
  delete(pos: number, len: number): Text {
    if (!isPlainEdit(this, pos, len, '')) checkEdit(this, pos, len, '', 'Text.delete', -1);
    return this.edit(pos, len, '', 'Text.delete');
  }

  /**
   * @internal An edit whose numbers, range and text the caller has checked; a position inside
   * a surrogate pair is still reported.
   */
  replaceUnchecked(pos: number, len: number, text: string): Text {
    return this.edit(pos, len, text, 'Text.replace');
  }

  private edit(pos: number, len: number, text: string, kind: string): Text {
    if (len === 0 && text.length === 0) return this;
    // The null owner: the nodes this edit copies are owned by no one who will edit them again.
    const root = replaceInTree(this.root, pos, pos + len, text, null, null);
    return root === null ? throwCutPair(this, pos, len, text, kind) : new Text(root);
  }

  /** A mutable copy to edit in place; O(1), it copies nodes only as it changes them. */
  mutable(): MutableText {
    return new MutableText(this.root);
  }
}

/**
 * A text edited in place: the same tree as {@link Text}, but edits change the nodes this object
 * created itself instead of copying them, which makes a long run of edits (replaying a history,
 * typing) several times cheaper. `snapshot()` returns an immutable {@link Text} in O(1); after it,
 * the first edit to each part of the tree copies it, so the snapshot never changes.
 */
export class MutableText extends TextView {
  /** @internal */
  root: RopeNode;
  /** The token that marks the nodes this object may change; replaced at every snapshot. */
  private owner: Owner = {};
  /** Where the last edit happened, so that the next one nearby needs no walk down the tree. */
  private readonly cursor = new EditCursor();

  /** Starts from `text` (a string, a {@link Text}, or empty). */
  constructor(text: string | Text | RopeNode = '') {
    super();
    if (typeof text === 'string') this.root = Text.of(text).root;
    else this.root = text instanceof Text ? text.root : text;
  }

  /**
   * Replaces `len` code units at `pos` by `text`, in place.
   *
   * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE` or `SPLITS_SURROGATE_PAIR`; the text is
   * unchanged then
   */
  replace(pos: number, len: number, text: string): void {
    const kind = 'MutableText.replace';
    if (!isPlainEdit(this, pos, len, text)) checkEdit(this, pos, len, text, kind, -1);
    this.edit(pos, len, text, kind);
  }

  /** Inserts `text` at `pos`, in place; see {@link MutableText.replace}. */
  insert(pos: number, text: string): void {
    const kind = 'MutableText.insert';
    if (!isPlainEdit(this, pos, 0, text)) checkEdit(this, pos, 0, text, kind, -1);
    this.edit(pos, 0, text, kind);
  }

  /** Deletes `len` code units at `pos`, in place; see {@link MutableText.replace}. */
  delete(pos: number, len: number): void {
    const kind = 'MutableText.delete';
    if (!isPlainEdit(this, pos, len, '')) checkEdit(this, pos, len, '', kind, -1);
    this.edit(pos, len, '', kind);
  }

  /**
   * @internal An edit whose numbers, range and text the caller has checked; a position inside
   * a surrogate pair is still reported.
   */
  replaceUnchecked(pos: number, len: number, text: string): void {
    this.edit(pos, len, text, 'MutableText.replace');
  }

  private edit(pos: number, len: number, text: string, kind: string): void {
    if (len === 0 && text.length === 0) return;
    const root = replaceInTree(this.root, pos, pos + len, text, this.owner, this.cursor);
    if (root === null) throwCutPair(this, pos, len, text, kind);
    this.root = root;
  }

  /** The current content as an immutable {@link Text}, in O(1). */
  snapshot(): Text {
    // Give up the token: no node reachable now will be changed in place again.
    this.owner = {};
    this.cursor.clear();
    return Text.fromRoot(this.root);
  }
}

/**
 * True when an edit has whole numbers in range and well-formed text, so that the only error it
 * can still meet is a position inside a surrogate pair, which the edit itself detects. Anything
 * else goes through {@link checkEdit}, which reports it.
 */
function isPlainEdit(doc: TextView, pos: number, len: number, text: string): boolean {
  return (
    isIndex(pos) &&
    isIndex(len) &&
    pos + len <= doc.length &&
    typeof text === 'string' &&
    isWellFormed(text)
  );
}

/** Reports an edit that would cut a surrogate pair, as {@link checkEdit} words it. */
function throwCutPair(doc: TextView, pos: number, len: number, text: string, kind: string): never {
  checkEdit(doc, pos, len, text, kind, -1);
  throw new Error(
    `Bug: ${kind}(${pos}, ${len}) was refused as cutting a surrogate pair, but it does not.`,
  );
}
