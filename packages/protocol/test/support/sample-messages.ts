import type { Message, MessageOf, MessageType } from '@dist-space/protocol';
import { conflictName, parseWorkspace, type Workspace } from '@dist-space/vfs-workspace';

/** A keystroke: one character inserted into one file. */
export const keystroke = [
  { type: 'edit', id: 'alice:7', change: [{ type: 'insert', pos: 42, text: 'x' }] },
] as const;

/** A refactor: a rename, a new file and edits in two files, in one atomic change. */
export const refactor = [
  {
    type: 'move',
    id: 'alice:3',
    parent: 'root',
    name: 'util.ts',
    ancestors: [],
    from: { parent: 'root', name: 'helpers.ts', ancestors: [] },
  },
  {
    type: 'createFile',
    id: 'alice:12',
    parent: 'alice:2',
    name: 'strings.ts',
    ancestors: ['root'],
    content: 'export const trim = (s: string) => s.trim();\n',
  },
  {
    type: 'edit',
    id: 'alice:3',
    change: [
      { type: 'delete', pos: 0, len: 31, deleted: "import { trim } from './trim';\n" },
      { type: 'insert', pos: 0, text: "import { trim } from './src/strings';\n" },
    ],
  },
  {
    type: 'edit',
    id: 'bob:4',
    change: [{ type: 'replace', pos: 10, len: 7, text: 'util', deleted: 'helpers' }],
  },
] as const;

