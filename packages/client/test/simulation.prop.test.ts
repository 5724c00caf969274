import { Client, type WorkspaceHandle } from '@dist-space/client';
import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { createAuthenticator, createJwtVerifier } from '@dist-space/permissions';
import { createLogger, DistSpaceServer, LogRing, storeStorage } from '@dist-space/server';
import { MemoryNetwork } from '@dist-space/transport-adapters';
import { type NodeSnapshot, type Workspace, workspaceToWire } from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET, token } from '../../server/test/support/harness.js';
import { ConnectionTap } from './support/connection-tap.js';
import { must } from './support/setup.js';

// The network simulation of issue 7: a real server (in-process, memory store) and three clients
// over the in-memory transport with random latency, reordering across connections, cuts at
// random frames (so also between a commit and its ack) and explicit disconnects, making random
// edits of every kind. At the end every client holds the server's state (tree and every text, as
// a fresh client opening the workspace receives it), and every inserted token is there exactly
// once, unless its file was deleted, an undo took that very token out or the server refused it.
// A fourth client sees a filtered view (only `a/`, no `d.md`) and must hold what its scopes are
// served.

type Action =
  | { kind: 'insert'; client: number; file: number; at: number }
  | { kind: 'paste'; client: number; file: number; at: number; length: number }
  | { kind: 'deleteChar'; client: number; file: number; at: number }
  | { kind: 'createFile'; client: number; dir: number; name: number }
  | { kind: 'createDir'; client: number; dir: number; name: number }
  | { kind: 'rename'; client: number; node: number; dir: number; name: number }
  | { kind: 'remove'; client: number; node: number }
  | { kind: 'undo'; client: number }
  | { kind: 'disconnect'; client: number }
  | { kind: 'restart' }
  | { kind: 'pause' };

const NAMES = ['a', 'b', 'c.txt', 'd.md'];
// Clients 0 to 2 may do anything; client 3 (the viewer) may read and write only under `a/`,
// never type into a `d.md` nor delete (or move away) `a/b`. It refuses what its scopes forbid
// before sending it, so those denies exercise the client's own refusals: an edit, an undo, a
// rollback's or a rebase's ops, an edit a concurrent rename carried into a `d.md`.
const client = fc.nat(3);
const VIEWER = 3;
const VIEWER_SCOPES = [
  'read:a/**',
  'write:a/**',
  'create:a/**',
  'delete:a/**',
  '!read:**/d.md',
  '!write:**/d.md',
  '!delete:a/b',
];
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      client,
      file: fc.nat(),
      at: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deleteChar' as const),
      client,
      file: fc.nat(),
      at: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('createFile' as const),
      client,
      dir: fc.nat(),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('createDir' as const),
      client,
      dir: fc.nat(),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rename' as const),
      client,
      node: fc.nat(),
      dir: fc.nat(),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), client, node: fc.nat() }),
  },
  {
    // More text than a change may carry over the simulation's small frames: it goes in parts.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('paste' as const),
      client,
      file: fc.nat(),
      at: fc.nat(),
      length: fc.integer({ min: 500, max: 8_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undo' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), client }) },
  // The server shuts down gracefully and a new one starts on the same store: every client
  // reconnects, catches up and resends, across the restart.
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'pause' as const }) },
);

