import type { Message, MessageOf } from '@dist-space/protocol';
import {
  applyWorkspaceChange,
  completeOp,
  type NodeId,
  ROOT_ID,
  validateWorkspace,
  type Workspace,
  type WorkspaceOp,
  type WorkspaceOpDraft,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, startTestServer, TestClient, type TestServer } from './support/harness.js';

// A hostile session on a live server, as a property: an authenticated user with limited scopes
// sends random sequences of well-formed messages aimed at a real workspace (submits of ops on
// real ids, hidden ones among them, with stale, future and foreign revisions, clients and seqs;
// presence on hidden files; catchups from anywhere; admin messages), while an honest session
// works in the same workspace. Whatever it sends, the server:
// - answers every Submit exactly once (Ack or Reject), and never with INTERNAL_ERROR;
// - never lets a byte of the hidden file's name or content reach the hostile session;
// - keeps a sound workspace that every session agrees on: the honest session, applying the
//   Broadcasts it received, holds exactly what a fresh session opening the workspace receives.

const SECRET_NAME = 'QQsecretnameQQ';
const SECRET_TEXT = 'QQsecrettextQQ';
const HOSTILE_SCOPES = [
  'read:**',
  '!read:vault',
  '!read:vault/**',
  'write:**',
  '!write:readonly.txt',
  'create:**',
  'delete:**',
];
const ALL = ['read:**', 'write:**', 'create:**', 'delete:**'];

/** The ids of the seeded workspace, by role, so that generated ops can aim at them. */
interface Seeded {
  readonly ws: string;
  readonly ids: readonly NodeId[];
  readonly files: readonly NodeId[];
  readonly dirs: readonly NodeId[];
}

type Action =
  | { kind: 'submit'; ops: Draft[]; base: number; client: number; seq: number; stale: boolean }
  | { kind: 'presence'; file: number; anchor: number; head: number }
  | { kind: 'catchup'; since: number }
  | { kind: 'open' }
  | { kind: 'leave' }
  | { kind: 'admin'; type: 'ListSessions' | 'Kick' | 'Stats' | 'TailLog' }
  | { kind: 'honest'; file: number; at: number };

type Draft =
  | { op: 'edit'; node: number; inserts: Array<[number, string]>; deletes: Array<[number, number]> }
  | { op: 'createFile' | 'createDir'; parent: number; name: number; fresh: number }
  | { op: 'delete'; node: number }
  | { op: 'move'; node: number; parent: number; name: number };

const NAMES = ['a.txt', 'b', 'notes.md', 'readonly.txt', 'vault', 'src'];
// The server reads strings of at most 1 KiB (a token fits): a Submit carrying this text is
// refused whole by the frame scan, and must still get its Reject.
const MAX_STRING_BYTES = 1_024;
const TOO_LONG = 'L'.repeat(MAX_STRING_BYTES + 1);
const node = fc.nat(9);
const draftArb: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('edit' as const),
      node,
      inserts: fc.array(fc.tuple(fc.nat(40), fc.constantFrom('x', 'yz', '\u00e9', TOO_LONG)), {
        maxLength: 3,
      }),
      deletes: fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 6 })), { maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('createFile' as const, 'createDir' as const),
      parent: node,
      name: fc.nat(NAMES.length - 1),
      fresh: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), node }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('move' as const),
      node,
      parent: node,
      name: fc.nat(NAMES.length - 1),
    }),
  },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      ops: fc.array(draftArb, { minLength: 1, maxLength: 3 }),
      base: fc.integer({ min: -1, max: 3 }),
      client: fc.nat(4),
      seq: fc.integer({ min: 1, max: 8 }),
      stale: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      file: node,
      anchor: fc.nat(50),
      head: fc.nat(50),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('catchup' as const), since: fc.nat(12) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'open' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'leave' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('admin' as const),
      type: fc.constantFrom(
        'ListSessions' as const,
        'Kick' as const,
        'Stats' as const,
        'TailLog' as const,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('honest' as const), file: fc.nat(1), at: fc.nat(30) }),
  },
);

