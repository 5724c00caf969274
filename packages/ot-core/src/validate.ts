import { DistSpaceError } from './errors.js';
import type { Op } from './op.js';
import { isWellFormed } from './unicode.js';

/** True for an integer in 0..2^53-1: a valid position or length. */
export function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The read access the checks need: a document's length and its code units. Both `string` and the
 * rope `Text` provide it.
 */
export interface CodeUnits {
  readonly length: number;
  charCodeAt(pos: number): number;
}

function isPairCut(doc: CodeUnits, pos: number): boolean {
  if (pos <= 0 || pos >= doc.length) return false;
  const low = doc.charCodeAt(pos);
  if (low < 0xdc00 || low > 0xdfff) return false;
  const high = doc.charCodeAt(pos - 1);
  return high >= 0xd800 && high <= 0xdbff;
}

function describe(kind: string, index: number): string {
  return index < 0 ? kind : `Op ${index} (${kind})`;
}

/**
 * Checks that `op` can be applied to `doc`: whole non-negative numbers, a range inside the
 * document, no cut through a surrogate pair, and inserted text without lone surrogates.
 *
 * @param index - the op's index in its change, for the error message
 * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE` or `SPLITS_SURROGATE_PAIR`
 */
export function checkOpAgainst(doc: CodeUnits, op: Op, index = 0): void {
  checkEdit(
    doc,
    op.pos,
    op.type === 'insert' ? 0 : op.len,
    op.type === 'delete' ? '' : op.text,
    op.type,
    index,
  );
}

/**
 * Checks an edit that replaces `len` code units at `pos` by `text`, as {@link checkOpAgainst}
 * does for an op. `index` is the op's index in its change, or -1 for a direct call on a text,
 * where `kind` names the method.
 *
 * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE` or `SPLITS_SURROGATE_PAIR`
 */
export function checkEdit(
  doc: CodeUnits,
  pos: number,
  len: number,
  text: string,
  kind: string,
  index: number,
): void {
  if (!isIndex(pos) || !isIndex(len)) {
    throw new DistSpaceError(
      'INVALID_OP',
      `${describe(kind, index)} has position ${String(pos)} and length ${String(len)}; both must be whole numbers >= 0.`,
      { index, pos, len },
    );
  }
  const end = pos + len;
  if (end > doc.length) {
    throw new DistSpaceError(
      'OUT_OF_RANGE',
      `${describe(kind, index)} addresses ${pos}..${end}, but the document is only ${doc.length} code units long; the op was made for another version of the document.`,
      { index, pos, len, length: doc.length },
    );
  }
  if (isPairCut(doc, pos) || (len > 0 && isPairCut(doc, end))) {
    throw new DistSpaceError(
      'SPLITS_SURROGATE_PAIR',
      `${describe(kind, index)} at ${pos}..${end} would cut a surrogate pair in two; positions count UTF-16 code units and must fall between whole characters.`,
      { index, pos, len },
    );
  }
  if (typeof text !== 'string') {
    throw new DistSpaceError(
      'INVALID_OP',
      `${describe(kind, index)} has text that is not a string.`,
      {
        index,
        pos,
      },
    );
  }
  if (!isWellFormed(text)) {
    throw new DistSpaceError(
      'SPLITS_SURROGATE_PAIR',
      `${describe(kind, index)} inserts text with a lone surrogate; inserted text must be well-formed UTF-16.`,
      { index, pos },
    );
  }
}

/**
 * Checks that the `deleted` text an op carries, if any, is what the document holds in its range.
 *
 * @throws DistSpaceError `DELETED_TEXT_MISMATCH`
 */
export function checkDeletedText(actual: string, op: Op, index = 0): void {
  if (op.type === 'insert' || op.deleted === undefined || op.deleted === actual) return;
  throw new DistSpaceError(
    'DELETED_TEXT_MISMATCH',
    `Op ${index} (${op.type}) says it removes ${JSON.stringify(op.deleted.slice(0, 40))} at ${op.pos}, but the document holds ${JSON.stringify(actual.slice(0, 40))} there; the op was made for another version of the document.`,
    { index, pos: op.pos, len: op.len },
  );
}
