/**
 * True when `bytes[start..end)` is well-formed UTF-8 as the Unicode standard defines it: no
 * overlong forms, no encoded surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 * sequence. ASCII runs take a fast path, as most text is ASCII.
 */
export function isStrictUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b < 0xc2) return false; // a continuation byte first, or an overlong 2-byte form
    if (b < 0xe0) {
      if (i + 1 >= end || !isContinuation(bytes[i + 1]!)) return false;
      i += 2;
      continue;
    }
    if (b < 0xf0) {
      if (i + 2 >= end) return false;
      const b1 = bytes[i + 1]!;
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      const low = b === 0xe0 ? 0xa0 : 0x80;
      const high = b === 0xed ? 0x9f : 0xbf;
      if (b1 < low || b1 > high || !isContinuation(bytes[i + 2]!)) return false;
      i += 3;
      continue;
    }
    if (b < 0xf5) {
      if (i + 3 >= end) return false;
      const b1 = bytes[i + 1]!;
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
      const low = b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xf4 ? 0x8f : 0xbf;
      if (b1 < low || b1 > high) return false;
      if (!isContinuation(bytes[i + 2]!) || !isContinuation(bytes[i + 3]!)) return false;
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}
