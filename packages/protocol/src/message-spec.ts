import { fieldEntries } from './fields/composites.js';
import type { FieldEntry, FieldsOf } from './fields/field-codec.js';

/** Who may send a message: the client, the server, or either. */
export type Direction = 'client-to-server' | 'server-to-client' | 'both';

/** One row of the message table: a message type's id, name, direction and fields. */
export interface MessageSpec<Name extends string = string> {
  /** The numeric type id in the envelope; stable forever. */
  readonly id: number;
  /** The message's name, the `type` of its TypeScript form. */
  readonly name: Name;
  /** Who may send it. */
  readonly direction: Direction;
  /** True when the server requires the `admin` scope of whoever sends it. */
  readonly admin: boolean;
  /** The payload's fields in wire order (which is also the order of the encoded map). */
  readonly fields: readonly FieldEntry[];
  /** A rule across fields, checked once each field is valid on its own. */
  readonly check: CrossFieldCheck | undefined;
}

/**
 * A rule relating a message's fields (a chunk's index below its count). Returns undefined when
 * the message keeps it, or the field to blame and what it should have been.
 */
export type CrossFieldCheck = (
  message: Record<string, unknown>,
) => { readonly field: string; readonly expected: string; readonly got: unknown } | undefined;

/**
 * Defines a message type. `fields` must give a codec for every field of `M` but `type`, optional
 * exactly where `M`'s field is optional; the compiler checks it.
 */
export function defineMessage<M extends { readonly type: string }>(
  id: number,
  name: M['type'],
  direction: Direction,
  fields: FieldsOf<Omit<M, 'type'>>,
  options: {
    readonly admin?: boolean;
    readonly check?: (message: M) => ReturnType<CrossFieldCheck>;
  } = {},
): MessageSpec<M['type']> {
  return {
    id,
    name,
    direction,
    admin: options.admin ?? false,
    fields: fieldEntries(fields),
    check: options.check as CrossFieldCheck | undefined,
  };
}
