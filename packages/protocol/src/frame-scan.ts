import type { DistSpaceError } from '@dist-space/ot-core';
import { limitExceeded, malformedFrame } from './errors.js';
import type { ProtocolLimits } from './limits.js';
import { isStrictUtf8 } from './utf8.js';

/**
 * @msgpack/msgpack decodes strings longer than this many bytes with `TextDecoder`, which drops a
 * leading byte-order mark; shorter ones it decodes itself and keeps the mark.
 */
const TEXT_DECODER_THRESHOLD = 200;

/**
 * A structural pass over a frame before @msgpack/msgpack decodes it. The library's decoder is
 * iterative, so nesting cannot overflow the call stack, but it trusts declared lengths: a
 * truncated frame of `array16(65535)` headers makes it allocate about 170 KB per input byte
 * before it notices the data is missing. This pass walks the headers without allocating and
 * refuses, before anything is built:
 *
 * - a declared array, map, string or binary length that the remaining bytes cannot hold;
 * - arrays, maps and strings over the limits, nesting deeper than `maxDepth`;
 * - extension types and the never-used byte 0xc1 (the protocol uses neither);
 * - map keys that are not strings, and the key `__proto__`;
 * - strings that are not strict UTF-8 (overlong forms, encoded surrogates, truncated sequences),
 *   which the library's own decoder would turn into lone surrogates or other characters;
 * - trailing bytes after the one top-level value.
 *
 * It also notes what the decoder needs to know to stay exact: whether a string long enough for
 * the `TextDecoder` path starts with a byte-order mark, and where binary values start.
 */
export class FrameScanner {
  /** Items (map entries count twice) still to read at each nesting level; level 0 is the frame. */
  private readonly remaining: Float64Array;
  /** 1 where the level is a map, so that every other item is a key. */
  private readonly isMap: Uint8Array;

  /** After a successful scan: a long string starts with U+FEFF (see {@link FrameScanner}). */
  hasBomString = false;
  /** After a successful scan: the offsets in the frame where binary values' bytes start. */
  readonly binaryOffsets: number[] = [];

  /** @param limits - the resolved limits this scanner enforces */
  constructor(private readonly limits: ProtocolLimits) {
    this.remaining = new Float64Array(limits.maxDepth + 1);
    this.isMap = new Uint8Array(limits.maxDepth + 1);
  }

