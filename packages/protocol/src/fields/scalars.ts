import type { FieldCodec, Invalid, ReadContext } from './field-codec.js';

function scalar<T>(
  doc: string,
  read: (value: unknown, cx: ReadContext) => T | Invalid,
): FieldCodec<T> {
  return { doc, optional: false, read, write: undefined };
}

/**
 * An integer in 0..2^53-1. Any msgpack integer format is accepted, and a float holding a whole
 * number; -0 reads as 0.
 */
export const uint: FieldCodec<number> = scalar('uint', (value, cx) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? value + 0
    : cx.fail('an integer >= 0', value),
);

/** An integer in 1..2^53-1 (sequence numbers, counts that cannot be zero). */
export const positiveInt: FieldCodec<number> = scalar('uint ≥ 1', (value, cx) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
    ? value
    : cx.fail('an integer >= 1', value),
);

/** A finite number >= 0, integer or float (rates, averages). */
export const nonNegativeNumber: FieldCodec<number> = scalar('float or uint ≥ 0', (value, cx) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value + 0
    : cx.fail('a finite number >= 0', value),
);

/** A msgpack boolean. */
export const boolean: FieldCodec<boolean> = scalar('bool', (value, cx) =>
  typeof value === 'boolean' ? value : cx.fail('true or false', value),
);

/** Binary (msgpack bin), copied out of the frame so that the frame's buffer may be reused. */
export const binary: FieldCodec<Uint8Array> = scalar<Uint8Array>('bin', (value, cx) =>
  value instanceof Uint8Array ? value.slice() : cx.fail('binary (msgpack bin)', value),
);

/** Exactly the string `literal`. */
export function literal<const L extends string>(literal: L): FieldCodec<L> {
  return scalar(`"${literal}"`, (value, cx) =>
    value === literal ? literal : cx.fail(JSON.stringify(literal), value),
  );
}

/**
 * A string of `min..max` UTF-16 code units. Frames carry only well-formed UTF-8, so every string
 * read is well-formed UTF-16.
 */
export function text(min: number, max: number): FieldCodec<string> {
  const expected = `a string of ${min}..${max} characters`;
  return scalar(`str, ${min}..${max} UTF-16 units`, (value, cx) =>
    typeof value === 'string' && value.length >= min && value.length <= max
      ? value
      : cx.fail(expected, value),
  );
}

/** A string matching `pattern` (which must anchor both ends and bound the length). */
export function identifier(pattern: RegExp, doc: string): FieldCodec<string> {
  return checked((value) => typeof value === 'string' && pattern.test(value), doc);
}

/** A string that `accepts` (a guard from another package, such as vfs-workspace's `isNodeId`). */
export function checked(
  accepts: (value: unknown) => value is string,
  doc: string,
): FieldCodec<string>;
/** A string that `accepts`. */
export function checked(accepts: (value: unknown) => boolean, doc: string): FieldCodec<string>;
export function checked(accepts: (value: unknown) => boolean, doc: string): FieldCodec<string> {
  const expected = `a string of ${doc}`;
  return scalar(`str: ${doc}`, (value, cx) =>
    accepts(value) ? (value as string) : cx.fail(expected, value),
  );
}
