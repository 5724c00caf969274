import type { Client, WorkspaceHandle } from '@dist-space/client';
import { type Workspace, workspaceToWire } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { lmdbDir } from '../../server/test/support/harness.js';
import { connect, startTestServer, type TestServer, until } from './support/setup.js';

// Issue 7: the network simulation's promise over the real WebSocket transport, with the server
// stopped and started again from its LMDB directory in the middle of the run. Clients keep
// typing, and creating, renaming and deleting files and directories, through the outage; at the
// end all hold the server's state, every token typed is there exactly once, and every file-tree
// step is applied exactly once.

/** What a client's own directory should hold: path -> text, or null for a directory. */
type Tree = Map<string, string | null>;

/** Moves (or, with `to` undefined, deletes) a path and everything beneath it in the model. */
function moveInModel(tree: Tree, from: string, to: string | undefined): void {
  for (const [path, content] of [...tree]) {
    if (path !== from && !path.startsWith(`${from}/`)) continue;
    tree.delete(path);
    if (to !== undefined) tree.set(to + path.slice(from.length), content);
  }
}

/**
 * One file-tree step of client `i` in its own directory `c<i>` (so clients never conflict and the
 * expected tree is known): by turns it creates a file, renames the oldest file, creates a
 * directory with a file in it, renames that directory, and deletes the oldest directory with
 * everything in it. The model changes only when the handle took the step.
 */
function treeStep(h: WorkspaceHandle, i: number, round: number, tree: Tree): void {
  const root = `c${i}`;
  const oldest = (prefix: string) =>
    [...tree.keys()].filter(
      (p) => p.startsWith(`${root}/${prefix}`) && !p.includes('/', root.length + 1),
    )[0];
  switch (round % 5) {
    case 0: {
      const path = `${root}/f${round}.txt`;
      if (h.createFile(path, `{${i}.${round}}`).ok) tree.set(path, `{${i}.${round}}`);
      return;
    }
    case 1: {
      const from = oldest('f');
      const to = `${root}/r${round}.txt`;
      if (from && h.rename(from, to).ok) moveInModel(tree, from, to);
      return;
    }
    case 2: {
      const dir = `${root}/d${round}`;
      const ok = h.change((b) => {
        b.createDir(dir);
        return b.createFile(`${dir}/x.txt`, `{${i}.${round}.x}`);
      }).ok;
      if (ok) tree.set(dir, null).set(`${dir}/x.txt`, `{${i}.${round}.x}`);
      return;
    }
    case 3: {
      const from = `${root}/d${round - 1}`;
      const to = `${root}/e${round}`;
      if (tree.has(from) && h.rename(from, to).ok) moveInModel(tree, from, to);
      return;
    }
    default: {
      const victim = oldest('e');
      if (victim && round % 10 === 4 && h.remove(victim).ok) moveInModel(tree, victim, undefined);
    }
  }
}

/** What a workspace holds under client `i`'s directory, in the model's form. */
function treeOf(state: Workspace, i: number): Tree {
  const tree: Tree = new Map();
  for (const node of state.walk()) {
    const path = state.pathOf(node.id)!;
    if (path !== `c${i}` && !path.startsWith(`c${i}/`)) continue;
    tree.set(path, node.kind === 'file' ? state.text(node.id)!.toString() : null);
  }
  return tree;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('a server restarted mid-run from its LMDB directory', () => {
  it('loses and doubles nothing: clients reconnect, catch up, resend, and converge', async () => {
    const data = await lmdbDir();
    const seed = Date.now() % 100_000;
    const rand = random(seed);
    let server: TestServer = await startTestServer({ store: await data.open() });
    const ports = { ws: Number(new URL(server.wsUrl).port), tcp: server.tcpPort };
    const clients: Client[] = [];
    const handles: WorkspaceHandle[] = [];
    try {
      for (const name of ['ann', 'bob', 'cyd']) {
        const c = await connect(server, name, {
          reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
        });
        clients.push(c);
        handles.push(await c.open('durable', { create: true }));
      }
      handles[0]!.createFile('log.txt', '');
      await handles[0]!.whenSynced();
      await until(
        () => handles.every((h) => h.state.resolve('log.txt').ok),
        'everyone has the file',
      );
      const trees: Tree[] = handles.map((h, i) => {
        if (!h.createDir(`c${i}`).ok) throw new Error(`cannot create c${i}`);
        return new Map([[`c${i}`, null]]);
      });
      const typed: string[] = [];
      const type = (round: number) => {
        for (const [i, h] of handles.entries()) {
          treeStep(h, i, round, trees[i]!);
          const token = `[${i}.${round}]`;
          const text = h.read('log.txt');
          if (!text.ok) throw text.error;
          // Between whole tokens: at the start or after a ']'.
          const gaps = [
            0,
            ...[...text.value].map((c, k) => (c === ']' ? k + 1 : -1)).filter((k) => k > 0),
          ];
          const at = gaps[Math.floor(rand() * gaps.length)]!;
          if (h.insert('log.txt', at, token).ok) typed.push(token);
        }
      };
      for (let round = 0; round < 30; round++) {
        type(round);
        await new Promise((r) => setTimeout(r, 2));
      }
      // Stop the server while changes are in flight, keep typing through the outage...
      await server.stop();
      for (let round = 30; round < 50; round++) type(round);
      await until(() => clients.every((c) => c.state !== 'connected'), 'clients noticed');
      // ...and start it again from the same directory, where the clients expect it.
      server = await startTestServer({ store: await data.open(), ports });
      for (let round = 50; round < 80; round++) {
        type(round);
        await new Promise((r) => setTimeout(r, 2));
      }
      await until(
        () =>
          clients.every((c) => c.state === 'connected') &&
          handles.every((h) => h.pendingCount === 0),
        'everyone reconnected and synced',
        20_000,
      );
      await until(
        () => new Set(handles.map((h) => h.revision)).size === 1,
        'same revision',
        20_000,
      );
      const truth = JSON.stringify(workspaceToWire(handles[0]!.state));
      for (const h of handles)
        expect(JSON.stringify(workspaceToWire(h.state)), `seed ${seed}`).toBe(truth);
      const check = await connect(server, 'checker');
      clients.push(check);
      const fresh = await check.open('durable');
      expect(JSON.stringify(workspaceToWire(fresh.state))).toBe(truth);
      const text = fresh.read('log.txt');
      if (!text.ok) throw text.error;
      for (const token of typed)
        expect(text.value.split(token).length - 1, `${token} seed ${seed}`).toBe(1);
      expect(typed.length).toBe(240);
      // Every file-tree step is there once: no create doubled (it would be kept under a conflict
      // name), none lost, every rename and delete applied, and every file holds its own text.
      for (const [i, tree] of trees.entries()) {
        expect(tree.size, 'the steps did something').toBeGreaterThan(20);
        expect(treeOf(fresh.state, i), `c${i} seed ${seed}`).toEqual(tree);
      }
    } finally {
      for (const c of clients) await c.close();
      await server.stop();
      await data.cleanup();
    }
  }, 60_000);
});
