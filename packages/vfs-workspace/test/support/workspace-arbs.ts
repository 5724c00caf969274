import { apply, type Op } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  completeOp,
  isNameAllowedFor,
  type NodeId,
  ROOT_ID,
  type TreeNode,
  type Workspace,
  type WorkspaceOp,
  type WorkspaceOpDraft,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import {
  changeFromSeeds,
  type OpSeed as TextSeed,
  seedsArb as textSeedsArb,
} from '../../../ot-core/test/support/arbitraries.js';

// Random workspaces and random workspace changes for the properties. Everything is generated
// as shape-only seeds (which shrink well) and materialised against a concrete state, so that
// every generated change is valid on the state it is made for.

/** Names from a small pool, so that concurrent creates and moves collide often. */
export const NAMES = ['a', 'b', 'a.ts', 'A.ts', 'a b', 'é', '😀.md', '__proto__'] as const;

/** A piece of text: `#` stands for a fresh tracked character, the rest decorate. */
const TEXT_PIECES = ['#', '#', '#', '\r\n', '\n', '😀', 'é'];

export const textShapeArb = fc
  .array(fc.constantFrom(...TEXT_PIECES), { maxLength: 5 })
  .map((p) => p.join(''));

/**
 * Makes fresh characters, each used once in a run, so that the content-loss property can tell
 * who inserted every character. They are CJK ideographs (one UTF-16 code unit, NFC-stable).
 */
