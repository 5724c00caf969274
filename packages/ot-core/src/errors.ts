/**
 * The registry of stable error codes. Each package adds its own codes to it by declaration
 * merging, next to the code that raises them:
 *
 * ```ts
 * declare module '@dist-space/ot-core' {
 *   interface DistSpaceErrorCodes {
 *     /** A path names no file or directory. *\/
 *     NOT_FOUND: true;
 *   }
 * }
 * ```
 *
 * so that {@link ErrorCode} is the union of every code of the packages a program imports. A code
 * never changes meaning once published; docs/errors.md lists each with its cause and what to do.
 */
export interface DistSpaceErrorCodes {
  /** An op or change does not have the shape of one (wrong type, missing field, bad number). */
  INVALID_OP: true;
  /** An op addresses a position or range outside the document it is applied to. */
  OUT_OF_RANGE: true;
  /** An op would cut a UTF-16 surrogate pair in two, or inserts text with a lone surrogate. */
  SPLITS_SURROGATE_PAIR: true;
  /** A change cannot be inverted because a delete or replace does not carry its deleted text. */
  NOT_INVERTIBLE: true;
  /** A delete or replace carries `deleted` text that differs from what the document holds there. */
  DELETED_TEXT_MISMATCH: true;
  /** A line or column given to a position conversion lies outside the document. */
  INVALID_POSITION: true;
  /** Untrusted input exceeds a configured limit (op count, text length). */
  LIMIT_EXCEEDED: true;
}

/** A stable error code: one of the keys of {@link DistSpaceErrorCodes}. */
export type ErrorCode = keyof DistSpaceErrorCodes;

/** Extra machine-readable facts about an error (the op index, the offending position, ...). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error type Dist-Space throws or returns. `code` is stable and meant for programs;
 * `message` is meant for a person and says what was wrong and what to do.
 */
export class DistSpaceError extends Error {
  /** The stable code, see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** Facts that locate the problem, safe to log or send to a peer. */
  readonly details: ErrorDetails;

  /**
   * @param code - the stable error code
   * @param message - a sentence a person can act on
   * @param details - extra facts such as the op index or position
   */
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'DistSpaceError';
    this.code = code;
    this.details = details;
  }

  /** A plain-data form for logs and the wire: `{ code, message, details }`. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a {@link DistSpaceError}, optionally with the given code. */
export function isDistSpaceError(value: unknown, code?: ErrorCode): value is DistSpaceError {
  return value instanceof DistSpaceError && (code === undefined || value.code === code);
}

/** The outcome of an operation that can fail on bad input: a value or a {@link DistSpaceError}. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DistSpaceError };

/** Wraps a successful value in a {@link Result}. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error in a failed {@link Result}. */
export function err<T = never>(error: DistSpaceError): Result<T> {
  return { ok: false, error };
}

/**
 * Runs `fn` and turns a thrown {@link DistSpaceError} into a failed {@link Result}. Anything
 * else that is thrown is a bug in Dist-Space and is rethrown rather than hidden.
 */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof DistSpaceError) return err(e);
    throw e;
  }
}
