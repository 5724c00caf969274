import { type Op, transform, withDeletedText } from '@dist-space/ot-core';
import diff from 'fast-diff';

/** True when `pos` falls between the two halves of a surrogate pair of `text`. */
function splitsPair(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  return (
    c >= 0xdc00 &&
    c <= 0xdfff &&
    pos > 0 &&
    text.charCodeAt(pos - 1) >= 0xd800 &&
    text.charCodeAt(pos - 1) <= 0xdbff
  );
}

/**
 * The ops that turn `from` into `to`: a character diff (fast-diff, Myers), cut only between
 * whole characters. Two diffs from one common text can then be transformed against each other,
 * which is a three-way merge done by the OT engine.
 */
export function diffText(from: string, to: string): Op[] {
  if (from === to) return [];
  const ops: Op[] = [];
  let pos = 0;
  for (const [kind, text] of diff(from, to)) {
    if (kind === diff.EQUAL) pos += text.length;
    else if (kind === diff.INSERT) {
      ops.push({ type: 'insert', pos, text });
      pos += text.length;
    } else {
      ops.push({ type: 'delete', pos, len: text.length });
    }
  }
  // fast-diff keeps surrogate pairs whole in what it reports; if a cut ever lands inside one,
  // fall back to one replace of the differing middle, trimmed at whole characters.
  const cuts = ops.some((op) => splitsPair(op.type === 'insert' ? to : from, op.pos));
  return cuts ? replaceMiddle(from, to) : ops;
}

function replaceMiddle(from: string, to: string): Op[] {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  if (splitsPair(from, start)) start--;
  let end = 0;
  while (
    end < max - start &&
    from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)
  )
    end++;
  if (splitsPair(from, from.length - end)) end--;
  const len = from.length - end - start;
  const text = to.slice(start, to.length - end);
  if (len === 0) return [{ type: 'insert', pos: start, text }];
  if (text.length === 0) return [{ type: 'delete', pos: start, len }];
  return [{ type: 'replace', pos: start, len, text }];
}

/**
 * Merges what `mine` and `theirs` each did to `base` (a three-way merge): my edits, transformed
 * past theirs, as ops on `theirs` (with their deleted text, so they can be undone). Nothing
 * either side inserted is lost; where both deleted the same text it is deleted once.
 *
 * @param myOps - my edits as made, when known (they turn `base` into `mine`): better than a diff,
 *   which may place an insert among repeated characters other than where it was typed (`ab` typed
 *   before `b` diffs as `ba` after it), cutting what was typed as one piece
 */
export function mergeText(
  base: string,
  mine: string,
  theirs: string,
  myOps: readonly Op[] = diffText(base, mine),
): Op[] {
  const merged = transform([...myOps], diffText(base, theirs), 'right');
  return withDeletedText(theirs, merged);
}