export class CharSource {
  private next = 0x4e00;
  fresh(): string {
    return String.fromCharCode(this.next++);
  }
  /** `shape` with every `#` replaced by a fresh character. */
  fill(shape: string): string {
    return shape.replace(/#/g, () => this.fresh());
  }
  /** True for a character this source makes. */
  static isTracked(c: string): boolean {
    const code = c.charCodeAt(0);
    return c.length === 1 && code >= 0x4e00 && code <= 0x9fff;
  }
}

export type OpKind = 'createFile' | 'createDir' | 'restore' | 'delete' | 'move' | 'edit';

/** The shape of one workspace op, independent of any state. */
export interface WsSeed {
  kind: OpKind;
  target: number;
  dest: number;
  name: number;
  text: string;
  restoreAsDir: boolean;
  restoreId: number;
  textSeeds: TextSeed[];
  /** Moves and deletes pick a directory, so that subtrees move and nest. */
  targetDir: boolean;
}

export const wsSeedArb: fc.Arbitrary<WsSeed> = fc.record({
  kind: fc.constantFrom<OpKind>(
    'createFile',
    'createDir',
    'restore',
    'delete',
    'move',
    'move',
    'edit',
    'edit',
  ),
  target: fc.nat(50),
  dest: fc.nat(50),
  name: fc.nat(NAMES.length - 1),
  text: textShapeArb,
  restoreAsDir: fc.boolean(),
  restoreId: fc.nat(2),
  textSeeds: textSeedsArb(3),
  targetDir: fc.boolean(),
});

export const wsSeedsArb = (max = 4) => fc.array(wsSeedArb, { maxLength: max });

function sortedNodes(ws: Workspace, filter: (n: TreeNode) => boolean): TreeNode[] {
  return [...ws.nodes()].filter(filter).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** The ids restores use: nodes that may have existed before and come back (undo). */
export const RESTORE_IDS = ['G:1', 'G:2', 'G:3'];

/**
 * The op `seed` describes on `ws`, as a draft, or undefined when it describes nothing valid
 * (for example a move into the node's own subtree, which is then skipped).
 */
export function draftFromSeed(
  ws: Workspace,
  seed: WsSeed,
  newId: () => NodeId,
  chars: CharSource,
): WorkspaceOpDraft | undefined {
  const nonRoot = sortedNodes(ws, (n) => n.id !== ROOT_ID);
  const dirs = sortedNodes(ws, (n) => n.kind === 'dir');
  const files = nonRoot.filter((n) => n.kind === 'file');
  const dest = dirs[seed.dest % dirs.length]!;
  const name = NAMES[seed.name]!;
  switch (seed.kind) {
    case 'createFile':
      return {
        type: 'createFile',
        id: newId(),
        parent: dest.id,
        name,
        content: chars.fill(seed.text),
      };
    case 'createDir':
      return { type: 'createDir', id: newId(), parent: dest.id, name };
    case 'restore': {
      const id = RESTORE_IDS[seed.restoreId]!;
      if (ws.node(id) !== undefined) return undefined;
      return seed.restoreAsDir
        ? { type: 'createDir', id, parent: dest.id, name }
        : { type: 'createFile', id, parent: dest.id, name, content: chars.fill(seed.text) };
    }
    case 'delete': {
      const pool = seed.targetDir ? dirs.filter((d) => d.id !== ROOT_ID) : nonRoot;
      const target = pool[seed.target % Math.max(1, pool.length)];
      return target === undefined ? undefined : { type: 'delete', id: target.id };
    }
    case 'move': {
      const pool = seed.targetDir ? dirs.filter((d) => d.id !== ROOT_ID) : nonRoot;
      const target = pool[seed.target % Math.max(1, pool.length)];
      if (target === undefined) return undefined;
      // Half the moves are renames in place, half go to another directory.
      const parent = seed.dest % 2 === 0 ? target.parent! : dest.id;
      return { type: 'move', id: target.id, parent, name };
    }
    case 'edit': {
      const file = files[seed.target % Math.max(1, files.length)];
      if (file === undefined) return undefined;
      const text = ws.text(file.id)!.toString();
      const filled = seed.textSeeds.map((s) => ({
        ...s,
        text: chars.fill(s.text.replace(/[abcx中]/g, '#')),
      }));
      const change: Op[] = changeFromSeeds(text, filled);
      return { type: 'edit', id: file.id, change };
    }
  }
}

/**
 * A valid change on `ws` made from `seeds`, op by op; seeds that describe nothing valid on the
 * state at their turn are skipped.
 */
export function changeFromWsSeeds(
  ws: Workspace,
  seeds: readonly WsSeed[],
  newId: () => NodeId,
  chars: CharSource,
): { change: WorkspaceOp[]; after: Workspace } {
  const change: WorkspaceOp[] = [];
  let current = ws;
  for (const seed of seeds) {
    const draft = draftFromSeed(current, seed, newId, chars);
    if (draft === undefined) continue;
    if (
      (draft.type === 'createFile' || draft.type === 'createDir' || draft.type === 'move') &&
      !isNameAllowedFor(draft.name, draft.id)
    )
      continue;
    const op = completeOp(current, draft);
    if (!op.ok) throw op.error;
    const next = applyWorkspaceChange(current, [op.value]);
    if (!next.ok) {
      // Invalid here (name taken, cycle, ...): skip it, as a user interface would refuse it.
      const code = next.error.code;
      if (code === 'ALREADY_EXISTS' || code === 'MOVE_INTO_DESCENDANT') continue;
      throw next.error;
    }
    change.push(op.value);
    current = next.value;
  }
  return { change, after: current };
}

/** A random starting workspace: directories nested a few deep, files with text. */
export const baseSeedsArb = fc.array(
  fc.record({
    kind: fc.constantFrom<OpKind>(
      'createDir',
      'createDir',
      'createDir',
      'createFile',
      'createFile',
    ),
    target: fc.constant(0),
    dest: fc.nat(50),
    name: fc.nat(NAMES.length - 1),
    text: textShapeArb,
    restoreAsDir: fc.constant(false),
    restoreId: fc.constant(0),
    textSeeds: fc.constant<TextSeed[]>([]),
    targetDir: fc.constant(false),
  }),
  { maxLength: 16 },
);

/** A canonical, comparable description of a workspace: every node with its content. */
export function describeWorkspace(ws: Workspace): string[] {
  return sortedNodes(ws, () => true).map((n) => {
    const text = n.kind === 'file' ? JSON.stringify(ws.text(n.id)!.toString()) : '';
    return `${n.id} ${n.kind} in ${n.parent} as ${JSON.stringify(n.name)} ${text}`;
  });
}

/** Applies a change that must apply. */
export function mustApply(ws: Workspace, change: readonly WorkspaceOp[]): Workspace {
  const r = applyWorkspaceChange(ws, change);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Every tracked character in the files of `ws`, with the file holding it. */
export function trackedChars(ws: Workspace): Map<string, NodeId> {
  const out = new Map<string, NodeId>();
  for (const [id, text] of ws.documents.entries()) {
    for (const c of text.toString()) if (CharSource.isTracked(c)) out.set(c, id);
  }
  return out;
}

export { apply };

/** A compact, readable form of a base workspace and two changes, for counterexamples. */
export function showScenario(s: {
  base: Workspace;
  a: readonly WorkspaceOp[];
  b: readonly WorkspaceOp[];
}): string {
  const op = (o: WorkspaceOp) => JSON.stringify(o);
  return [
    'base:',
    ...describeWorkspace(s.base).map((l) => `  ${l}`),
    'a:',
    ...s.a.map((o) => `  ${op(o)}`),
    'b:',
    ...s.b.map((o) => `  ${op(o)}`),
  ].join('\n');
}

/** The directories at or below `id`, sorted by id. */
function dirsWithin(ws: Workspace, id: NodeId): NodeId[] {
  const out: NodeId[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const node = ws.node(stack.pop()!);
    if (node?.kind !== 'dir') continue;
    out.push(node.id);
    stack.push(...Object.values(node.children));
  }
  return out.sort();
}

/** Choices for a pair of crossing moves: each side moves one directory into the other's subtree. */
export interface CrossingSeed {
  first: number;
  second: number;
  intoFirst: number;
  intoSecond: number;
}

export const crossingSeedArb: fc.Arbitrary<CrossingSeed> = fc.record({
  first: fc.nat(20),
  second: fc.nat(20),
  intoFirst: fc.nat(20),
  intoSecond: fc.nat(20),
});

/**
 * Two moves on `ws` that are valid each on its own and together would make a cycle: directory
 * X into (a directory within) Y, and Y into (a directory within) X. Undefined when `ws` has no
 * two unrelated directories.
 */
export function crossingMoves(
  ws: Workspace,
  seed: CrossingSeed,
): [WorkspaceOp, WorkspaceOp] | undefined {
  const dirs = sortedNodes(ws, (n) => n.kind === 'dir' && n.id !== ROOT_ID).map((n) => n.id);
  if (dirs.length < 2) return undefined;
  const x = dirs[seed.first % dirs.length]!;
  const y = dirs[seed.second % dirs.length]!;
  const inX = dirsWithin(ws, x);
  const inY = dirsWithin(ws, y);
  if (x === y || inX.includes(y) || inY.includes(x)) return undefined;
  const moveX = completeOp(ws, {
    type: 'move',
    id: x,
    parent: inY[seed.intoSecond % inY.length]!,
    name: ws.node(x)!.name,
  });
  const moveY = completeOp(ws, {
    type: 'move',
    id: y,
    parent: inX[seed.intoFirst % inX.length]!,
    name: ws.node(y)!.name,
  });
  if (!moveX.ok || !moveY.ok) return undefined;
  const a = applyWorkspaceChange(ws, [moveX.value]);
  const b = applyWorkspaceChange(ws, [moveY.value]);
  return a.ok && b.ok ? [moveX.value, moveY.value] : undefined;
}
