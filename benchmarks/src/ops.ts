import { ChangeSet } from '@codemirror/state';
import { type Op, opFromParts } from '@dist-space/ot-core';
import { type as otText, type TextOp } from 'ot-text-unicode';
import { toChangeSpec } from './replayers.js';
import type { Patch } from './trace.js';

// A trace's patches in each participant's op form (effect.ts turns them back into one form to
// compare transform results).

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
