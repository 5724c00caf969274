import { err, ok, type Result } from '@dist-space/ot-core';
import { Decoder, type DecoderOptions, Encoder } from '@msgpack/msgpack';
import { malformedFrame } from './errors.js';
import { FrameScanner } from './frame-scan.js';
import { MAX_CONFIGURABLE_DEPTH, type ProtocolLimits } from './limits.js';

/**
 * One shared encoder: @msgpack/msgpack's instances keep their buffer between calls, which is
 * several times faster for small messages than the free `encode`. Undefined fields are left out,
 * as the protocol has no undefined.
 */
const encoder = new Encoder({ ignoreUndefined: true, maxDepth: MAX_CONFIGURABLE_DEPTH + 8 });

/** Frames up to this size are copied into a shared slab; larger ones get their own buffer. */
const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_FRAME = SLAB_BYTES / 16;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * Encodes a plain value (already in wire form) to msgpack. The encoder writes into its own
 * buffer; copying a small frame out of it into a fresh ArrayBuffer (`encode`'s `slice`) costs
 * about as much as encoding it, so small frames are copied into a shared slab instead, as Node's
 * Buffer pool does: the result may be a view into a larger buffer. Slab space is never reused, so
 * the bytes stay as they are.
 */
export function encodeValue(value: unknown): Uint8Array {
  const encoded = encoder.encodeSharedRef(value);
  const size = encoded.byteLength;
  if (size > MAX_SLAB_FRAME) return encoded.slice();
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const frame = slab.subarray(slabUsed, slabUsed + size);
  frame.set(encoded);
  slabUsed += size;
  return frame;
}

/**
 * The msgpack size of a plain value, without keeping a copy of its bytes; undefined when it cannot
 * be encoded (nested deeper than the encoder allows, or holding functions or symbols), which only
 * a value that did not come from a frame can be.
 */
export function encodedSize(value: unknown): number | undefined {
  try {
    return encoder.encodeSharedRef(value).byteLength;
  } catch {
    return undefined;
  }
}

/** A text decoder that keeps a leading byte-order mark: it is content, not a marker, here. */
const bomKeepingText = new TextDecoder('utf-8', { ignoreBOM: true });

/** Map keys for the byte-order-mark path: every key through {@link bomKeepingText}. */
const bomKeepingKeys: NonNullable<DecoderOptions['keyDecoder']> = {
  canBeCached: () => true,
  decode: (bytes, offset, length) => bomKeepingText.decode(bytes.subarray(offset, offset + length)),
};

interface FrameDecoders {
  readonly scanner: FrameScanner;
  readonly decoder: Decoder;
  /** Built on first need: decodes strings as bytes, which {@link restoreStrings} then reads. */
  bomKeeping?: Decoder;
}

const decodersByLimits = new WeakMap<ProtocolLimits, FrameDecoders>();

function decodersFor(limits: ProtocolLimits): FrameDecoders {
  let found = decodersByLimits.get(limits);
  if (found === undefined) {
    found = {
      scanner: new FrameScanner(limits),
      decoder: new Decoder(decoderOptions(limits, false)),
    };
    decodersByLimits.set(limits, found);
  }
  return found;
}

// The scan has already enforced every bound; the library's own limits are a second line.
function decoderOptions(limits: ProtocolLimits, rawStrings: boolean) {
  const largest = Math.max(limits.maxFrameBytes, limits.maxSnapshotBytes);
  return {
    maxStrLength: limits.maxStringBytes,
    maxBinLength: rawStrings ? Math.max(largest, limits.maxStringBytes) : largest,
    maxArrayLength: limits.maxArrayLength,
    maxMapLength: limits.maxMapSize,
    maxExtLength: 0,
    rawStrings,
    ...(rawStrings ? { keyDecoder: bomKeepingKeys } : {}),
  };
}

/**
 * Decodes one msgpack value from an untrusted frame: first {@link FrameScanner} checks its
 * structure and limits, then @msgpack/msgpack builds it. Never throws.
 *
 * @param maxBytes - the size bound for this frame (`maxFrameBytes`, or `maxSnapshotBytes` for a
 *   joined snapshot) and `maxBytesName` its name for the error
 * @returns the value, or `MALFORMED_FRAME` / `LIMIT_EXCEEDED`
 */
export function decodeFrameValue(
  bytes: Uint8Array,
  limits: ProtocolLimits,
  maxBytes = limits.maxFrameBytes,
  maxBytesName = 'maxFrameBytes',
): Result<unknown> {
  const decoders = decodersFor(limits);
  const problem = decoders.scanner.scan(bytes, maxBytes, maxBytesName);
  if (problem !== undefined) return err(problem);
  try {
    if (!decoders.scanner.hasBomString) return ok(decoders.decoder.decode(bytes));
    decoders.bomKeeping ??= new Decoder(decoderOptions(limits, true));
    const value = decoders.bomKeeping.decode(bytes);
    return ok(restoreStrings(value, bytes, decoders.scanner.binaryOffsets));
  } catch (e) {
    // The scan admits only what the library decodes; reaching this is a bug in the scan, but a
    // peer's frame must still not take the caller down.
    const reason = e instanceof Error ? e.message : String(e);
    return err(malformedFrame(`msgpack could not decode it (${reason})`));
  }
}

/**
 * @msgpack/msgpack decodes strings over 200 bytes with a default `TextDecoder`, which strips a
 * leading U+FEFF: a file starting with a byte-order mark would lose it in transit and replicas
 * would diverge. Frames holding such a string are decoded with strings as raw bytes instead, and
 * this puts them back as text, keeping the mark. Binary values are told apart by their offset in
 * the frame (the decoder returns views into it), which the scan recorded.
 */
function restoreStrings(value: unknown, frame: Uint8Array, binaryOffsets: number[]): unknown {
  if (value instanceof Uint8Array) {
    if (binaryOffsets.includes(value.byteOffset - frame.byteOffset)) return value;
    return bomKeepingText.decode(value);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      value[i] = restoreStrings(value[i], frame, binaryOffsets);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const map = value as Record<string, unknown>;
    for (const key of Object.keys(map)) map[key] = restoreStrings(map[key], frame, binaryOffsets);
  }
  return value;
}