/** Creates the workspace the hostile session aims at: visible files, a read-only one, a vault. */
async function seed(honest: TestClient, ws: string): Promise<Seeded> {
  const { state } = await honest.open(ws);
  const change = build(state, honest.clientId, (b) => {
    b.createDir('src');
    b.createFile('src/a.txt', 'hello world');
    b.createFile('notes.md', 'some notes here');
    b.createFile('readonly.txt', 'do not touch');
    b.createDir('vault');
    b.createFile(`vault/${SECRET_NAME}`, `${SECRET_TEXT} and more ${SECRET_TEXT}`);
  });
  const reply = await honest.submit(ws, 0, change, honest.nextSeq());
  expect(reply.type).toBe('Ack');
  const created = change.filter((op) => op.type === 'createFile' || op.type === 'createDir');
  const files = created.filter((op) => op.type === 'createFile').map((op) => op.id);
  const dirs = [ROOT_ID, ...created.filter((op) => op.type === 'createDir').map((op) => op.id)];
  // The ids ops may aim at: every seeded node, the root, and two that never existed.
  return { ws, ids: [ROOT_ID, ...created.map((op) => op.id), 'Z:1', 'Z:2'], files, dirs };
}

/** An op for `draft`: completed against `known` where it can be, else with a made-up context. */
function opOf(draft: Draft, seeded: Seeded, known: Workspace, hostileId: string): WorkspaceOp {
  const id = (n: number) => seeded.ids[n % seeded.ids.length]!;
  let wanted: WorkspaceOpDraft;
  switch (draft.op) {
    case 'edit': {
      const change = [
        ...draft.inserts.map(([pos, text]) => ({ type: 'insert' as const, pos, text })),
        ...draft.deletes.map(([pos, len]) => ({ type: 'delete' as const, pos, len })),
      ];
      return { type: 'edit', id: id(draft.node), change };
    }
    case 'createFile':
    case 'createDir':
      wanted = {
        type: draft.op,
        id: `${hostileId}:${draft.fresh + 1}`,
        parent: id(draft.parent),
        name: NAMES[draft.name]!,
        ...(draft.op === 'createFile' ? { content: 'new' } : {}),
      } as WorkspaceOpDraft;
      break;
    case 'delete':
      wanted = { type: 'delete', id: id(draft.node) };
      break;
    case 'move':
      wanted = {
        type: 'move',
        id: id(draft.node),
        parent: id(draft.parent),
        name: NAMES[draft.name]!,
      };
      break;
  }
  const completed = completeOp(known, wanted);
  if (completed.ok) return completed.value;
  // A node the session cannot see (or that does not exist): a context it had to invent, well
  // formed (ancestors end with the root) so that it reaches the server's checks.
  const ancestorsOf = (parent: NodeId): NodeId[] => (parent === ROOT_ID ? [] : [ROOT_ID]);
  const placement = { parent: ROOT_ID, name: 'guess', ancestors: [] as NodeId[] };
  switch (wanted.type) {
    case 'createFile':
    case 'createDir':
      return { ...wanted, ancestors: ancestorsOf(wanted.parent) } as WorkspaceOp;
    case 'delete':
      return {
        type: 'delete',
        id: wanted.id,
        ...placement,
        removed: { kind: 'file', id: wanted.id, name: 'guess', content: 'guess' },
      };
    case 'move':
      return { ...wanted, ancestors: ancestorsOf(wanted.parent), from: placement };
    default:
      return wanted;
  }
}

function containsAscii(frame: Uint8Array, text: string): boolean {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).includes(text, 0, 'latin1');
}

let s: TestServer;
let run = 0;
beforeAll(async () => {
  // Each run has a workspace of its own, closed soon after its sessions leave, so that a long
  // fuzz run does not reach the limit of workspaces open.
  s = await startTestServer({
    limits: { submitsPerSecond: Number.POSITIVE_INFINITY, workspaceIdleMs: 20 },
    protocol: { maxStringBytes: MAX_STRING_BYTES },
  });
});
afterAll(() => s.stop());

/** Waits for the Broadcasts up to `revision` and applies them to `state`, checking their order. */
async function follow(
  observer: TestClient,
  state: Workspace,
  from: number,
  revision: number,
): Promise<Workspace> {
  let current = state;
  for (let at = from; at < revision; at++) {
    const m = await observer.next('Broadcast', 10_000);
    expect(m.revision).toBe(at + 1);
    const next = applyWorkspaceChange(current, m.change);
    if (!next.ok) throw next.error;
    current = next.value;
  }
  return current;
}

const wire = (state: Workspace) => JSON.stringify(workspaceToWire(state));

