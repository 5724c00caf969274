import { DistSpaceError, err, isWellFormed, ok, type Result, Text } from '@dist-space/ot-core';
import { freeze } from 'immer';
import { isNameAllowedFor } from './conflict-name.js';
import { isNodeId, type NodeId } from './ids.js';
import { resolveLimits, type WorkspaceLimits } from './limits.js';
import { checkName } from './paths.js';
import { PersistentMap } from './persistent-map.js';
import {
  type DirNode,
  emptyRecord,
  emptyShards,
  rootNode,
  shardOf,
  type TreeNode,
  type WorkspaceTree,
} from './tree.js';
import type { WireNode, WireWorkspace } from './wire-types.js';
import { Workspace } from './workspace.js';

/**
 * The whole workspace as plain data for msgpack or JSON (the snapshot form): every node but the
 * root, each after its parent, files with their text. O(size of the workspace).
 */
export function workspaceToWire(ws: Workspace): WireWorkspace {
  const nodes: WireNode[] = [];
  for (const node of ws.walk()) {
    nodes.push(
      node.kind === 'dir'
        ? [node.id, node.parent!, node.name]
        : [node.id, node.parent, node.name, ws.text(node.id)?.toString() ?? ''],
    );
  }
  return { format: 1, nodes };
}

function invalid(
  why: string,
  index?: number,
  code: 'INVALID_SNAPSHOT' | 'LIMIT_EXCEEDED' | 'INVALID_PATH' = 'INVALID_SNAPSHOT',
): Result<never> {
  const where = index === undefined ? '' : ` (node ${index})`;
  return err(
    new DistSpaceError(
      code,
      `The workspace snapshot is not valid${where}: ${why}.`,
      index === undefined ? {} : { index },
    ),
  );
}

/**
 * Reads a workspace from untrusted data in the form {@link workspaceToWire} writes, enforcing
 * {@link WorkspaceLimits} (node count, file size, names). Never throws. Each node must come after
 * its parent, so the result is a sound tree (`validateWorkspace` finds nothing).
 *
 * @returns the workspace, or `INVALID_SNAPSHOT`, `INVALID_PATH` or `LIMIT_EXCEEDED`
 */
export function parseWorkspace(value: unknown, limits: WorkspaceLimits = {}): Result<Workspace> {
  const resolved = resolveLimits(limits);
  if (typeof value !== 'object' || value === null)
    return invalid('it must be an object { format: 1, nodes }');
  const { format, nodes: list } = value as { format?: unknown; nodes?: unknown };
  if (format !== 1) return invalid('its format must be 1');
  if (!Array.isArray(list)) return invalid('nodes must be an array');
  if (list.length > resolved.maxNodes) {
    return invalid(
      `it has ${list.length} nodes; the limit is ${resolved.maxNodes}`,
      undefined,
      'LIMIT_EXCEEDED',
    );
  }
  const shards = emptyShards();
  const nodeOf = (id: NodeId): TreeNode | undefined => shards[shardOf(id)]![id];
  const put = (node: TreeNode) => {
    shards[shardOf(node.id)]![node.id] = node;
  };
  put(rootNode());
  let docs = PersistentMap.empty<Text>();
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (!Array.isArray(entry) || (entry.length !== 3 && entry.length !== 4)) {
      return invalid('a node must be [id, parent, name] or [id, parent, name, content]', i);
    }
    const [id, parent, name, content] = entry as unknown[];
    if (!isNodeId(id)) return invalid('its id must be a node id such as "alice:7"', i);
    if (nodeOf(id) !== undefined) return invalid(`the id ${id} appears twice`, i);
    const dir = typeof parent === 'string' ? (nodeOf(parent) as DirNode | undefined) : undefined;
    if (dir?.kind !== 'dir') return invalid('its parent must be a directory listed before it', i);
    const bad = checkName(name, resolved.path.maxSegmentBytes);
    if (bad !== undefined) return invalid(bad.message, i, 'INVALID_PATH');
    const n = name as string;
    if (!isNameAllowedFor(n, id))
      return invalid(`the name "${n}" carries another node's conflict marker`, i);
    if (dir.children[n] !== undefined)
      return invalid(`its directory already has an entry "${n}"`, i);
    (dir.children as Record<string, NodeId>)[n] = id;
    if (entry.length === 3) {
      put({ kind: 'dir', id, parent: dir.id, name: n, children: emptyRecord() });
      continue;
    }
    if (typeof content !== 'string') return invalid('a file content must be a string', i);
    if (content.length > resolved.maxFileSize) {
      return invalid(
        `a file holds ${content.length} code units; the limit is ${resolved.maxFileSize}`,
        i,
        'LIMIT_EXCEEDED',
      );
    }
    if (!isWellFormed(content)) return invalid('a file content holds a lone surrogate', i);
    put({ kind: 'file', id, parent: dir.id, name: n });
    docs = docs.set(id, Text.of(content));
  }
  const tree: WorkspaceTree = freeze({ shards, count: list.length }, true);
  return ok(new Workspace(tree, docs));
}
