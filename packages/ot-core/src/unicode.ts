/** True for a UTF-16 high (leading) surrogate code unit, U+D800..U+DBFF. */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True for a UTF-16 low (trailing) surrogate code unit, U+DC00..U+DFFF. */
export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * True when a cut of `text` before index `pos` would separate a surrogate pair. Positions 0 and
 * `text.length` never split.
 */
export function splitsSurrogatePair(text: string, pos: number): boolean {
  return (
    pos > 0 &&
    pos < text.length &&
    isLowSurrogate(text.charCodeAt(pos)) &&
    isHighSurrogate(text.charCodeAt(pos - 1))
  );
}

/**
 * True when `text` holds no lone surrogate, so that it is valid UTF-16 on its own and cannot pair
 * up with a neighbour when inserted. One- and two-unit strings (a keystroke) are checked
 * without a regular expression, as they are the hot path.
 */
export function isWellFormed(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (n === 1) {
    const c = text.charCodeAt(0);
    return c < 0xd800 || c > 0xdfff;
  }
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}
