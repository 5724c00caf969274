import { limitExceeded } from '../errors.js';
import type { ProtocolLimits } from '../limits.js';
import {
  type FieldCodec,
  type FieldEntry,
  type FieldsOf,
  INVALID,
  type Invalid,
  isMap,
  type ReadContext,
} from './field-codec.js';

/** The same codec, but the field may be absent or nil. */
export function optional<T>(codec: FieldCodec<T>): FieldCodec<T | undefined> {
  return { ...codec, optional: true } as FieldCodec<T | undefined>;
}

/** The fields of a {@link FieldsOf} object as an ordered list. */
export function fieldEntries(fields: object): FieldEntry[] {
  return Object.entries(fields).map(([name, codec]) => ({
    name,
    codec: codec as FieldCodec<unknown>,
  }));
}

/**
 * Reads `entries` from the decoded map `map` into `out`. Fields the list does not name are
 * ignored (a newer peer may send more); absent or nil optional fields are left out.
 */
export function readFieldsInto(
  entries: readonly FieldEntry[],
  map: Record<string, unknown>,
  out: Record<string, unknown>,
  cx: ReadContext,
): boolean {
  for (let i = 0; i < entries.length; i++) {
    const { name, codec } = entries[i]!;
    const raw = map[name];
    if (raw === undefined || raw === null) {
      if (codec.optional) continue;
      cx.fail(`present (the field is required; ${codec.doc})`, raw);
      cx.withinField(name);
      return false;
    }
    const value = codec.read(raw, cx);
    if (value === INVALID) {
      cx.withinField(name);
      return false;
    }
    out[name] = value;
  }
  return true;
}

/** Writes `entries` of the typed object `value` into a fresh wire map, in field order. */
export function writeFields(
  entries: readonly FieldEntry[],
  value: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i++) {
    const { name, codec } = entries[i]!;
    const field = value[name];
    if (field === undefined) continue;
    out[name] = codec.write === undefined ? field : codec.write(field);
  }
  return out;
}

/** True when any of `entries` needs converting to its wire form. */
function needsWrite(entries: readonly FieldEntry[]): boolean {
  return entries.some((entry) => entry.codec.write !== undefined);
}

/** A map with the given fields, read into a fresh object holding only those fields. */
export function record<T extends object>(fields: FieldsOf<T>, doc = 'map'): FieldCodec<T> {
  const entries = fieldEntries(fields);
  return {
    doc,
    optional: false,
    read(value, cx) {
      if (!isMap(value)) return cx.fail('a map', value);
      const out: Record<string, unknown> = {};
      return readFieldsInto(entries, value, out, cx) ? (out as T) : INVALID;
    },
    write: needsWrite(entries)
      ? (value) => writeFields(entries, value as Record<string, unknown>)
      : undefined,
    fields: entries,
  };
}

/** A limit on the items of one array or map field, beyond the frame-wide ones. */
export interface ItemLimit {
  /** The limit, as named in {@link ProtocolLimits}. */
  readonly name: keyof ProtocolLimits;
  /** What is counted, for the error message ("The selections of one file"). */
  readonly what: string;
}

function tooMany(limit: ItemLimit, cx: ReadContext, actual: number): Invalid {
  return cx.failWith(limitExceeded(limit.name, cx.limits[limit.name], actual, limit.what));
}

/** An array whose items all read with `item`; at most `limit` items when one is given. */
export function arrayOf<T>(
  item: FieldCodec<T>,
  options: { readonly min?: number; readonly limit?: ItemLimit } = {},
): FieldCodec<readonly T[]> {
  const min = options.min ?? 0;
  const { limit } = options;
  const expected = min > 0 ? `an array of at least ${min} items` : 'an array';
  const writeItem = item.write;
  return {
    doc: `array of ${item.doc}${min > 0 ? `, ≥ ${min} items` : ''}${limit ? `, ≤ ${limit.name} items` : ''}`,
    optional: false,
    read(value, cx) {
      if (!Array.isArray(value) || value.length < min) return cx.fail(expected, value);
      if (limit !== undefined && value.length > cx.limits[limit.name]) {
        return tooMany(limit, cx, value.length);
      }
      const out: T[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const read = item.read(value[i], cx);
        if (read === INVALID) return cx.withinIndex(i);
        out[i] = read;
      }
      return out;
    },
    write: writeItem === undefined ? undefined : (value) => value.map(writeItem),
    items: { suffix: '[]', codec: item as FieldCodec<unknown> },
  };
}

/** An array of exactly two items, read with `first` and `second`. */
export function pair<A, B>(
  first: FieldCodec<A>,
  second: FieldCodec<B>,
  doc: string,
): FieldCodec<readonly [A, B]> {
  return {
    doc,
    optional: false,
    read(value, cx): readonly [A, B] | Invalid {
      if (!Array.isArray(value) || value.length !== 2) return cx.fail(`an array [${doc}]`, value);
      const a = first.read(value[0], cx);
      if (a === INVALID) return cx.withinIndex(0);
      const b = second.read(value[1], cx);
      if (b === INVALID) return cx.withinIndex(1);
      return [a, b];
    },
    write: undefined,
  };
}

/**
 * A map from keys that `key` accepts (named `keyName` in the docs) to values that `item` reads,
 * into a fresh object; at most `limit` entries.
 */
export function mapOf<T>(
  keyName: string,
  key: FieldCodec<string>,
  item: FieldCodec<T>,
  limit: ItemLimit,
): FieldCodec<Readonly<Record<string, T>>> {
  const writeItem = item.write;
  return {
    doc: `map: ${keyName} (${key.doc}) → ${item.doc}, ≤ ${limit.name} entries`,
    optional: false,
    read(value, cx) {
      if (!isMap(value)) return cx.fail('a map', value);
      const keys = Object.keys(value);
      if (keys.length > cx.limits[limit.name]) {
        return tooMany(limit, cx, keys.length);
      }
      const out: Record<string, T> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (key.read(k, cx) === INVALID) {
          cx.fail(`a key of ${key.doc}`, k);
          return cx.withinKey(k);
        }
        const read = item.read(value[k], cx);
        if (read === INVALID) return cx.withinKey(k);
        out[k] = read;
      }
      return out;
    },
    write: writeItem === undefined ? undefined : (value) => mapValues(value, writeItem),
    items: { suffix: `{${keyName}}`, codec: item as FieldCodec<unknown> },
  };
}

function mapValues<T>(map: Readonly<Record<string, T>>, fn: (value: T) => unknown): unknown {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(map)) out[key] = fn(map[key]!);
  return out;
}

/** A value any plain data may fill: what decoded msgpack holds, under the frame's limits. */
export type PlainValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly PlainValue[]
  | { readonly [key: string]: PlainValue };

/** A map of arbitrary plain data (error details, presence state, log records). */
export type PlainMap = { readonly [key: string]: PlainValue };

/**
 * A map of arbitrary plain data, kept as decoded (the frame scan has already bounded it). When
 * `check` is given it may refuse the map as a whole (a size limit).
 */
export function plainMap(
  check?: (value: PlainMap, cx: ReadContext) => PlainMap | Invalid,
  doc = 'map, free-form',
): FieldCodec<PlainMap> {
  return {
    doc,
    optional: false,
    read(value, cx) {
      if (!isMap(value)) return cx.fail('a map', value);
      return check === undefined ? (value as PlainMap) : check(value as PlainMap, cx);
    },
    write: undefined,
  };
}