describe('a hostile session on a live server', () => {
  it('gets an answer to every Submit, never INTERNAL_ERROR, nothing hidden, and cannot break the workspace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 20 }), async (actions) => {
        const ws = `h${++run}`;
        const honest = await TestClient.session(s, `honest${run}`, { scopes: ALL });
        const seeded = await seed(honest, ws);
        // Sees everything, sends nothing: every change reaches it as a Broadcast.
        const observer = await TestClient.session(s, `observer${run}`, { scopes: ALL });
        const start = await observer.open(ws, false);
        const hostileId = `hostile${run}`;
        const hostile = await TestClient.session(s, hostileId, {
          scopes: HOSTILE_SCOPES,
          clientId: hostileId,
        });
        const leaked: string[] = [];
        hostile.connection.onMessage((frame) => {
          if (containsAscii(frame, SECRET_NAME) || containsAscii(frame, SECRET_TEXT))
            leaked.push(new TextDecoder().decode(frame));
        });
        try {
          const opened = await hostile.open(ws, false);
          let known = opened.state;
          const knownRevision = opened.revision;
          let joined = true;
          let honestRevision = start.revision;
          let submits = 0;
          let requestId = 100;
          const clients = [hostileId, hostileId, hostileId, honest.clientId, 'nobody'];
          for (const action of actions) {
            switch (action.kind) {
              case 'submit': {
                const change = action.ops.map((d) => opOf(d, seeded, known, hostileId));
                const base = action.stale ? 1 : knownRevision + action.base;
                hostile.send({
                  type: 'Submit',
                  workspace: ws,
                  baseRevision: Math.max(0, base),
                  clientId: clients[action.client]!,
                  seq: action.seq,
                  change,
                });
                submits++;
                break;
              }
              case 'presence':
                hostile.send({
                  type: 'Presence',
                  workspace: ws,
                  revision: knownRevision,
                  files: {
                    [seeded.ids[action.file % seeded.ids.length]!]: {
                      selections: [{ anchor: action.anchor, head: action.head }],
                    },
                  },
                });
                break;
              case 'catchup':
                hostile.send({
                  type: 'Catchup',
                  requestId: ++requestId,
                  workspace: ws,
                  sinceRevision: action.since,
                });
                break;
              case 'open':
                if (!joined) {
                  known = (await hostile.open(ws, false)).state;
                  joined = true;
                }
                break;
              case 'leave':
                hostile.send({ type: 'Leave', workspace: ws });
                joined = false;
                break;
              case 'admin':
                hostile.send(adminMessage(action.type, ++requestId));
                break;
              case 'honest': {
                // An edit at the start of a seeded file, on the newest revision the honest
                // session knows; the hostile one may have deleted the file meanwhile.
                const file = seeded.files[action.file]!;
                const reply = await honest.submit(ws, honestRevision, [
                  { type: 'edit', id: file, change: [{ type: 'insert', pos: 0, text: 'H' }] },
                ]);
                if (reply.type === 'Ack') honestRevision = reply.revision;
                else expect(reply.error.code).toBe('NOT_FOUND');
                break;
              }
            }
            // Let the server's answers interleave with what is sent next.
            await new Promise((r) => setImmediate(r));
          }
          // Every Submit is answered, unless the server closed the connection.
          const answers: Array<MessageOf<'Ack'> | MessageOf<'Reject'>> = [];
          while (answers.length < submits && hostile.closedWith === undefined) {
            answers.push(await hostile.next(['Ack', 'Reject'], 10_000));
          }
          for (const answer of [...answers, ...hostile.drain(['Error'])]) {
            if (answer.type !== 'Ack') expect(answer.error.code).not.toBe('INTERNAL_ERROR');
          }
          expect(hostile.closedWith, 'a well-formed message must not cost the connection').toBe(
            undefined,
          );
          expect(leaked, 'bytes of the hidden file reached the hostile session').toEqual([]);

          // The workspace is sound, and the Broadcasts lead exactly to what a fresh session gets.
          const fresh = await TestClient.session(s, `fresh${run}`, { scopes: ALL });
          const final = await fresh.open(ws, false);
          fresh.close();
          expect(validateWorkspace(final.state)).toEqual([]);
          const followed = await follow(observer, start.state, start.revision, final.revision);
          expect(wire(followed)).toBe(wire(final.state));
        } finally {
          hostile.close();
          honest.close();
          observer.close();
        }
      }),
      { numRuns: Math.max(10, Math.floor((fc.readConfigureGlobal().numRuns ?? 100) / 25)) },
    );
  }, 600_000);
});

function adminMessage(
  type: 'ListSessions' | 'Kick' | 'Stats' | 'TailLog',
  requestId: number,
): Message {
  switch (type) {
    case 'Kick':
      return { type: 'Kick', requestId, sessionId: 'any-session' };
    case 'TailLog':
      return { type: 'TailLog', requestId, limit: 10 };
    default:
      return { type, requestId };
  }
}