/** A workspace from its wire form (`{ format: 1, nodes }`). */
export function workspaceOf(wire: unknown): Workspace {
  const parsed = parseWorkspace(wire);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** A small project: a directory, a source file, a README that starts with a byte-order mark. */
export const sampleState = workspaceOf({
  format: 1,
  nodes: [
    ['alice:2', 'root', 'src'],
    ['alice:3', 'alice:2', 'index.ts', "export * from './util';\n"],
    ['bob:1', 'root', 'README.md', '\uFEFF# Web app\n\nStart with `npm start`. 😀\n'],
  ],
});

const error = {
  code: 'NOT_FOUND',
  message: 'No workspace "docs" exists; create it with Open { create: true }.',
  details: { workspace: 'docs' },
};

/** One realistic message of every type, as a server or client would send it. */
export const SAMPLE_MESSAGES: { readonly [T in MessageType]: MessageOf<T> } = {
  Hello: {
    type: 'Hello',
    version: [1, 0],
    positionEncoding: 'utf-16',
    clientId: 'alice-laptop_7f3a',
    token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
    agent: '@dist-space/client 0.1.0 (node 20.20)',
  },
  Welcome: {
    type: 'Welcome',
    version: [1, 1],
    sessionId: 's-0f9c2b',
    clientId: 'alice-laptop_7f3a',
    subject: 'alice@example.com',
    heartbeatMs: 15_000,
    limits: {
      maxFrameBytes: 4_194_304,
      maxOpsPerChange: 10_000,
      maxFileSize: 16_777_216,
      maxPathBytes: 4_096,
      maxPresenceStateBytes: 4_096,
      maxMessagesPerSecond: 200,
      maxNameBytes: 255,
      maxPathDepth: 64,
      maxStringBytes: 4_194_304,
    },
    scopes: ['read:**', 'write:src/**', '!write:src/generated/**'],
  },
  Refused: {
    type: 'Refused',
    error: {
      code: 'UNSUPPORTED_VERSION',
      message: 'The client speaks protocol 2.0 but the server speaks 1.0.',
      details: { clientVersion: [2, 0], serverVersion: [1, 0] },
    },
    serverVersion: [1, 0],
  },
  Open: { type: 'Open', requestId: 1, workspace: 'acme.web-app', create: true },
  Snapshot: {
    type: 'Snapshot',
    requestId: 1,
    workspace: 'acme.web-app',
    revision: 1_284,
    lastSeq: 17,
    state: sampleState,
  },
  SnapshotChunk: {
    type: 'SnapshotChunk',
    requestId: 1,
    workspace: 'acme.web-app',
    revision: 1_284,
    lastSeq: 17,
    index: 2,
    count: 5,
    bytes: Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff),
  },
  Leave: { type: 'Leave', workspace: 'acme.web-app' },
  Submit: {
    type: 'Submit',
    workspace: 'acme.web-app',
    baseRevision: 1_284,
    clientId: 'alice-laptop_7f3a',
    seq: 17,
    change: keystroke,
  },
  Ack: {
    type: 'Ack',
    workspace: 'acme.web-app',
    seq: 17,
    revision: 1_285,
    altered: [
      { index: 1, outcome: 'renamed', name: conflictName('strings.ts', 'alice:12') },
      { index: 2, outcome: 'dropped', reason: 'deleted' },
      { index: 3, outcome: 'relocated', parent: 'root', name: 'util.ts' },
    ],
  },
  Reject: {
    type: 'Reject',
    workspace: 'acme.web-app',
    seq: 18,
    error: {
      code: 'FORBIDDEN',
      message: 'You may not write src/secrets.ts (scope write:docs/**).',
    },
  },
  Broadcast: {
    type: 'Broadcast',
    workspace: 'acme.web-app',
    revision: 1_286,
    author: 'bob@example.com',
    clientId: 'bob-desktop',
    seq: 3,
    change: refactor,
  },
  Catchup: { type: 'Catchup', requestId: 2, workspace: 'acme.web-app', sinceRevision: 1_280 },
  Changes: {
    type: 'Changes',
    requestId: 2,
    workspace: 'acme.web-app',
    fromRevision: 1_280,
    toRevision: 1_282,
    changes: [
      {
        revision: 1_281,
        author: 'bob@example.com',
        clientId: 'bob-desktop',
        seq: 1,
        change: refactor,
      },
      {
        revision: 1_282,
        author: 'alice@example.com',
        clientId: 'alice-laptop_7f3a',
        seq: 16,
        change: keystroke,
      },
    ],
  },
  Presence: {
    type: 'Presence',
    workspace: 'acme.web-app',
    revision: 1_286,
    files: {
      'alice:3': {
        selections: [
          { anchor: 12, head: 12 },
          { anchor: 40, head: 52 },
        ],
      },
      'bob:1': { selections: [{ anchor: 0, head: 9 }] },
    },
    state: { name: 'Alice', color: '#e91e63', typing: true },
    sessionId: 's-0f9c2b',
    subject: 'alice@example.com',
    clientId: 'alice-laptop_7f3a',
  },
  PresenceLeft: { type: 'PresenceLeft', workspace: 'acme.web-app', sessionId: 's-0f9c2b' },
  Ping: { type: 'Ping', nonce: 4_093 },
  Pong: { type: 'Pong', nonce: 4_093 },
  Error: { type: 'Error', requestId: 3, error },
  ListSessions: { type: 'ListSessions', requestId: 9 },
  Sessions: {
    type: 'Sessions',
    requestId: 9,
    sessions: [
      {
        sessionId: 's-0f9c2b',
        clientId: 'alice-laptop_7f3a',
        subject: 'alice@example.com',
        remoteAddress: '203.0.113.7:53122',
        workspaces: ['acme.web-app', 'acme.docs'],
        idleMs: 1_250,
        connectedAt: 1_764_111_600_000,
      },
      {
        sessionId: 's-77aa01',
        clientId: 'refactor-agent',
        subject: 'agent:refactor',
        remoteAddress: 'in-process',
        workspaces: [],
        idleMs: 0,
        connectedAt: 1_764_111_650_500,
      },
    ],
  },
  Kick: { type: 'Kick', requestId: 10, sessionId: 's-77aa01', reason: 'Runaway agent' },
  AdminOk: { type: 'AdminOk', requestId: 10 },
  Stats: { type: 'Stats', requestId: 11, workspace: 'acme.web-app' },
  StatsResult: {
    type: 'StatsResult',
    requestId: 11,
    server: {
      uptimeMs: 86_400_000,
      sessions: 42,
      workspacesOpen: 7,
      memory: { rss: 183_500_800, heapUsed: 96_468_992 },
      opsPerSecond: 312.5,
    },
    workspaces: [
      {
        workspace: 'acme.web-app',
        revision: 1_286,
        sessions: 5,
        opsPerSecond: 18.25,
        storeBytes: 7_340_032,
      },
    ],
  },
  TailLog: { type: 'TailLog', requestId: 12, limit: 100 },
  LogRecords: {
    type: 'LogRecords',
    requestId: 12,
    records: [
      { level: 30, time: 1_764_111_700_000, msg: 'session opened', sessionId: 's-0f9c2b' },
      { level: 40, time: 1_764_111_700_250, msg: 'submit rejected', err: { code: 'FORBIDDEN' } },
    ],
  },
  Goodbye: {
    type: 'Goodbye',
    error: {
      code: 'SHUTTING_DOWN',
      message: 'The server is restarting; reconnect in a few seconds.',
    },
  },
};

/** The samples as a list. */
export const SAMPLE_LIST: readonly Message[] = Object.values(SAMPLE_MESSAGES);
