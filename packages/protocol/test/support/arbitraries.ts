import type {
  ErrorPayload,
  Message,
  MessageOf,
  MessageType,
  PlainMap,
  PlainValue,
} from '@dist-space/protocol';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { scenarioArb } from '../../../vfs-workspace/test/support/scenario.js';
import { keystroke, refactor, SAMPLE_MESSAGES } from './sample-messages.js';

// Generators of valid messages of every type, written from docs/protocol.md rather than from the
// codecs, so that the properties check the codecs against the specification.

const uint = fc.oneof(fc.nat(10_000), fc.maxSafeNat());
const positive = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);
const rate = fc
  .double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true })
  .map((x) => x + 0);
const text = (max: number) =>
  fc.string({ maxLength: max, unit: 'binary' }).filter((s) => s.length <= max);
const nonEmptyText = (max: number) => text(max).filter((s) => s.length >= 1);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idOf = (alphabet: string, min: number, max: number) =>
  fc
    .array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max })
    .map((chars) => chars.join(''));
const clientId = idOf(`${ALNUM}_-`, 1, 64);
const sessionId = idOf(`${ALNUM}_-`, 1, 128);
const workspace = fc
  .tuple(idOf(`${ALNUM}_-`, 1, 1), idOf(`${ALNUM}._-`, 0, 127))
  .map(([first, rest]) => first + rest);
const nodeId = fc.tuple(clientId, fc.nat()).map(([client, n]) => `${client}:${n}`);
const subject = nonEmptyText(100);
const version = fc.tuple(fc.constant(1), fc.nat(50)) as fc.Arbitrary<readonly [number, number]>;

/** Plain data as free-form maps carry it: no -0 (it travels as 0), no `__proto__` key. */
export const plainValue: fc.Arbitrary<PlainValue> = fc.letrec<{ value: PlainValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true }).map((x) => x + 0),
    text(40),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      text(12).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

export const plainMap: fc.Arbitrary<PlainMap> = fc.dictionary(
  text(12).filter((k) => k !== '__proto__'),
  plainValue,
  { maxKeys: 5 },
);

const errorPayload: fc.Arbitrary<ErrorPayload> = fc.record(
  {
    code: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,63}$/),
    message: text(200),
    details: plainMap,
  },
  { requiredKeys: ['code', 'message'] },
);

// Changes and states made by vfs-workspace's own generator (real ops on real trees), and the
// samples.
const scenario = scenarioArb(4);
const change = fc.oneof(
  fc.constantFrom(keystroke, refactor, []),
  scenario.map((s) => s.a),
);
const state = fc.oneof(
  fc.constant(SAMPLE_MESSAGES.Snapshot.state),
  scenario.map((s) => s.afterA),
);

const changeRecord = fc.record({ author: subject, clientId, seq: positive, change });

const alteredOp = fc.oneof(
  fc.record({
    index: fc.nat(100),
    outcome: fc.constant('dropped' as const),
    reason: fc.constantFrom('deleted' as const, 'cycle' as const, 'superseded' as const),
  }),
  fc.record({
    index: fc.nat(100),
    outcome: fc.constant('renamed' as const),
    name: fc.constantFrom('a (conflict A-3).ts', 'é'),
  }),
  fc.record({
    index: fc.nat(100),
    outcome: fc.constant('relocated' as const),
    parent: fc.oneof(fc.constant('root'), nodeId),
    name: fc.constantFrom('b', 'docs (conflict B-1)'),
  }),
);

const selection = fc.record({ anchor: uint, head: uint });

const sessionInfo = fc.record({
  sessionId,
  clientId,
  subject,
  remoteAddress: text(60),
  workspaces: fc.array(workspace, { maxLength: 4 }),
  idleMs: uint,
  connectedAt: uint,
});

