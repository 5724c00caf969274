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

/**
 * Checks that `op` can be applied to `doc`: whole non-negative numbers, a range inside the
 * document, no cut through a surrogate pair, and inserted text without lone surrogates.
 *
 * @param index - the op's index in its change, for the error message
 * @throws DistSpaceError `INVALID_OP`, `OUT_OF_RANGE` or `SPLITS_SURROGATE_PAIR`
 */
export function checkOpAgainst(doc: CodeUnits, op: Op, index = 0): void {
  const len = op.type === 'insert' ? 0 : op.len;
  if (!isIndex(op.pos) || !isIndex(len)) {
    throw new DistSpaceError(
      'INVALID_OP',
      `Op ${index} (${op.type}) has position ${String(op.pos)} and length ${String(len)}; both must be whole numbers >= 0.`,
      { index, pos: op.pos, len },
    );
  }
  const end = op.pos + len;
  if (end > doc.length) {
    throw new DistSpaceError(
      'OUT_OF_RANGE',
      `Op ${index} (${op.type}) addresses ${op.pos}..${end}, but the document is only ${doc.length} code units long; the op was made for another version of the document.`,
      { index, pos: op.pos, len, length: doc.length },
    );
  }
  if (isPairCut(doc, op.pos) || (len > 0 && isPairCut(doc, end))) {
    throw new DistSpaceError(
      'SPLITS_SURROGATE_PAIR',
      `Op ${index} (${op.type}) at ${op.pos}..${end} would cut a surrogate pair in two; positions count UTF-16 code units and must fall between whole characters.`,
      { index, pos: op.pos, len },
    );
  }
  if (op.type !== 'delete' && !isWellFormed(op.text)) {
    throw new DistSpaceError(
      'SPLITS_SURROGATE_PAIR',
      `Op ${index} (${op.type}) inserts text with a lone surrogate; inserted text must be well-formed UTF-16.`,
      { index, pos: op.pos },
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
