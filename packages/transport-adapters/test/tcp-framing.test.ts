import { describe, expect, it } from 'vitest';
import {
  CONTROL_CLOSE,
  encodeControlFrame,
  encodeDataFrame,
  FrameDecoder,
  MAX_CONTROL_BODY,
} from '../src/node/tcp-framing.js';

function decoderLog(maxFrameSize: number) {
  const frames: Uint8Array[] = [];
  const controls: { type: number; content: Uint8Array }[] = [];
  const decoder = new FrameDecoder(maxFrameSize, {
    frame: (body) => frames.push(body),
    control: (type, content) => controls.push({ type, content: content.slice() }),
  });
  return { decoder, frames, controls };
}

describe('the TCP frame decoder', () => {
  it('reads a data frame: 4-byte big-endian length, then the body', () => {
    const { decoder, frames } = decoderLog(100);
    expect(decoder.push(Uint8Array.of(0, 0, 0, 3, 7, 8, 9))).toBeUndefined();
    expect(frames).toEqual([Uint8Array.of(7, 8, 9)]);
  });

  it('hands on a body inside one chunk as a view of it, without copying', () => {
    const { decoder, frames } = decoderLog(100);
    const chunk = Uint8Array.of(0, 0, 0, 2, 1, 2, 0, 0, 0, 1, 3);
    decoder.push(chunk);
    expect(frames.map((frame) => frame.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it('assembles a frame split across chunks, byte by byte', () => {
    const { decoder, frames } = decoderLog(100);
    for (const byte of encodeDataFrame(Uint8Array.of(1, 2, 3, 4, 5))) {
      decoder.push(Uint8Array.of(byte));
    }
    expect(frames).toEqual([Uint8Array.of(1, 2, 3, 4, 5)]);
  });

  it('holds only what arrived for a frame announced large', () => {
    const { decoder } = decoderLog(8 * 1024 * 1024);
    decoder.push(Uint8Array.of(0, 0x80, 0, 0, 1));
    expect(decoder.bufferedBytes).toBe(1);
  });

  it('accepts a frame of exactly the limit and rejects one byte over, from the header alone', () => {
    const { decoder, frames } = decoderLog(4);
    expect(decoder.push(encodeDataFrame(Uint8Array.of(1, 2, 3, 4)))).toBeUndefined();
    expect(frames).toHaveLength(1);
    const error = decoder.push(Uint8Array.of(0, 0, 0, 5));
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.details).toMatchObject({ frameSize: 5, maxFrameSize: 4 });
  });

  it('rejects a 4 GiB length prefix as LIMIT_EXCEEDED and ignores everything after', () => {
    const { decoder, frames } = decoderLog(1024);
    expect(decoder.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff))?.code).toBe('LIMIT_EXCEEDED');
    expect(decoder.push(encodeDataFrame(Uint8Array.of(1)))).toBeUndefined();
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reads a close control frame and rejects unknown or oversized control frames', () => {
    const { decoder, controls } = decoderLog(100);
    decoder.push(encodeControlFrame(CONTROL_CLOSE, new TextEncoder().encode('NORMAL: bye')));
    expect(controls).toEqual([
      { type: CONTROL_CLOSE, content: new TextEncoder().encode('NORMAL: bye') },
    ]);
    expect(decoderLog(100).decoder.push(encodeControlFrame(9, new Uint8Array(0)))?.code).toBe(
      'MALFORMED_FRAME',
    );
    expect(decoderLog(100).decoder.push(Uint8Array.of(0x80, 0, 0, 0))?.code).toBe(
      'MALFORMED_FRAME',
    );
    const oversized = encodeControlFrame(CONTROL_CLOSE, new Uint8Array(MAX_CONTROL_BODY));
    expect(decoderLog(1 << 20).decoder.push(oversized)?.code).toBe('LIMIT_EXCEEDED');
  });
});