/** Valid messages of each type. */
export const MESSAGE_ARBITRARIES: { readonly [T in MessageType]: fc.Arbitrary<MessageOf<T>> } = {
  Hello: fc.record(
    {
      type: fc.constant('Hello'),
      version,
      positionEncoding: fc.constant('utf-16'),
      clientId,
      token: text(300),
      agent: text(100),
    },
    { requiredKeys: ['type', 'version', 'positionEncoding', 'clientId'] },
  ),
  Welcome: fc.record(
    {
      type: fc.constant('Welcome'),
      version,
      sessionId,
      clientId,
      subject,
      heartbeatMs: positive,
      scopes: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
      limits: fc.record(
        {
          maxFrameBytes: positive,
          maxOpsPerChange: positive,
          maxFileSize: positive,
          maxPathBytes: positive,
          maxPresenceStateBytes: positive,
          maxMessagesPerSecond: positive,
          maxNameBytes: positive,
          maxPathDepth: positive,
          maxStringBytes: positive,
        },
        {
          requiredKeys: [
            'maxFrameBytes',
            'maxOpsPerChange',
            'maxFileSize',
            'maxPathBytes',
            'maxPresenceStateBytes',
          ],
        },
      ),
    },
    {
      requiredKeys: [
        'type',
        'version',
        'sessionId',
        'clientId',
        'subject',
        'heartbeatMs',
        'limits',
      ],
    },
  ),
  Refused: fc.record({ type: fc.constant('Refused'), error: errorPayload, serverVersion: version }),
  Open: fc.record(
    { type: fc.constant('Open'), requestId: uint, workspace, create: fc.boolean() },
    { requiredKeys: ['type', 'requestId', 'workspace'] },
  ),
  Snapshot: fc.record({
    type: fc.constant('Snapshot'),
    requestId: uint,
    workspace,
    revision: uint,
    state,
  }),
  SnapshotChunk: fc
    .record({
      requestId: uint,
      workspace,
      revision: uint,
      count: fc.integer({ min: 1, max: 1_000 }),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      bytes: fc.uint8Array({ maxLength: 300 }),
    })
    .map(({ at, count, ...rest }) => ({
      type: 'SnapshotChunk' as const,
      ...rest,
      index: Math.floor(at * count),
      count,
    }))
    .map(({ bytes, ...rest }) => ({ ...rest, bytes })),
  Leave: fc.record({ type: fc.constant('Leave'), workspace }),
  Submit: fc.record({
    type: fc.constant('Submit'),
    workspace,
    baseRevision: uint,
    clientId,
    seq: positive,
    change,
  }),
  Ack: fc.record(
    {
      type: fc.constant('Ack'),
      workspace,
      seq: positive,
      revision: positive,
      altered: fc.array(alteredOp, { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['type', 'workspace', 'seq', 'revision'] },
  ),
  Reject: fc.record({ type: fc.constant('Reject'), workspace, seq: positive, error: errorPayload }),
  Broadcast: fc.record({
    type: fc.constant('Broadcast'),
    workspace,
    revision: positive,
    author: subject,
    clientId,
    seq: positive,
    change,
  }),
  Catchup: fc.record({
    type: fc.constant('Catchup'),
    requestId: uint,
    workspace,
    sinceRevision: uint,
  }),
  Changes: fc
    .record({
      requestId: uint,
      workspace,
      fromRevision: fc.nat(1_000_000),
      changes: fc.array(changeRecord, { maxLength: 5 }),
    })
    .map(({ fromRevision, changes, ...rest }) => ({
      type: 'Changes' as const,
      ...rest,
      fromRevision,
      toRevision: fromRevision + changes.length,
      changes: changes.map((c, i) => ({ revision: fromRevision + i + 1, ...c })),
    })),
  Presence: fc.record(
    {
      type: fc.constant('Presence'),
      workspace,
      revision: uint,
      files: fc.dictionary(
        nodeId,
        fc.record({ selections: fc.array(selection, { maxLength: 5 }) }),
        { maxKeys: 4 },
      ),
      state: plainMap.filter((map) => encode(map).byteLength <= 4_096),
      sessionId,
      subject,
      clientId,
    },
    { requiredKeys: ['type', 'workspace', 'revision', 'files'] },
  ),
  PresenceLeft: fc.record({ type: fc.constant('PresenceLeft'), workspace, sessionId }),
  Ping: fc.record({ type: fc.constant('Ping'), nonce: uint }),
  Pong: fc.record({ type: fc.constant('Pong'), nonce: uint }),
  Error: fc.record(
    { type: fc.constant('Error'), requestId: uint, error: errorPayload },
    { requiredKeys: ['type', 'error'] },
  ),
  ListSessions: fc.record({ type: fc.constant('ListSessions'), requestId: uint }),
  Sessions: fc.record({
    type: fc.constant('Sessions'),
    requestId: uint,
    sessions: fc.array(sessionInfo, { maxLength: 4 }),
  }),
  Kick: fc.record(
    { type: fc.constant('Kick'), requestId: uint, sessionId, reason: text(100) },
    { requiredKeys: ['type', 'requestId', 'sessionId'] },
  ),
  AdminOk: fc.record({ type: fc.constant('AdminOk'), requestId: uint }),
  Stats: fc.record(
    { type: fc.constant('Stats'), requestId: uint, workspace },
    { requiredKeys: ['type', 'requestId'] },
  ),
  StatsResult: fc.record({
    type: fc.constant('StatsResult'),
    requestId: uint,
    server: fc.record({
      uptimeMs: uint,
      sessions: uint,
      workspacesOpen: uint,
      memory: fc.record({ rss: uint, heapUsed: uint }),
      opsPerSecond: rate,
    }),
    workspaces: fc.array(
      fc.record(
        { workspace, revision: uint, sessions: uint, opsPerSecond: rate, storeBytes: uint },
        { requiredKeys: ['workspace', 'revision', 'sessions', 'opsPerSecond'] },
      ),
      { maxLength: 4 },
    ),
  }),
  TailLog: fc.record({ type: fc.constant('TailLog'), requestId: uint, limit: positive }),
  LogRecords: fc.record({
    type: fc.constant('LogRecords'),
    requestId: uint,
    records: fc.array(plainMap, { maxLength: 4 }),
  }),
  Goodbye: fc.record({ type: fc.constant('Goodbye'), error: errorPayload }),
};

/** A valid message of any type. */
export const anyMessage: fc.Arbitrary<Message> = fc.oneof(
  ...(Object.values(MESSAGE_ARBITRARIES) as fc.Arbitrary<Message>[]),
);
