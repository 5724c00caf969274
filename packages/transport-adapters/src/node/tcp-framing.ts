import { DistSpaceError } from '@dist-space/ot-core';

/**
 * The TCP wire format. Every frame is a 4-byte big-endian header and a body. The header's top bit
 * marks a control frame; the other 31 bits are the body's length. A data frame's body is the
 * opaque frame. A control frame's body is one type byte and its content; the only type is
 * {@link CONTROL_CLOSE} (content: the close text `CODE: reason` in UTF-8).
 */
export const HEADER_BYTES = 4;

const CONTROL_BIT = 0x8000_0000;

/** The control frame type that closes the connection; the content is the close text. */
export const CONTROL_CLOSE = 1;

/** The largest control frame body accepted: a type byte and a close text. */
export const MAX_CONTROL_BODY = 1_024;

/** Encodes the header of a data frame of `length` bytes. */
export function dataHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  return header;
}

/**
 * Encodes a whole data frame in one buffer (one copy, fewer syscalls for small frames). A Node
 * `Buffer` from the shared pool: small allocations are cheap, and sockets take it without
 * converting.
 */
export function encodeDataFrame(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + frame.byteLength);
  out.writeUInt32BE(frame.byteLength, 0);
  out.set(frame, HEADER_BYTES);
  return out;
}

/** Encodes a control frame of `type` with `content`. */
export function encodeControlFrame(type: number, content: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + 1 + content.byteLength);
  new DataView(out.buffer).setUint32(0, (CONTROL_BIT | (1 + content.byteLength)) >>> 0, false);
  out[HEADER_BYTES] = type;
  out.set(content, HEADER_BYTES + 1);
  return out;
}

/** What the decoder hands on. */
export interface FrameSink {
  /** A whole data frame. It may be a view into the chunk it arrived in: do not write to it. */
  frame(body: Uint8Array): void;
  /** A whole control frame: its type and content. */
  control(type: number, content: Uint8Array): void;
}

/**
 * Splits a byte stream into frames incrementally. It holds only the bytes that have arrived (a
 * header announcing 8 MiB allocates nothing until 8 MiB are here), rejects a length over the
 * limit as soon as the header is read, and copies a body only when it spans chunks; a body inside
 * one chunk is handed on as a view of it.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  /** Bytes of `chunks[0]` already consumed. */
  private offset = 0;
  /** Bytes held and not consumed. */
  private held = 0;
  /** The header of the frame whose body is awaited, if any. */
  private body: { readonly length: number; readonly control: boolean } | undefined;
  private failed = false;

  constructor(
    private readonly maxFrameSize: number,
    private readonly sink: FrameSink,
  ) {}

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.held;
  }

  /**
   * Takes the next chunk of the stream and hands on every frame it completes. Returns an error
   * (and ignores all later input) when the stream breaks the format or the limit.
   */
  push(chunk: Uint8Array): DistSpaceError | undefined {
    if (this.failed) return undefined;
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.held += chunk.byteLength;
    }
    for (;;) {
      if (this.body === undefined) {
        if (this.held < HEADER_BYTES) return undefined;
        const bytes = this.take(HEADER_BYTES);
        const control = ((bytes[0] ?? 0) & 0x80) !== 0;
        const length =
          ((bytes[0] ?? 0) & 0x7f) * 0x100_0000 +
          ((bytes[1] ?? 0) << 16) +
          ((bytes[2] ?? 0) << 8) +
          (bytes[3] ?? 0);
        const limit = control ? MAX_CONTROL_BODY : this.maxFrameSize;
        if (length > limit) return this.fail(tooLarge(control, length, limit));
        if (control && length === 0) {
          return this.fail(
            new DistSpaceError('MALFORMED_FRAME', 'A control frame has no type byte.'),
          );
        }
        this.body = { length, control };
      }
      if (this.held < this.body.length) return undefined;
      const { length, control } = this.body;
      this.body = undefined;
      const body = this.take(length);
      if (!control) {
        this.sink.frame(body);
      } else {
        const type = body[0] ?? 0;
        if (type !== CONTROL_CLOSE) {
          return this.fail(
            new DistSpaceError('MALFORMED_FRAME', `Unknown control frame type ${type}.`, { type }),
          );
        }
        this.sink.control(type, body.subarray(1));
      }
      if (this.failed) return undefined;
    }
  }

  /** Stops decoding (the connection is closing): later input is ignored. */
  stop(): void {
    this.failed = true;
    this.chunks = [];
    this.held = 0;
  }

  /** Consumes `length` held bytes: a view when they lie in one chunk, else one copy. */
  private take(length: number): Uint8Array {
    this.held -= length;
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength - this.offset >= length) {
      const view = first.subarray(this.offset, this.offset + length);
      this.advance(length);
      return view;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.byteLength - this.offset, length - filled);
      out.set(chunk.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.advance(n);
    }
    return out;
  }

  private advance(n: number): void {
    this.offset += n;
    if (this.offset === this.chunks[0]?.byteLength) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  private fail(error: DistSpaceError): DistSpaceError {
    this.stop();
    return error;
  }
}

function tooLarge(control: boolean, length: number, limit: number): DistSpaceError {
  return new DistSpaceError(
    'LIMIT_EXCEEDED',
    control
      ? `A control frame announced ${length} bytes; control frames hold at most ${limit}.`
      : `A frame announced ${length} bytes, more than the ${limit}-byte limit.`,
    { frameSize: length, maxFrameSize: limit },
  );
}
