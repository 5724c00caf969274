import type { DistSpaceError } from '@dist-space/ot-core';
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '../limits.js';

/** Returned by {@link FieldCodec.read} for a value it refuses; the reason is in the context. */
export const INVALID: unique symbol = Symbol('invalid');

/** The type of {@link INVALID}. */
export type Invalid = typeof INVALID;

/**
 * The state of one payload validation: the limits in force and, after a refusal, why. One
 * context serves every decode on a thread, so a valid message allocates nothing here; the
 * reason is only built up when something is refused.
 */
export class ReadContext {
  /** The limits in force for this read. */
  limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS;
  /** After a refusal: what the value should have been ("a positive integer"). */
  expected = '';
  /** After a refusal: the refused value. */
  got: unknown;
  /** After a refusal: a complete error (a limit, or a nested parser's error) to report instead. */
  error: DistSpaceError | undefined;
  /** After a refusal: the path from the refused value up to the payload, innermost first. */
  readonly path: string[] = [];

  /** Starts a new read under `limits`. */
  reset(limits: ProtocolLimits): void {
    this.limits = limits;
    this.error = undefined;
    this.got = undefined;
    this.path.length = 0;
  }

  /** Records that `got` is not `expected`; returns {@link INVALID} for the reader to pass up. */
  fail(expected: string, got: unknown): Invalid {
    this.expected = expected;
    this.got = got;
    this.error = undefined;
    this.path.length = 0;
    return INVALID;
  }

  /** Records a complete error (a limit or a nested parser's); returns {@link INVALID}. */
  failWith(error: DistSpaceError): Invalid {
    this.expected = '';
    this.got = undefined;
    this.error = error;
    this.path.length = 0;
    return INVALID;
  }

  /** Adds a field name to the path on the way out of a record; returns {@link INVALID}. */
  withinField(name: string): Invalid {
    this.path.push(`.${name}`);
    return INVALID;
  }

  /** Adds an array index to the path on the way out of an array; returns {@link INVALID}. */
  withinIndex(index: number): Invalid {
    this.path.push(`[${index}]`);
    return INVALID;
  }

  /** Adds a map key to the path on the way out of a map; returns {@link INVALID}. */
  withinKey(key: string): Invalid {
    this.path.push(`[${JSON.stringify(key)}]`);
    return INVALID;
  }

  /** The refused field's path, as `files["a"].selections[2]` (without the message name). */
  fieldPath(): string {
    let out = '';
    for (let i = this.path.length - 1; i >= 0; i--) out += this.path[i];
    return out.startsWith('.') ? out.slice(1) : out;
  }
}

/**
 * Reads one field of a payload from its decoded msgpack value, and writes it back. Codecs are
 * small and composed (a record of fields, an array of records), so that each rule is written
 * once and every message shares it.
 */
export interface FieldCodec<T> {
  /** The field's wire type and constraints, as docs/protocol.md shows them. */
  readonly doc: string;
  /** True when the field may be absent (or nil); it then reads as undefined. */
  readonly optional: boolean;
  /** Checks a decoded value and returns the typed one, or {@link INVALID} with the reason in `cx`. */
  read(value: unknown, cx: ReadContext): T | Invalid;
  /** Converts a typed value to its wire form; undefined when the value is its own wire form. */
  readonly write: ((value: T) => unknown) | undefined;
  /** For a map with named fields: the fields, so that docs/protocol.md can list them. */
  readonly fields?: readonly FieldEntry[];
  /** For an array or a map of like values: how the docs name an item (`[]`, `{fileId}`) and its codec. */
  readonly items?: { readonly suffix: string; readonly codec: FieldCodec<unknown> };
}

/** One field of a record, in wire order. */
export interface FieldEntry {
  /** The field's name on the wire and in TypeScript. */
  readonly name: string;
  /** How it is read and written. */
  readonly codec: FieldCodec<unknown>;
}

/** The codecs of an object type's fields: one per property, optional exactly where it is. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: FieldCodec<T[K]> };

/** A short description of a refused value for an error message, never echoing much of it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nil';
  if (typeof value === 'string') {
    return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `binary of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return 'a map';
}

/** True for a decoded msgpack map: a plain object, not an array and not binary. */
export function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