  /** Walks `bytes`; returns the first problem found, or undefined when the frame is sound. */
  scan(bytes: Uint8Array, maxBytes: number, maxBytesName: string): DistSpaceError | undefined {
    const { limits, remaining, isMap } = this;
    const end = bytes.length;
    if (end > maxBytes) return limitExceeded(maxBytesName, maxBytes, end, 'The frame size');
    if (end === 0) return malformedFrame('it is empty');
    this.hasBomString = false;
    this.binaryOffsets.length = 0;
    let pos = 0;
    let depth = 0;
    remaining[0] = 1;
    isMap[0] = 0;
    for (;;) {
      const left = remaining[depth]!;
      if (left === 0) {
        if (depth === 0) break;
        depth--;
        continue;
      }
      remaining[depth] = left - 1;
      const expectKey = isMap[depth] === 1 && left % 2 === 0;
      if (pos >= end) return truncated(pos);
      const head = bytes[pos++]!;
      let size: number;
      let container = 0; // 1 array, 2 map
      let skip = 0;
      let isString = false;
      if (head <= 0x7f || head >= 0xe0) {
        if (expectKey) return keyNotString(pos - 1);
        continue;
      }
      if (head <= 0x8f) {
        container = 2;
        size = head - 0x80;
      } else if (head <= 0x9f) {
        container = 1;
        size = head - 0x90;
      } else if (head <= 0xbf) {
        isString = true;
        size = head - 0xa0;
      } else {
        const lengthBytes = LENGTH_BYTES[head - 0xc0]!;
        if (lengthBytes < 0) {
          if (head === 0xc1) return malformedFrame(`byte 0xc1 at ${pos - 1} is never used`);
          return malformedFrame(
            `the extension type at byte ${pos - 1} is not used by the protocol`,
          );
        }
        if (pos + lengthBytes > end) return truncated(pos);
        const kind = KIND[head - 0xc0]!;
        if (kind === SCALAR) {
          if (expectKey) return keyNotString(pos - 1);
          pos += lengthBytes;
          continue;
        }
        size = readLength(bytes, pos, lengthBytes);
        pos += lengthBytes;
        if (kind === STR) isString = true;
        else if (kind === ARRAY) container = 1;
        else if (kind === MAP) container = 2;
        else skip = size; // binary
      }
      if (expectKey && !isString) return keyNotString(pos - 1);
      if (isString) {
        if (size > limits.maxStringBytes) {
          return limitExceeded('maxStringBytes', limits.maxStringBytes, size, 'A string');
        }
        if (pos + size > end) return truncated(pos);
        if (!isStrictUtf8(bytes, pos, pos + size)) {
          return malformedFrame(`the string at byte ${pos} is not valid UTF-8`);
        }
        if (expectKey && size === 9 && isProtoKey(bytes, pos)) {
          return malformedFrame(`the map key __proto__ at byte ${pos} is not allowed`);
        }
        if (
          size > TEXT_DECODER_THRESHOLD &&
          bytes[pos] === 0xef &&
          bytes[pos + 1] === 0xbb &&
          bytes[pos + 2] === 0xbf
        ) {
          this.hasBomString = true;
        }
        pos += size;
        continue;
      }
      if (container === 0) {
        if (pos + skip > end) return truncated(pos);
        this.binaryOffsets.push(pos);
        pos += skip;
        continue;
      }
      if (container === 1 && size > limits.maxArrayLength) {
        return limitExceeded('maxArrayLength', limits.maxArrayLength, size, 'An array');
      }
      if (container === 2 && size > limits.maxMapSize) {
        return limitExceeded('maxMapSize', limits.maxMapSize, size, 'A map');
      }
      const items = container === 2 ? size * 2 : size;
      // Every item takes at least one byte: a longer declaration is a lie, refused before any
      // decoder allocates room for it.
      if (items > end - pos) return truncated(pos);
      if (depth + 1 > limits.maxDepth) {
        return limitExceeded(
          'maxDepth',
          limits.maxDepth,
          undefined,
          'The nesting of arrays and maps',
        );
      }
      if (items === 0) continue;
      depth++;
      remaining[depth] = items;
      isMap[depth] = container === 2 ? 1 : 0;
    }
    if (pos !== end) {
      return malformedFrame(`${end - pos} bytes follow the message`, { trailingBytes: end - pos });
    }
    return undefined;
  }
}

const SCALAR = 0;
const STR = 1;
const BIN = 2;
const ARRAY = 3;
const MAP = 4;

// For head bytes 0xc0..0xdf: the bytes after the head that hold a scalar or a length (-1 for
// extension types and 0xc1), and what the head introduces.
const LENGTH_BYTES = Int8Array.from([
  0, -1, 0, 0, 1, 2, 4, -1, -1, -1, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, -1, -1, -1, -1, -1, 1, 2, 4, 2, 4,
  2, 4,
]);
const KIND = Uint8Array.from([
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  BIN,
  BIN,
  BIN,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  SCALAR,
  STR,
  STR,
  STR,
  ARRAY,
  ARRAY,
  MAP,
  MAP,
]);

function readLength(bytes: Uint8Array, pos: number, lengthBytes: number): number {
  if (lengthBytes === 1) return bytes[pos]!;
  if (lengthBytes === 2) return (bytes[pos]! << 8) | bytes[pos + 1]!;
  return (
    bytes[pos]! * 0x1000000 + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!)
  );
}

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

function isProtoKey(bytes: Uint8Array, pos: number): boolean {
  for (let i = 0; i < 9; i++) if (bytes[pos + i] !== PROTO[i]) return false;
  return true;
}

function truncated(pos: number): DistSpaceError {
  return malformedFrame(`it ends before the value at byte ${pos} is complete`, { offset: pos });
}

function keyNotString(pos: number): DistSpaceError {
  return malformedFrame(`the map key at byte ${pos} is not a string (keys must be strings)`, {
    offset: pos,
  });
}
