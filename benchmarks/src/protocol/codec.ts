import { isDeepStrictEqual } from 'node:util';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  messageFromValue,
  messageToValue,
  type Submit,
} from '@dist-space/protocol';

// Codec throughput of @dist-space/protocol against the same messages as JSON (JSON.stringify +
// TextEncoder out, TextDecoder + JSON.parse + the same field validation in), for the messages on
// the per-keystroke path. Rows follow the benchmark harness's shape (name, ours, peers, verified,
// unit) so that a suite can return them as they are.

/** One result row, as the benchmark harness reports it. */
export interface CodecRow {
  name: string;
  ours: number;
  peers: { json: number };
  verified: boolean;
  unit: string;
  notes?: string;
}

/** How to run: timed runs per case (the median is reported), or one quick smoke run. */
export interface CodecBenchOptions {
  readonly runs: number;
  readonly smoke: boolean;
}

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Messages per second of `work` run `count` times, as the median of `runs` timed runs taken in
 * turn with the other codec's (after one untimed warm-up each), so that noise falls on both.
 */
function throughput(
  work: Record<CodecName, () => void>,
  count: number,
  options: CodecBenchOptions,
): Record<CodecName, number> {
  const runs = options.smoke ? 1 : options.runs;
  const samples: Record<CodecName, number[]> = { ours: [], json: [] };
  const names = Object.keys(work) as CodecName[];
  if (!options.smoke) for (const name of names) for (let i = 0; i < count; i++) work[name]();
  for (let round = 0; round < runs; round++) {
    for (const name of names) {
      const start = performance.now();
      for (let i = 0; i < count; i++) work[name]();
      samples[name].push(performance.now() - start);
    }
  }
  // Messages per millisecond are thousands of messages per second.
  return { ours: count / median(samples.ours), json: count / median(samples.json) };
}

/** Encode and decode throughput and size rows for a keystroke Submit and a larger one. */
export function protocolCodecRows(options: CodecBenchOptions): CodecRow[] {
  const rows: CodecRow[] = [];
  for (const [label, message, count] of [
    ['Submit keystroke', keystroke, 50_000],
    ['Submit 4 KiB paste + 96 edits in 25 files', refactor, 1_000],
  ] as const) {
    const n = options.smoke ? Math.ceil(count / 50) : count;
    const frames = { ours: codecs.ours.encode(message), json: codecs.json.encode(message) };
    const verified = (Object.keys(codecs) as CodecName[]).every((name) => {
      const back = codecs[name].decode(frames[name]);
      return back.ok && isDeepStrictEqual(back.value, message);
    });
    const encode = throughput(
      { ours: () => codecs.ours.encode(message), json: () => codecs.json.encode(message) },
      n,
      options,
    );
    const decode = throughput(
      {
        ours: () => codecs.ours.decode(frames.ours),
        json: () => codecs.json.decode(frames.json),
      },
      n,
      options,
    );
    const per = 'k msgs/s';
    rows.push(
      {
        name: `encode ${label}`,
        ours: encode.ours,
        peers: { json: encode.json },
        verified,
        unit: per,
      },
      {
        name: `decode ${label}`,
        ours: decode.ours,
        peers: { json: decode.json },
        verified,
        unit: per,
      },
      {
        name: `size ${label}`,
        ours: frames.ours.byteLength,
        peers: { json: frames.json.byteLength },
        verified,
        unit: 'bytes',
      },
    );
  }
  return rows;
}
