import { DistSpaceError, type ErrorCode, isHighSurrogate } from '@dist-space/ot-core';
import { optional, type PlainMap, plainMap, record } from './fields/composites.js';
import type { FieldCodec } from './fields/field-codec.js';
import { ERROR_CODE_PATTERN } from './fields/identifiers.js';
import { identifier, text } from './fields/scalars.js';

/** The most characters of an error message on the wire; longer ones are cut when sent. */
export const MAX_ERROR_MESSAGE_LENGTH = 4_096;

/**
 * An error as it travels: a stable code, a message for a person, and optional plain details.
 * `code` is a string on the wire: a newer peer may send codes this version does not know, and
 * they still decode.
 */
export interface ErrorPayload {
  /** The stable code (docs/errors.md), 1..64 of `[A-Z0-9_]`. */
  readonly code: string;
  /** A sentence a person can act on, at most {@link MAX_ERROR_MESSAGE_LENGTH} characters. */
  readonly message: string;
  /** Facts that locate the problem; absent when there are none. */
  readonly details?: PlainMap;
}

/** The field codec of an {@link ErrorPayload}. */
export const errorPayloadField: FieldCodec<ErrorPayload> = record<ErrorPayload>({
  code: identifier(ERROR_CODE_PATTERN, '1..64 of [A-Z0-9_], starting with a letter'),
  message: text(0, MAX_ERROR_MESSAGE_LENGTH),
  details: optional(plainMap()),
});

/**
 * The wire form of `error`. A message longer than {@link MAX_ERROR_MESSAGE_LENGTH} is cut (the
 * receiver would refuse it); empty details are left out. Details must be plain data.
 */
export function errorToPayload(error: DistSpaceError): ErrorPayload {
  const message =
    error.message.length <= MAX_ERROR_MESSAGE_LENGTH ? error.message : cut(error.message);
  return Object.keys(error.details).length === 0
    ? { code: error.code, message }
    : { code: error.code, message, details: error.details as PlainMap };
}

/**
 * The {@link DistSpaceError} a received {@link ErrorPayload} stands for. Its `code` may be one
 * this version does not list in `DistSpaceErrorCodes` (a newer peer's): compare it as a string.
 */
export function errorFromPayload(payload: ErrorPayload): DistSpaceError {
  return new DistSpaceError(payload.code as ErrorCode, payload.message, payload.details ?? {});
}

/** Cuts a long message to the bound with an ellipsis, never between a surrogate pair's halves. */
function cut(message: string): string {
  let end = MAX_ERROR_MESSAGE_LENGTH - 1;
  if (isHighSurrogate(message.charCodeAt(end - 1))) end--;
  return `${message.slice(0, end)}…`;
}
