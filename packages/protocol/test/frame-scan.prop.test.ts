import { DEFAULT_PROTOCOL_LIMITS, type PlainValue } from '@dist-space/protocol';
import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { decodeFrameValue } from '../src/frame-codec.js';
import { isStrictUtf8 } from '../src/utf8.js';
import { plainValue } from './support/arbitraries.js';

/**
 * Writes `value` as msgpack choosing, wherever msgpack allows several forms (fixint or int64,
 * fixstr or str32, ...), the one `choose` picks: the forms other languages' encoders use. The
 * frame scan must accept every form exactly as @msgpack/msgpack decodes it.
 */
function writeAnyForm(value: PlainValue, choose: (n: number) => number): number[] {
  const out: number[] = [];
  const be = (n: number, bytes: number) => {
    for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  };
  const put = (head: number, n: number, bytes: number) => {
    out.push(head);
    be(n, bytes);
  };
  const f64 = (x: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    out.push(0xcb, ...new Uint8Array(view.buffer));
  };
  const header = (n: number, fix: [number, number] | undefined, heads: number[]) => {
    const forms: Array<() => void> = [];
    if (fix !== undefined && n < fix[1]) forms.push(() => out.push(fix[0] + n));
    if (n < 256 && heads[0] !== undefined) forms.push(() => put(heads[0]!, n, 1));
    if (n < 65_536) forms.push(() => put(heads[1]!, n, 2));
    forms.push(() => put(heads[2]!, n, 4));
    forms[choose(forms.length)]!();
  };
  const write = (v: PlainValue): void => {
    if (v === null) out.push(0xc0);
    else if (typeof v === 'boolean') out.push(v ? 0xc3 : 0xc2);
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) {
        if (Math.fround(v) === v && choose(2) === 0) {
          const view = new DataView(new ArrayBuffer(4));
          view.setFloat32(0, v);
          out.push(0xca, ...new Uint8Array(view.buffer));
        } else f64(v);
        return;
      }
      const forms: Array<() => void> = [() => f64(v)];
      if (v >= 0 && v < 128) forms.push(() => out.push(v));
      if (v < 0 && v >= -32) forms.push(() => out.push(v + 256));
      if (v >= 0 && v < 2 ** 8) forms.push(() => put(0xcc, v, 1));
      if (v >= 0 && v < 2 ** 16) forms.push(() => put(0xcd, v, 2));
      if (v >= 0 && v < 2 ** 32) forms.push(() => put(0xce, v, 4));
      if (v >= 0) forms.push(() => put(0xcf, v, 8));
      if (v >= -(2 ** 7) && v < 2 ** 7) forms.push(() => put(0xd0, v & 0xff, 1));
      if (v >= -(2 ** 15) && v < 2 ** 15) forms.push(() => put(0xd1, v & 0xffff, 2));
      if (v >= -(2 ** 31) && v < 2 ** 31) forms.push(() => put(0xd2, v >>> 0, 4));
      forms.push(() => {
        const view = new DataView(new ArrayBuffer(8));
        view.setBigInt64(0, BigInt(v));
        out.push(0xd3, ...new Uint8Array(view.buffer));
      });
      forms[choose(forms.length)]!();
    } else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v);
      header(bytes.length, [0xa0, 32], [0xd9, 0xda, 0xdb]);
      out.push(...bytes);
    } else if (v instanceof Uint8Array) {
      header(v.length, undefined, [0xc4, 0xc5, 0xc6]);
      out.push(...v);
    } else if (Array.isArray(v)) {
      header(v.length, [0x90, 16], [undefined as unknown as number, 0xdc, 0xdd]);
      for (const item of v) write(item);
    } else {
      const entries = Object.entries(v as Record<string, PlainValue>);
      header(entries.length, [0x80, 16], [undefined as unknown as number, 0xde, 0xdf]);
      for (const [key, item] of entries) {
        write(key);
        write(item);
      }
    }
  };
  write(value);
  return out;
}

describe('the frame scan', () => {
  it('accepts every msgpack form of a value, and decodes it as @msgpack/msgpack does', async () => {
    await assertInChunks(
      fc.property(
        plainValue,
        fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
        (value, picks) => {
          let turn = 0;
          const bytes = Uint8Array.from(
            writeAnyForm(value, (n) => picks[turn++ % picks.length]! % n),
          );
          const ours = decodeFrameValue(bytes, DEFAULT_PROTOCOL_LIMITS);
          expect(ours).toEqual({ ok: true, value: decode(bytes) });
          expect(ours).toEqual({ ok: true, value });
        },
      ),
    );
  });

  it('judges UTF-8 exactly as a fatal TextDecoder does', async () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (bytes: Uint8Array) => {
      try {
        fatal.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    const nearUtf8 = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(
          0x80,
          0xbf,
          0xc0,
          0xc1,
          0xc2,
          0xdf,
          0xe0,
          0xed,
          0xef,
          0xf0,
          0xf4,
          0xf5,
          0x9f,
          0xa0,
          0x8f,
          0x90,
        ),
      ),
      { maxLength: 12 },
    );
    const text = fc
      .string({ unit: 'binary', maxLength: 8 })
      .map((s) => Array.from(new TextEncoder().encode(s)));
    await assertInChunks(
      fc.property(fc.oneof(nearUtf8, text), (array) => {
        const bytes = Uint8Array.from(array);
        expect(isStrictUtf8(bytes, 0, bytes.length)).toBe(valid(bytes));
      }),
    );
  });
});
