import {
  DEFAULT_PROTOCOL_LIMITS,
  encodeMessage,
  MESSAGE_TYPES,
  type MessageSpec,
  type ProtocolLimits,
  type Submit,
} from '@dist-space/protocol';
import type { FieldCodec } from '../../src/fields/field-codec.js';

// docs/protocol.md's tables are generated from MESSAGE_TYPES and DEFAULT_PROTOCOL_LIMITS, between
// `<!-- generated:NAME -->` and `<!-- /generated -->` lines, so that the specification cannot
// drift from the code: protocol-doc.test.ts fails when they differ, and
// `npx tsx --conditions=@dist-space/source packages/protocol/test/support/write-protocol-doc.ts`
// rewrites them.

const DIRECTION: Record<MessageSpec['direction'], string> = {
  'client-to-server': 'C→S',
  'server-to-client': 'S→C',
  both: 'both',
};

const specs = () => Object.values(MESSAGE_TYPES) as MessageSpec[];

/** Where each message's section is, for links from the summary. */
const anchor = (name: string) => `#${name.toLowerCase()}`;

const SENDER: Record<MessageSpec['direction'], string> = {
  'client-to-server': 'the client (C→S)',
  'server-to-client': 'the server (S→C)',
  both: 'either side',
};

function summaryTable(): string {
  const rows = specs()
    .sort((a, b) => a.id - b.id)
    .map((spec) => {
      const fields = spec.fields
        .map(({ name, codec }) => `\`${name}${codec.optional ? '?' : ''}\``)
        .join(', ');
      const who = `${DIRECTION[spec.direction]}${spec.admin ? ' (admin)' : ''}`;
      return `| ${spec.id} | [${spec.name}](${anchor(spec.name)}) | ${who} | ${fields || '—'} |`;
    });
  return ['| id | message | sent by | fields |', '|---:|---|---|---|', ...rows].join('\n');
}

function fieldRows(prefix: string, codec: FieldCodec<unknown>, optional: boolean): string[] {
  const rows = [
    `| \`${prefix}\` | ${codec.doc.replaceAll('|', '\\|')} | ${optional ? 'no' : 'yes'} |`,
  ];
  const inner = codec.items;
  const nested = inner?.codec.fields ?? codec.fields;
  const at = inner === undefined ? prefix : `${prefix}${inner.suffix}`;
  for (const field of nested ?? []) {
    rows.push(...fieldRows(`${at}.${field.name}`, field.codec, field.codec.optional));
  }
  return rows;
}

function fieldTable(spec: MessageSpec): string {
  const header = `\`${spec.name}\`: type id **${spec.id}**, sent by ${SENDER[spec.direction]}${spec.admin ? ', needs the `admin` scope' : ''}.`;
  if (spec.fields.length === 0) return `${header} No fields: the payload is an empty map.`;
  const rows = spec.fields.flatMap(({ name, codec }) => fieldRows(name, codec, codec.optional));
  return [header, '', '| field | type | required |', '|---|---|---|', ...rows].join('\n');
}

/** What each limit bounds and why, for the limits table. */
const LIMIT_NOTES: Record<keyof ProtocolLimits, string> = {
  maxFrameBytes: 'bytes in one frame, checked before anything is read',
  maxStringBytes: 'UTF-8 bytes in any one string',
  maxArrayLength: 'items in any one array',
  maxMapSize: 'entries in any one map',
  maxDepth:
    'arrays and maps nested in each other, the envelope being 1; 256 leaves room for a delete of a directory tree 64 levels deep (two levels each)',
  maxOpsPerChange: 'ops in one workspace change (vfs-workspace default)',
  maxNameBytes:
    'UTF-8 bytes in one file or directory name in a change or state (vfs-workspace default)',
  maxPathDepth:
    'directories above a node named in a change, and depth of a deleted subtree (vfs-workspace default)',
  maxPresenceStateBytes: "bytes of a Presence's `state`, msgpack-encoded",
  maxPresenceFiles: 'files in one Presence',
  maxSelectionsPerFile: 'selections of one file in a Presence',
  maxSnapshotBytes: 'bytes of a state sent as SnapshotChunks, joined',
};

