import { isWorkspaceId } from './fields/identifiers.js';
import { messageTypeById } from './message-types.js';

/** Who a frame is addressed to, as far as its first fields tell. */
export interface FrameAddress {
  /** The message type's name. */
  readonly type: string;
  readonly requestId?: number;
  readonly workspace?: string;
  readonly seq?: number;
}

// Longest workspace id worth reading here: the field's own limit is far below it.
const MAX_PEEKED_STRING = 1024;
const ADDRESS_KEYS = new Set(['requestId', 'workspace', 'seq']);
const keyText = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the type of a frame and the scalar fields that address it (`requestId`, `workspace`,
 * `seq`) without decoding the rest: for a frame refused as a whole (a string or array over the
 * limits), so that the refusal can still be a Reject of that Submit's seq, or an Error with that
 * request's id. A peer that waits for that answer would otherwise wait for ever. It reads the
 * envelope's map in order and stops at the first value that is not a scalar (the change of a
 * Submit comes after its address), at anything unexpected, and at the end of the bytes; it never
 * allocates more than a short string.
 *
 * @returns the address, or undefined when the frame does not start as an envelope
 *   `[typeId, {…}]` of a known type
 */
export function peekFrameAddress(bytes: Uint8Array): FrameAddress | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const byte = (): number => (pos < bytes.length ? bytes[pos++]! : -1);
  const uint = (size: 1 | 2 | 4 | 8): number | undefined => {
    if (pos + size > bytes.length) return undefined;
    const at = pos;
    pos += size;
    if (size === 1) return view.getUint8(at);
    if (size === 2) return view.getUint16(at);
    if (size === 4) return view.getUint32(at);
    const big = view.getBigUint64(at);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : undefined;
  };
  const text = (length: number | undefined): string | undefined => {
    if (length === undefined || length > MAX_PEEKED_STRING || pos + length > bytes.length) {
      return undefined;
    }
    const at = pos;
    pos += length;
    try {
      return keyText.decode(bytes.subarray(at, at + length));
    } catch {
      return undefined;
    }
  };
  /** A scalar value: its number or string, null for the others; undefined to stop. */
  const scalar = (): number | string | null | undefined => {
    const b = byte();
    if (b < 0) return undefined;
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return text(b & 0x1f);
    switch (b) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        return null;
      case 0xcc:
        return uint(1);
      case 0xcd:
        return uint(2);
      case 0xce:
        return uint(4);
      case 0xcf:
        return uint(8);
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
      case 0xca:
        // Signed and 32-bit float values are never an address: skip them.
        pos += b === 0xca ? 4 : 1 << (b - 0xd0);
        return pos <= bytes.length ? null : undefined;
      case 0xcb:
        if (pos + 8 > bytes.length) return undefined;
        pos += 8;
        return view.getFloat64(pos - 8);
      case 0xd9:
        return text(uint(1));
      case 0xda:
        return text(uint(2));
      default:
        return undefined; // an array, a map, binary or a long string: the address is over
    }
  };
  const envelope = byte();
  if (envelope !== 0x92 && !(envelope === 0xdc && uint(2) === 2)) return undefined;
  const typeId = scalar();
  const spec = typeof typeId === 'number' ? messageTypeById(typeId) : undefined;
  if (spec === undefined) return undefined;
  const head = byte();
  const entries =
    head >= 0x80 && head <= 0x8f
      ? head & 0x0f
      : head === 0xde
        ? uint(2)
        : head === 0xdf
          ? uint(4)
          : undefined;
  if (entries === undefined) return undefined;
  const address: { type: string; requestId?: number; workspace?: string; seq?: number } = {
    type: spec.name,
  };
  for (let i = 0; i < entries; i++) {
    const key = scalar();
    if (typeof key !== 'string') break;
    const value = scalar();
    if (value === undefined) break;
    if (!ADDRESS_KEYS.has(key)) continue;
    // Only what the field itself would accept: the address goes back out in a Reject or Error.
    if (key === 'workspace' && isWorkspaceId(value)) address.workspace = value;
    else if (key !== 'workspace' && typeof value === 'number' && Number.isSafeInteger(value)) {
      address[key as 'requestId' | 'seq'] = value;
    }
  }
  return address;
}