function pick<T>(items: T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

interface Sim {
  tokens: Map<string, string>; // token -> file id it was typed into
  removed: Set<string>; // ids removed by some client (with everything beneath)
  undone: Set<string>; // tokens an undo took out
  counter: number;
}

/** Every file's text, joined. */
function allText(state: Workspace): string {
  return [...state.walk()]
    .filter((n) => n.kind === 'file')
    .map((n) => state.text(n.id)!.toString())
    .join('\n');
}

/** The tokens present in a state, each with the file it is in. */
function tokensIn(state: Workspace): Map<string, string> {
  const found = new Map<string, string>();
  for (const n of state.walk())
    if (n.kind === 'file')
      for (const tok of state
        .text(n.id)!
        .toString()
        .match(/<\d+:\d+>/g) ?? [])
        found.set(tok, n.id);
  return found;
}

function act(ws: WorkspaceHandle, action: Action, sim: Sim, who: number): void {
  const nodes = [...ws.state.walk()];
  const files = nodes.filter((n) => n.kind === 'file');
  const dirs = ['', ...nodes.filter((n) => n.kind === 'dir').map((n) => ws.state.pathOf(n.id)!)];
  switch (action.kind) {
    case 'insert':
    case 'paste': {
      const file = pick(files, action.file);
      if (!file) return;
      const path = ws.state.pathOf(file.id)!;
      const text = ws.state.text(file.id)!.toString();
      const tok = `<${who}:${sim.counter++}>`;
      // Insert between whole tokens (at the start or after a filler dot), never inside one.
      const gaps = [0, ...[...text].map((c, i) => (c === '.' ? i + 1 : -1)).filter((i) => i > 0)];
      const filler = '.'.repeat(action.kind === 'paste' ? action.length : 1);
      if (ws.insert(path, pick(gaps, action.at)!, `${tok}${filler}`).ok)
        sim.tokens.set(tok, file.id);
      return;
    }
    case 'deleteChar': {
      const file = pick(files, action.file);
      if (!file) return;
      const text = ws.state.text(file.id)!.toString();
      // Only filler dots, so a delete never takes a token: tokens vanish only with their file.
      const dots = [...text].map((c, i) => (c === '.' ? i : -1)).filter((i) => i >= 0);
      const at = pick(dots, action.at);
      if (at !== undefined) ws.delete(ws.state.pathOf(file.id)!, at, 1);
      return;
    }
    case 'createFile':
    case 'createDir': {
      const dir = pick(dirs, action.dir)!;
      const path = dir === '' ? NAMES[action.name]! : `${dir}/${NAMES[action.name]!}`;
      if (action.kind === 'createFile') ws.createFile(path, '.');
      else ws.createDir(path);
      return;
    }
    case 'rename': {
      const node = pick(nodes, action.node);
      if (!node) return;
      const dir = pick(dirs, action.dir)!;
      ws.rename(
        ws.state.pathOf(node.id)!,
        dir === '' ? NAMES[action.name]! : `${dir}/${NAMES[action.name]!}`,
      );
      return;
    }
    case 'remove': {
      const node = pick(nodes, action.node);
      if (!node) return;
      const ids = [...ws.state.walk()].filter((n) => {
        const path = ws.state.pathOf(n.id)!;
        const root = ws.state.pathOf(node.id)!;
        return path === root || path.startsWith(`${root}/`);
      });
      if (ws.remove(ws.state.pathOf(node.id)!).ok) for (const n of ids) sim.removed.add(n.id);
      return;
    }
    case 'undo': {
      // An undo reverts this client's newest step, and nothing else: a token insert is a step of
      // its own (never grouped with typing), so it may take out one of this client's tokens, and
      // never another client's. Undoing a create deletes the file (or directory) with whatever
      // others typed into it: that counts as an explicit delete.
      const before = new Set([...ws.state.walk()].map((n) => n.id));
      const tokensBefore = tokensIn(ws.state);
      ws.undo();
      const after = new Set([...ws.state.walk()].map((n) => n.id));
      const gone = [...before].filter((id) => !after.has(id));
      for (const id of gone) sim.removed.add(id);
      const tokensAfter = tokensIn(ws.state);
      const taken = [...tokensBefore].filter(
        ([tok, file]) => !tokensAfter.has(tok) && !gone.includes(file),
      );
      expect(taken.length, 'an undo takes out at most one token').toBeLessThanOrEqual(1);
      for (const [tok] of taken) {
        expect(tok.startsWith(`<${who}:`), `undo by ${who} took ${tok}`).toBe(true);
        sim.undone.add(tok);
      }
      return;
    }
    case 'disconnect':
    case 'restart':
    case 'pause':
      return;
  }
}

async function quiesce(
  clients: Client[],
  handles: WorkspaceHandle[],
  server: DistSpaceServer,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const serverRevision = server.stats('sim').workspaces[0]?.revision;
    if (
      clients.every((c) => c.state === 'connected') &&
      handles.every((h) => h.pendingCount === 0 && h.revision === serverRevision)
    ) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no quiescence: server ${serverRevision}, clients ${handles.map((h, i) => `${clients[i]!.state}/${h.revision}/${h.pendingCount}`).join(' ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs of the simulation: a 25th of the other properties' (each run is a whole session). */
const SIMULATION_RUNS = Math.max(10, Math.floor((fc.readConfigureGlobal().numRuns ?? 100) / 25));

describe('network simulation', () => {
  it(
    'converges every client to the server, each acknowledged token present exactly once',
    async () => {
      const verifier = await createJwtVerifier({ secret: SECRET });
      if (!verifier.ok) throw verifier.error;
      const auth = createAuthenticator({ verifiers: [verifier.value] });
      if (!auth.ok) throw auth.error;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.array(actionArb, { minLength: 5, maxLength: 40 }),
          fc.boolean(),
          async (seed, actions, shortHistory) => {
            const network = new MemoryNetwork({
              seed,
              latencyMs: { min: 0, max: 4 },
              disconnectProbability: 0.02,
            });
            const store = new MemoryOpLogStore();
            const startServer = () => {
              const started = new DistSpaceServer({
                authenticator: auth.value,
                // A short history: the server keeps 1 to 2 revisions, so a client back from a cut often
                // finds its history gone (REBASE_REQUIRED) and rebases onto a snapshot, possibly with
                // its in-flight change sequenced and its Ack lost.
                storage: storeStorage(
                  store,
                  shortHistory
                    ? { snapshotEveryRevisions: 2, retainRevisions: 1, recentWindow: 1 }
                    : {},
                ),
                logger: createLogger({ level: 'silent', ring: new LogRing(10), destination: null }),
                limits: {
                  submitsPerSecond: 10_000,
                  submitBurst: 10_000,
                  ...(shortHistory ? { recentWindow: 1 } : {}),
                },
                // Frames of 4 KiB: a change carries at most 1 Ki code units of text, so pastes go
                // in parts, and a catch-up of a few of them comes as a snapshot.
                connection: {
                  messagesPerSecond: 100_000,
                  messageBurst: 100_000,
                  maxFrameSize: 4_096,
                },
              });
              started.attach(network.listen('server', started.listenerOptions()));
              return started;
            };
            let server = startServer();
            const clients: Client[] = [];
            /** The taps on the connections of `clients`, by the same index. */
            const taps: ConnectionTap[] = [];
            const handles: WorkspaceHandle[] = [];
            try {
              /** Connects client `i` and opens the workspace, through the faults. */
              const join = async (i: number, scopes?: string[]) => {
                let c: Client | undefined;
                const tap = new ConnectionTap(() =>
                  network.connect('server', { remoteAddress: `client-${i}` }),
                );
                for (let attempt = 0; !c; attempt++) {
                  try {
                    c = await Client.connect({
                      connect: tap.connect,
                      token: () => token(`user${i}`, scopes),
                      clientId: `sim${i}`,
                      reconnect: { initialDelayMs: 2, maxDelayMs: 20 },
                    });
                  } catch (e) {
                    // The network cut the first connection during Hello: connect again.
                    if (attempt > 50) throw e;
                  }
                }
                clients.push(c);
                taps.push(tap);
                for (let attempt = 0; ; attempt++) {
                  try {
                    handles.push(await c.open('sim', { create: true }));
                    return;
                  } catch (e) {
                    // The connection was cut during Open: wait for the reconnect and try again.
                    if (attempt > 50) throw e;
                    await new Promise((r) => setTimeout(r, 20));
                  }
                }
              };
              for (let i = 0; i < 3; i++) await join(i);
              const sim: Sim = {
                tokens: new Map(),
                removed: new Set(),
                undone: new Set(),
                counter: 0,
              };
              const outOfStep: string[] = [];
              /** Follows what every handle, the viewer's too, reports of its own accord. */
              const watch = (h: WorkspaceHandle) => {
                // A rebase replays tree ops by id and reports those whose node or directory is
                // gone, and edits of a file gone (deleted, or out of the session's sight): such a
                // file takes its tokens with it, as a delete would.
                h.on('rebased', ({ dropped }) => {
                  for (const op of dropped) sim.removed.add(op.id);
                });
                // A change from the server that does not apply is a bug the client survives (it
                // reloads), but a bug all the same.
                h.on('outOfStep', ({ error }) => outOfStep.push(error.message));
              };
              for (const h of handles) watch(h);
              // Every client starts with one file to type into, so that most runs type, and undo
              // what they typed, from the first action on.
              act(handles[0]!, { kind: 'createFile', client: 0, dir: 0, name: 2 }, sim, 0);
              must(handles[0]!.createDir('a'));
              must(handles[0]!.createFile('a/c.txt', '.'));
              await quiesce(clients, handles, server, 20_000);
              // The viewer sees a filtered view: `a` and what is under it. Its catch-ups come as
              // snapshots, and so does its state after a change of its that crossed tree ops.
              await join(VIEWER, VIEWER_SCOPES);
              watch(handles[VIEWER]!);
              // A file moved out of the viewer's sight comes to it as a delete: what it typed
              // there meanwhile goes with it (the server refuses the edit on a path it may not
              // write), as if the file had been deleted.
              handles[VIEWER]!.on('change', ({ change, local }) => {
                if (local) return;
                const gone: NodeSnapshot[] = change.flatMap((op) =>
                  op.type === 'delete' ? [op.removed] : [],
                );
                for (let node = gone.pop(); node; node = gone.pop()) {
                  sim.removed.add(node.id);
                  if (node.kind === 'dir') gone.push(...node.children);
                }
              });
              // A change the server refuses (the viewer's outside `a/`) is rolled back, with the
              // tokens it typed, and a file it created goes with whatever was typed into it since.
              for (const h of handles)
                h.on('rejected', ({ change }) => {
                  for (const op of change) {
                    if (op.type === 'createFile' || op.type === 'createDir') sim.removed.add(op.id);
                    const text =
                      op.type === 'edit'
                        ? op.change.map((t) => (t.type === 'delete' ? '' : t.text)).join('')
                        : op.type === 'createFile'
                          ? op.content
                          : '';
                    for (const tok of text.match(/<\d+:\d+>/g) ?? []) sim.undone.add(tok);
                  }
                });
              await quiesce(clients, handles, server, 20_000);
              for (const action of actions) {
                if (action.kind === 'pause') {
                  await new Promise((r) => setTimeout(r, 3));
                  continue;
                }
                if (action.kind === 'restart') {
                  await server.close();
                  server = startServer();
                  continue;
                }
                if (action.kind === 'disconnect') {
                  // A connected client speaks through the tap's latest connection; one that is not
                  // has none in use (the lost one is let go, the next not yet welcomed).
                  if (clients[action.client]!.state === 'connected')
                    network.disconnect(taps[action.client]!.connection);
                  continue;
                }
                act(handles[action.client]!, action, sim, action.client);
                await new Promise((r) => setImmediate(r));
              }
              // Stop the faults, then let everything settle.
              network.setFaults({ disconnectProbability: 0 });
              await quiesce(clients, handles, server, 20_000);
              // The server's state, as a fresh client opening the workspace receives it.
              const checker = await Client.connect({
                connect: () => network.connect('server', { remoteAddress: 'checker' }),
                token: () => token('checker'),
                clientId: 'sim-checker',
              });
              clients.push(checker);
              expect(outOfStep, `seed ${seed} short ${shortHistory}`).toEqual([]);
              const served = (await checker.open('sim')).state;
              const truth = JSON.stringify(workspaceToWire(served));
              for (const h of handles.slice(0, VIEWER))
                expect(
                  JSON.stringify(workspaceToWire(h.state)),
                  `seed ${seed} short ${shortHistory}`,
                ).toBe(truth);
              // The viewer holds what a fresh session with its scopes is served.
              const viewerChecker = await Client.connect({
                connect: () => network.connect('server', { remoteAddress: 'viewer-checker' }),
                token: () => token('viewer-checker', VIEWER_SCOPES),
                clientId: 'sim-viewer-checker',
              });
              clients.push(viewerChecker);
              const viewed = (await viewerChecker.open('sim')).state;
              expect(
                JSON.stringify(workspaceToWire(handles[VIEWER]!.state)),
                `viewer: seed ${seed} short ${shortHistory}`,
              ).toBe(JSON.stringify(workspaceToWire(viewed)));
              // A file out of the viewer's sight at the end took what the viewer typed into it
              // (refused, as an edit of a path it may not write), however it left (a move, seen
              // as a delete or in a snapshot).
              for (const [tok, fileId] of sim.tokens)
                if (tok.startsWith(`<${VIEWER}:`) && !viewed.node(fileId)) sim.removed.add(fileId);
              const text = allText(served);
              for (const [tok, fileId] of sim.tokens) {
                const count = text.split(tok).length - 1;
                if (sim.removed.has(fileId) || sim.undone.has(tok))
                  expect(count, `${tok} seed ${seed} short ${shortHistory}`).toBeLessThanOrEqual(1);
                else expect(count, `${tok} seed ${seed} short ${shortHistory}`).toBe(1);
              }
            } finally {
              for (const c of clients) await c.close();
              await server.close();
            }
          },
        ),
        { numRuns: SIMULATION_RUNS },
      );
      // A run takes 0.1 to 0.3 s (a few seconds when it restarts the server often); a run that
      // does not settle fails within 20 s by itself.
    },
    60_000 + SIMULATION_RUNS * 2_000,
  );
});