function limitsTable(): string {
  const rows = (Object.keys(LIMIT_NOTES) as Array<keyof ProtocolLimits>).map(
    (name) =>
      `| \`${name}\` | ${DEFAULT_PROTOCOL_LIMITS[name].toLocaleString('en-US')} | ${LIMIT_NOTES[name]} |`,
  );
  return ['| limit | default | bounds |', '|---|---:|---|', ...rows].join('\n');
}

/** The Submit the worked byte-level example shows: one "!" typed into one file. */
export const EXAMPLE_SUBMIT: Submit = {
  type: 'Submit',
  workspace: 'notes',
  baseRevision: 41,
  clientId: 'alice',
  seq: 7,
  change: [{ type: 'edit', id: 'alice:3', change: [{ type: 'insert', pos: 5, text: '!' }] }],
};

/** A msgpack dump, one value per line, indented by nesting, with what each value is. */
function annotate(bytes: Uint8Array): string {
  const lines: string[] = [];
  let pos = 0;
  const hex = (from: number, to: number) =>
    Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const line = (depth: number, from: number, what: string) => {
    lines.push(`${`${'   '.repeat(depth)}${hex(from, pos)}`.padEnd(48)}  ${what}`);
  };
  const read = (depth: number): void => {
    const from = pos;
    const head = bytes[pos++]!;
    if (head < 0x80) {
      line(depth, from, `uint ${head}`);
    } else if (head <= 0x8f) {
      line(depth, from, `map of ${head - 0x80}`);
      for (let i = 0; i < head - 0x80; i++) {
        read(depth + 1);
        read(depth + 2);
      }
    } else if (head <= 0x9f) {
      line(depth, from, `array of ${head - 0x90}`);
      for (let i = 0; i < head - 0x90; i++) read(depth + 1);
    } else if (head <= 0xbf) {
      pos += head - 0xa0;
      const text = new TextDecoder().decode(bytes.subarray(from + 1, pos));
      line(depth, from, `str ${JSON.stringify(text)}`);
    } else {
      throw new Error(
        `The example uses byte 0x${head.toString(16)}, which the annotator does not know.`,
      );
    }
  };
  read(0);
  if (pos !== bytes.length) throw new Error('The example has trailing bytes.');
  return lines.join('\n');
}

function submitBytes(): string {
  const bytes = encodeMessage(EXAMPLE_SUBMIT);
  const prefix = Array.from({ length: 4 }, (_, i) =>
    ((bytes.length >>> (24 - 8 * i)) & 0xff).toString(16).padStart(2, '0'),
  );
  return [
    '```',
    `${bytes.length} bytes: ${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`,
    '',
    annotate(bytes),
    '```',
    '',
    `Over TCP the frame is preceded by its length, 4 bytes big-endian: \`${prefix.join(' ')}\` for ${bytes.length} bytes.`,
  ].join('\n');
}

/** The generated blocks by name. */
function blocks(): Map<string, string> {
  const out = new Map<string, string>([
    ['summary', summaryTable()],
    ['limits', limitsTable()],
    ['submit-bytes', submitBytes()],
  ]);
  for (const spec of specs()) out.set(spec.name, fieldTable(spec));
  return out;
}

/**
 * `markdown` with every generated block rewritten from the code.
 *
 * @throws Error when a block is missing from the document, or the document has an unknown one
 */
export function renderProtocolDoc(markdown: string): string {
  const wanted = blocks();
  const seen = new Set<string>();
  const out = markdown.replace(
    /<!-- generated:([A-Za-z-]+) -->\n[\s\S]*?<!-- \/generated -->/g,
    (_, name: string) => {
      const body = wanted.get(name);
      if (body === undefined) throw new Error(`docs/protocol.md has an unknown block "${name}".`);
      seen.add(name);
      return `<!-- generated:${name} -->\n${body}\n<!-- /generated -->`;
    },
  );
  const missing = [...wanted.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new Error(`docs/protocol.md lacks the generated blocks: ${missing.join(', ')}.`);
  }
  return out;
}
