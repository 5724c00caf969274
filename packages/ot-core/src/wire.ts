import { DistSpaceError, err, ok, type Result } from './errors.js';
import { type Change, del, insert, type Op, replace } from './op.js';
import { isWellFormed } from './unicode.js';
import { isIndex } from './validate.js';

/**
 * The compact wire form of an op, for msgpack and JSON: a tuple led by a kind number.
 * `[0, pos, text]` inserts, `[1, pos, len, deleted?]` deletes, `[2, pos, len, text, deleted?]`
 * replaces. About half the bytes of the object form on a keystroke.
 */
export type WireOp =
  | readonly [0, number, string]
  | readonly [1, number, number]
  | readonly [1, number, number, string]
  | readonly [2, number, number, string]
  | readonly [2, number, number, string, string];

/** Limits applied when reading untrusted changes. */
export interface ChangeLimits {
  /** Most ops in one change. Default 10,000. */
  readonly maxOps?: number;
  /** Most code units of inserted plus deleted text in one change. Default 16 Mi. */
  readonly maxTextLength?: number;
}

/** The limits used when none are given. */
export const DEFAULT_CHANGE_LIMITS: Required<ChangeLimits> = {
  maxOps: 10_000,
  maxTextLength: 16 * 1024 * 1024,
};

/** Converts an op to its compact {@link WireOp} tuple. */
export function opToWire(op: Op): WireOp {
  switch (op.type) {
    case 'insert':
      return [0, op.pos, op.text];
    case 'delete':
      return op.deleted === undefined ? [1, op.pos, op.len] : [1, op.pos, op.len, op.deleted];
    case 'replace':
      return op.deleted === undefined
        ? [2, op.pos, op.len, op.text]
        : [2, op.pos, op.len, op.text, op.deleted];
  }
}

/** Converts a change to an array of {@link WireOp} tuples. */
export function changeToWire(change: Change): WireOp[] {
  return change.map(opToWire);
}

function invalid(index: number, why: string): DistSpaceError {
  return new DistSpaceError('INVALID_OP', `Op ${index} is malformed: ${why}.`, { index });
}

function checkText(value: unknown, index: number, field: string): DistSpaceError | string {
  if (typeof value !== 'string') return invalid(index, `${field} must be a string`);
  if (!isWellFormed(value)) {
    return new DistSpaceError(
      'SPLITS_SURROGATE_PAIR',
      `Op ${index} has a lone surrogate in its ${field}; text must be well-formed UTF-16.`,
      { index },
    );
  }
  return value;
}

function buildOp(
  index: number,
  kind: unknown,
  pos: unknown,
  len: unknown,
  text: unknown,
  deleted: unknown,
): Result<Op> {
  if (!isIndex(pos)) return err(invalid(index, 'pos must be a whole number >= 0'));
  if (kind !== 'insert' && !isIndex(len))
    return err(invalid(index, 'len must be a whole number >= 0'));
  let insertedText = '';
  if (kind !== 'delete') {
    const checked = checkText(text, index, 'text');
    if (checked instanceof DistSpaceError) return err(checked);
    insertedText = checked;
  }
  if (kind === 'insert') return ok(insert(pos, insertedText));
  const length = len as number;
  let deletedText: string | undefined;
  if (deleted !== undefined) {
    const checked = checkText(deleted, index, 'deleted text');
    if (checked instanceof DistSpaceError) return err(checked);
    if (checked.length !== length) {
      return err(
        invalid(index, `deleted text has ${checked.length} code units but len is ${length}`),
      );
    }
    deletedText = checked;
  }
  return ok(
    kind === 'delete'
      ? del(pos, length, deletedText)
      : replace(pos, length, insertedText, deletedText),
  );
}

const KIND_BY_NUMBER = ['insert', 'delete', 'replace'] as const;

/**
 * Reads one op from untrusted data, in either plain form: the object form
 * (`{ type: 'insert', pos, text }`, ...) or the {@link WireOp} tuple. Never throws.
 *
 * @returns the op, or `INVALID_OP` / `SPLITS_SURROGATE_PAIR` saying what is wrong
 */
export function parseOp(value: unknown, index = 0): Result<Op> {
  if (Array.isArray(value)) {
    const kind = typeof value[0] === 'number' ? KIND_BY_NUMBER[value[0]] : undefined;
    if (kind === undefined) {
      return err(invalid(index, 'the first element must be 0 (insert), 1 (delete) or 2 (replace)'));
    }
    const maxLength = kind === 'insert' ? 3 : kind === 'delete' ? 4 : 5;
    if (value.length > maxLength || value.length < maxLength - (kind === 'insert' ? 0 : 1)) {
      return err(invalid(index, `a ${kind} tuple has ${maxLength - 1}..${maxLength} elements`));
    }
    if (kind === 'insert') return buildOp(index, kind, value[1], 0, value[2], undefined);
    if (kind === 'delete') return buildOp(index, kind, value[1], value[2], undefined, value[3]);
    return buildOp(index, kind, value[1], value[2], value[3], value[4]);
  }
  if (typeof value !== 'object' || value === null) {
    return err(invalid(index, 'an op must be an object or a tuple'));
  }
  const o = value as Record<string, unknown>;
  if (o.type !== 'insert' && o.type !== 'delete' && o.type !== 'replace') {
    return err(invalid(index, "type must be 'insert', 'delete' or 'replace'"));
  }
  return buildOp(index, o.type, o.pos, o.len, o.text, o.deleted);
}

/**
 * Reads a change from untrusted data (an array of ops in either plain form), enforcing
 * {@link ChangeLimits}. Never throws. Ranges are checked later, against the document, by
 * `apply`.
 *
 * @returns the change, or `INVALID_OP`, `SPLITS_SURROGATE_PAIR` or `LIMIT_EXCEEDED`
 */
export function parseChange(value: unknown, limits: ChangeLimits = {}): Result<Op[]> {
  const maxOps = limits.maxOps ?? DEFAULT_CHANGE_LIMITS.maxOps;
  const maxText = limits.maxTextLength ?? DEFAULT_CHANGE_LIMITS.maxTextLength;
  if (!Array.isArray(value)) {
    return err(new DistSpaceError('INVALID_OP', 'A change must be an array of ops.'));
  }
  if (value.length > maxOps) {
    return err(
      new DistSpaceError(
        'LIMIT_EXCEEDED',
        `A change may hold at most ${maxOps} ops; this one has ${value.length}.`,
        {
          limit: maxOps,
          actual: value.length,
        },
      ),
    );
  }
  const ops: Op[] = [];
  let textLength = 0;
  for (let i = 0; i < value.length; i++) {
    const parsed = parseOp(value[i], i);
    if (!parsed.ok) return parsed;
    const op = parsed.value;
    textLength +=
      (op.type === 'delete' ? 0 : op.text.length) +
      (op.type === 'insert' ? 0 : (op.deleted?.length ?? 0));
    if (textLength > maxText) {
      return err(
        new DistSpaceError(
          'LIMIT_EXCEEDED',
          `A change may carry at most ${maxText} code units of text.`,
          {
            limit: maxText,
            index: i,
          },
        ),
      );
    }
    ops.push(op);
  }
  return ok(ops);
}
