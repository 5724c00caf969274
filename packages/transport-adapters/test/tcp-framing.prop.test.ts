import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { encodeDataFrame, FrameDecoder } from '../src/node/tcp-framing.js';

/** Feeds `stream` to a decoder in pieces cut at `cuts` and returns what came out. */
function decodeInPieces(stream: Uint8Array, cuts: number[], maxFrameSize: number) {
  const frames: Uint8Array[] = [];
  const decoder = new FrameDecoder(maxFrameSize, {
    frame: (body) => frames.push(body.slice()),
    control: () => {},
  });
  const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  let error: string | undefined;
  for (const end of [...points, stream.length]) {
    error ??= decoder.push(stream.subarray(start, end))?.code;
    start = end;
  }
  return { frames, error, held: decoder.bufferedBytes };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('the TCP frame decoder, on generated streams', () => {
  it('yields the frames that were encoded, however the stream is cut into chunks', async () => {
    await assertInChunks(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          const stream = concat(frames.map(encodeDataFrame));
          const result = decodeInPieces(stream, cuts, 300);
          expect(result.error).toBeUndefined();
          expect(result.frames).toEqual(frames);
          expect(result.held).toBe(0);
        },
      ),
    );
  });

  it('never throws on arbitrary bytes, and never hands on a frame over the limit', async () => {
    await assertInChunks(
      fc.property(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (bytes, cuts) => {
          const result = decodeInPieces(bytes, cuts, 64);
          expect(result.frames.every((frame) => frame.length <= 64)).toBe(true);
          expect(result.held).toBeLessThanOrEqual(64 + 4);
          expect([undefined, 'LIMIT_EXCEEDED', 'MALFORMED_FRAME']).toContain(result.error);
        },
      ),
    );
  });
});
