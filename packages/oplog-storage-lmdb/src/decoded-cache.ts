// Decoded records remembered with the bytes they came from (see `DecodedCache`), in each cache;
// every store has its own caches.
const DECODED_CACHE_ENTRIES = 4096;

/**
 * Records decoded earlier, each with the exact bytes it was decoded from. A reader still reads
 * the bytes from the database every time (another process may have changed them) and only skips
 * the checksum and decoding when they are the bytes it decoded before. Bounded: it forgets
 * everything when full, which costs one decode per record afterwards.
 */
export class DecodedCache<T> {
  readonly #entries = new Map<string, { readonly bytes: Uint8Array; readonly value: T }>();

  /** The value decoded from `bytes` under `key`, decoding (and remembering) it when new. */
  get(key: string, bytes: Uint8Array, decode: (bytes: Uint8Array) => T): T {
    const known = this.#entries.get(key);
    if (known !== undefined && Buffer.compare(known.bytes, bytes) === 0) return known.value;
    const value = decode(bytes);
    this.remember(key, bytes, value);
    return value;
  }

  /** Remembers that `bytes` (which the caller encoded, or decoded) hold `value`. */
  remember(key: string, bytes: Uint8Array, value: T): void {
    if (this.#entries.size >= DECODED_CACHE_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { bytes, value });
  }
}
