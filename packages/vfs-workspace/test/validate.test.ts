import {
  conflictName,
  type DirNode,
  ROOT_ID,
  type TreeNode,
  validateWorkspace,
  Workspace,
  type WorkspaceInvariant,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { SHARD_COUNT, shardOf } from '../src/tree.js';
import { tree } from './support/table.js';

// Every other test expects validateWorkspace to find nothing; these check that it finds each
// broken invariant, so that those expectations can fail. Ids: base:1 = src, base:2 = src/a.ts,
// base:3 = docs.

const base = () => tree(['src/', 'src/a.ts=hello', 'docs/']);

type Nodes = Map<string, TreeNode>;

/**
 * `ws` with its nodes rewritten by `edit` (keys are where a node is filed), re-filed into
 * shards by key, with `count` and `documents` as given.
 */
function corrupt(
  ws: Workspace,
  edit: (nodes: Nodes) => void,
  count = ws.tree.count,
  documents = ws.documents,
): Workspace {
  const nodes: Nodes = new Map([...ws.nodes()].map((n) => [n.id, n]));
  edit(nodes);
  const shards = Array.from(
    { length: SHARD_COUNT },
    () => Object.create(null) as Record<string, TreeNode>,
  );
  for (const [key, node] of nodes) shards[shardOf(key)]![key] = node;
  return new Workspace({ shards, count }, documents);
}

const broken = (ws: Workspace): WorkspaceInvariant[] => [
  ...new Set(validateWorkspace(ws).map((v) => v.invariant)),
];

function withEntry(nodes: Nodes, dir: string, name: string, id: string): void {
  const node = nodes.get(dir) as DirNode;
  nodes.set(dir, { ...node, children: { ...node.children, [name]: id } });
}

describe('validateWorkspace', () => {
  it('finds nothing in a sound workspace, and the rebuild keeps it sound', () => {
    expect(validateWorkspace(corrupt(base(), () => {}))).toEqual([]);
  });

  it('finds a root that is not a directory', () => {
    const ws = corrupt(base(), (n) => {
      n.set(ROOT_ID, { kind: 'file', id: ROOT_ID, parent: ROOT_ID, name: '' });
    });
    expect(broken(ws)).toEqual(['root-is-directory']);
  });

  it('finds a node filed under another key or in another shard, and an invalid id', () => {
    const s = base();
    const underOtherKey = corrupt(s, (n) => {
      n.set('base:9', n.get('base:3')!);
      n.delete('base:3');
    });
    expect(broken(underOtherKey)).toContain('valid-id');
    const shards = s.tree.shards.map((shard) => ({ ...shard }));
    const home = shardOf('base:3');
    const other = (home + 1) % SHARD_COUNT;
    shards[other]!['base:3'] = shards[home]!['base:3']!;
    delete shards[home]!['base:3'];
    expect(broken(new Workspace({ shards, count: s.tree.count }, s.documents))).toContain(
      'valid-id',
    );
    const badId = corrupt(s, (n) => {
      n.set('bad id', { kind: 'dir', id: 'bad id', parent: ROOT_ID, name: 'x', children: {} });
      withEntry(n, ROOT_ID, 'x', 'bad id');
    });
    expect(broken(corrupt(badId, () => {}, s.tree.count + 1))).toEqual(['valid-id']);
  });

  it('finds each broken link between a node and its parent', () => {
    const s = base();
    const file = (over: Partial<TreeNode>) =>
      corrupt(s, (n) => n.set('base:2', { ...n.get('base:2')!, ...over } as TreeNode));
    expect(broken(file({ parent: 'base:9' }))).toEqual(
      expect.arrayContaining(['parent-exists', 'entry-points-back']),
    );
    expect(broken(file({ name: 'b.ts' }))).toEqual(
      expect.arrayContaining(['listed-in-parent', 'entry-points-back']),
    );
    expect(broken(file({ name: 'a/b' }))).toContain('valid-name');
    expect(broken(file({ name: conflictName('a.ts', 'x:1') }))).toContain('name-reserved');
    const inFile = corrupt(s, (n) => {
      n.set('base:3', { ...n.get('base:3')!, parent: 'base:2' } as TreeNode);
    });
    expect(broken(inFile)).toContain('parent-is-directory');
  });

  it('finds a cycle, an unreachable node, texts without files and files without texts', () => {
    const s = base();
    const cycle = corrupt(s, (n) => {
      n.set('base:1', { ...(n.get('base:1') as DirNode), parent: 'base:3', name: 'src' });
      n.set('base:3', { ...(n.get('base:3') as DirNode), parent: 'base:1', name: 'docs' });
      withEntry(n, 'base:3', 'src', 'base:1');
      withEntry(n, 'base:1', 'docs', 'base:3');
      n.set(ROOT_ID, { ...(n.get(ROOT_ID) as DirNode), children: {} });
    });
    expect(broken(cycle)).toEqual(expect.arrayContaining(['no-cycle', 'reachable']));
    expect(broken(corrupt(s, () => {}, s.tree.count, s.documents.delete('base:2')))).toEqual([
      'file-has-text',
    ]);
    expect(
      broken(corrupt(s, () => {}, s.tree.count, s.documents.set('base:3', s.text('base:2')!))),
    ).toEqual(['text-has-file']);
    expect(broken(corrupt(s, () => {}, s.tree.count + 1))).toEqual(['node-count']);
  });
});
