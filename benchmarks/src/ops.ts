import { type ChangeDesc, ChangeSet } from '@codemirror/state';
import { type Change, type Op, opFromParts } from '@dist-space/ot-core';
import { type as otText, type TextOp } from 'ot-text-unicode';
import { toChangeSpec } from './replayers.js';
import type { Patch } from './trace.js';

// A trace's patches in each participant's op form, and the way back to one comparable form
// (a CodeMirror ChangeSet's JSON) so that transform results can be checked against each other.

/** A patch as our change: one op, or none for a patch that changes nothing. */
export function toOurs(p: Patch): Op[] {
  const op = opFromParts(p.pos, p.del, p.ins);
  return op === null ? [] : [op];
}

/**
 * A patch as an ot-text-unicode op: skip to the position, insert, then delete after the
 * inserted text, which is what our Replace means (insert first, then delete). A patch that
 * changes nothing is the empty op (ot-text-unicode rejects an op that only skips).
 */
export function toOtText(p: Patch): TextOp {
  const op: TextOp = [];
  if (p.ins.length === 0 && p.del === 0) return op;
  if (p.pos > 0) op.push(p.pos);
  if (p.ins.length > 0) op.push(p.ins);
  if (p.del > 0) op.push({ d: p.del });
  return op;
}

/** A patch as a CodeMirror change set on a document of `length` code units. */
export function toChangeSet(p: Patch, length: number): ChangeSet {
  return ChangeSet.of(toChangeSpec(p), length);
}

/** Our ops applied in order, as one CodeMirror change set on a document of `length`. */
export function oursToChangeSet(change: Change, length: number): ChangeSet {
  let cs = ChangeSet.empty(length);
  for (const op of change) {
    const del = op.type === 'insert' ? 0 : op.len;
    const ins = op.type === 'delete' ? '' : op.text;
    cs = cs.compose(toChangeSet({ pos: op.pos, del, ins }, cs.newLength));
  }
  return cs;
}

/** An ot-text-unicode op as one CodeMirror change set on a document of `length`. */
export function otTextToChangeSet(op: TextOp, length: number): ChangeSet {
  let cs = ChangeSet.empty(length);
  let pos = 0;
  for (const c of op) {
    if (typeof c === 'number') {
      pos += c;
    } else if (typeof c === 'string') {
      cs = cs.compose(toChangeSet({ pos, del: 0, ins: c }, cs.newLength));
      pos += c.length;
    } else {
      const del = typeof c.d === 'number' ? c.d : c.d.length;
      cs = cs.compose(toChangeSet({ pos, del, ins: '' }, cs.newLength));
    }
  }
  return cs;
}

/** The patches of one transaction composed into one ot-text-unicode op. */
export function txnToOtText(patches: readonly Patch[]): TextOp {
  let op: TextOp = [];
  for (const p of patches) op = otText.compose(op, toOtText(p));
  return op;
}

/** The patches of one transaction as one CodeMirror change set on a document of `length`. */
export function txnToChangeSet(patches: readonly Patch[], length: number): ChangeSet {
  let cs = ChangeSet.empty(length);
  for (const p of patches) cs = cs.compose(toChangeSet(p, cs.newLength));
  return cs;
}

/** The length of the document before each patch (and after the last one, at the end). */
export function lengthsBefore(startLength: number, patches: readonly Patch[]): number[] {
  const out = [startLength];
  let len = startLength;
  for (const p of patches) {
    len += p.ins.length - p.del;
    out.push(len);
  }
  return out;
}

/**
 * A change set's effect in one comparable form: its changes in order, each as
 * `from-to:inserted` on the document it applies to, with touching changes merged (inserting
 * then deleting next to it is the same edit as replacing).
 */
export function effectOf(cs: ChangeDesc | ChangeSet): string {
  const parts: Array<[number, number, string]> = [];
  const add = (from: number, to: number, inserted: string) => {
    const last = parts[parts.length - 1];
    if (last !== undefined && last[1] === from) {
      last[1] = to;
      last[2] += inserted;
    } else {
      parts.push([from, to, inserted]);
    }
  };
  if (cs instanceof ChangeSet) {
    cs.iterChanges((fromA, toA, _fromB, _toB, inserted) => add(fromA, toA, inserted.toString()));
  } else {
    cs.iterChangedRanges((fromA, toA, fromB, toB) => add(fromA, toA, '?'.repeat(toB - fromB)));
  }
  return parts.map(([from, to, ins]) => `${from}-${to}:${ins}`).join('|');
}
