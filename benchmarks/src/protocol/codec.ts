import { isDeepStrictEqual } from 'node:util';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  messageFromValue,
  messageToValue,
  type Submit,
} from '@dist-space/protocol';
import { type Row, type SuiteOptions, timeContenders } from '../harness.js';

// Codec throughput of @dist-space/protocol against the same messages as JSON (JSON.stringify +
// TextEncoder out, TextDecoder + JSON.parse + the same field validation in), for the messages on
// the per-keystroke path, and their sizes.

/** A keystroke: one character inserted into one file. */
const keystroke: Submit = {
  type: 'Submit',
  workspace: 'acme.web-app',
  baseRevision: 48_213,
  clientId: 'alice-laptop_7f3a',
  seq: 1_207,
  change: [{ type: 'edit', id: 'alice:31', change: [{ type: 'insert', pos: 18_342, text: 'e' }] }],
};

/** A larger change: a 4 KiB paste into one file and a rename edited into 24 others. */
const refactor: Submit = {
  ...keystroke,
  seq: 1_208,
  change: [
    {
      type: 'edit',
      id: 'alice:31',
      change: [
        { type: 'insert', pos: 18_343, text: 'const value = compute(input);\n'.repeat(136) },
      ],
    },
    ...Array.from({ length: 24 }, (_, file) => ({
      type: 'edit' as const,
      id: `bob:${100 + file}`,
      change: Array.from({ length: 4 }, (_, k) => ({
        type: 'replace' as const,
        pos: 120 + k * 800,
        len: 10,
        text: 'parseInput',
        deleted: 'readInput_',
      })),
    })),
  ],
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const codecs = {
  ours: {
    encode: (m: Message) => encodeMessage(m),
    decode: (bytes: Uint8Array) => decodeMessage(bytes),
  },
  json: {
    encode: (m: Message) => encoder.encode(JSON.stringify(messageToValue(m))),
    decode: (bytes: Uint8Array) => messageFromValue(JSON.parse(decoder.decode(bytes))),
  },
};

type CodecName = keyof typeof codecs;
const NAMES = Object.keys(codecs) as CodecName[];

/**
 * Thousands of messages per second for `work` done `count` times per timed run (messages per
 * millisecond are thousands per second), ours and JSON timed in turn.
 */
function throughput(
  work: (codec: CodecName) => () => void,
  count: number,
  options: SuiteOptions,
): Record<CodecName, number> {
  const timings = timeContenders(
    NAMES.map((name) => {
      const once = work(name);
      return {
        name,
        run: () => {
          for (let i = 0; i < count; i++) once();
        },
      };
    }),
    options,
  );
  return { ours: count / timings.get('ours')!.median, json: count / timings.get('json')!.median };
}

/** Encode and decode throughput and size rows for a keystroke Submit and a larger one. */
export function protocolCodecRows(options: SuiteOptions): Row[] {
  const rows: Row[] = [];
  for (const [label, message, count] of [
    ['Submit, keystroke', keystroke, 20_000],
    ['Submit, 4 KiB paste + 96 edits in 25 files', refactor, 400],
  ] as const) {
    const n = options.smoke ? Math.ceil(count / 50) : count;
    const frames = { ours: codecs.ours.encode(message), json: codecs.json.encode(message) };
    // Both codecs must give back the message they were given.
    const wrong = NAMES.filter((name) => {
      const back = codecs[name].decode(frames[name]);
      return !back.ok || !isDeepStrictEqual(back.value, message);
    });
    const verified = wrong.length === 0;
    const notes = wrong.length === 0 ? undefined : `wrong round trip: ${wrong.join(', ')}`;
    const encode = throughput((name) => () => codecs[name].encode(message), n, options);
    const decode = throughput((name) => () => codecs[name].decode(frames[name]), n, options);
    const unit = 'k msgs/s';
    const common = { verified, ...(notes === undefined ? {} : { notes }) };
    rows.push(
      { name: `encode ${label}`, ours: encode.ours, peers: { json: encode.json }, unit, ...common },
      { name: `decode ${label}`, ours: decode.ours, peers: { json: decode.json }, unit, ...common },
      {
        name: `frame size ${label}`,
        ours: frames.ours.byteLength,
        peers: { json: frames.json.byteLength },
        unit: 'bytes',
        ...common,
      },
    );
  }
  return rows;
}
