import { DistSpaceError, err, ok, type Result, Text } from '@dist-space/ot-core';
import { type NodeId, ROOT_ID } from './ids.js';
import type { NodeSnapshot, Placement } from './ops.js';
import { normalizePath, type PathLimits, splitPath } from './paths.js';
import { PersistentMap } from './persistent-map.js';
import {
  allNodes,
  ancestorsAbove,
  type DirNode,
  EMPTY_TREE,
  getNode,
  type TreeNode,
  type WorkspaceTree,
} from './tree.js';

/** One entry of a directory listing. */
export interface DirEntry {
  readonly name: string;
  readonly id: NodeId;
  readonly kind: 'file' | 'dir';
}

/** What `stat` tells about a node. */
export interface NodeStat {
  readonly id: NodeId;
  readonly kind: 'file' | 'dir';
  /** The normalised path; `""` for the root. */
  readonly path: string;
  /** The containing directory, `null` for the root. */
  readonly parent: NodeId | null;
  /** For a file, its length in UTF-16 code units; for a directory, its number of entries. */
  readonly size: number;
  /** For a file, its number of lines; 0 for a directory. */
  readonly lines: number;
}

/**
 * A workspace: the file tree (immer-managed plain objects, see {@link WorkspaceTree}) and the
 * text of every file as an ot-core {@link Text} rope, kept outside the tree in a persistent map
 * so that an edit never touches the tree. Immutable: applying a change returns a new workspace
 * that shares everything unchanged, so keeping a version costs nothing and readers see a
 * consistent view while the live state moves on.
 */
export class Workspace {
  /** The workspace with only the root directory. */
  static readonly empty: Workspace = new Workspace(EMPTY_TREE, PersistentMap.empty());

  /** @internal Use {@link Workspace.empty} and apply changes, or parse a snapshot. */
  constructor(
    /** The file tree. */
    readonly tree: WorkspaceTree,
    /** @internal File id -> text. */
    readonly documents: PersistentMap<Text>,
  ) {}

  /** The number of nodes (files and directories), the root not counted. */
  get size(): number {
    return this.tree.count;
  }

  /** The node with `id`, or undefined. */
  node(id: NodeId): TreeNode | undefined {
    return getNode(this.tree, id);
  }

  /** The text of file `id`, or undefined when `id` is not a file. */
  text(id: NodeId): Text | undefined {
    return this.documents.get(id);
  }

  /** Every node, the root's included, in no particular order. */
  nodes(): IterableIterator<TreeNode> {
    return allNodes(this.tree);
  }

  /** The id of the entry `name` of directory `dir`, or undefined. */
  childId(dir: NodeId, name: string): NodeId | undefined {
    const node = getNode(this.tree, dir);
    return node?.kind === 'dir' ? node.children[name] : undefined;
  }

  /** Where node `id` sits (with the ancestors ops carry), or undefined for the root or an unknown id. */
  placementOf(id: NodeId): Placement | undefined {
    const node = getNode(this.tree, id);
    if (node === undefined || node.parent === null) return undefined;
    return {
      parent: node.parent,
      name: node.name,
      ancestors: ancestorsAbove(this.tree, node.parent),
    };
  }

  /** The path of node `id` (`""` for the root), or undefined for an unknown id. */
  pathOf(id: NodeId): string | undefined {
    const names: string[] = [];
    let node = getNode(this.tree, id);
    if (node === undefined) return undefined;
    while (node.parent !== null) {
      names.push(node.name);
      node = getNode(this.tree, node.parent)!;
    }
    return names.reverse().join('/');
  }

  /**
   * The node at `path` (normalised first; `""` is the root).
   *
   * @returns `INVALID_PATH`, `NOT_FOUND`, or `NOT_A_DIRECTORY` when the path goes through a file
   */
  resolve(path: string, limits?: PathLimits): Result<TreeNode> {
    const normal = normalizePath(path, limits);
    if (!normal.ok) return normal;
    let node: TreeNode = getNode(this.tree, ROOT_ID)!;
    const names = splitPath(normal.value);
    for (let i = 0; i < names.length; i++) {
      if (node.kind !== 'dir') {
        const through = names.slice(0, i).join('/');
        return err(
          new DistSpaceError(
            'NOT_A_DIRECTORY',
            `Cannot resolve "${normal.value}": "${through}" is a file, not a directory.`,
            { path: normal.value, at: through },
          ),
        );
      }
      const child: NodeId | undefined = node.children[names[i]!];
      if (child === undefined) {
        return err(
          new DistSpaceError('NOT_FOUND', `Nothing exists at "${normal.value}".`, {
            path: normal.value,
            missing: names.slice(0, i + 1).join('/'),
          }),
        );
      }
      node = getNode(this.tree, child)!;
    }
    return ok(node);
  }

  /** The text of the file at `path` as a rope; `NOT_A_FILE` for a directory. */
  readText(path: string): Result<Text> {
    const node = this.resolve(path);
    if (!node.ok) return node;
    if (node.value.kind !== 'file') {
      return err(
        new DistSpaceError(
          'NOT_A_FILE',
          `"${this.pathOf(node.value.id)}" is a directory, not a file.`,
          {
            path: this.pathOf(node.value.id),
          },
        ),
      );
    }
    return ok(this.documents.get(node.value.id) ?? Text.empty);
  }

  /** The text of the file at `path`; `NOT_A_FILE` for a directory. */
  read(path: string): Result<string> {
    const text = this.readText(path);
    return text.ok ? ok(text.value.toString()) : text;
  }

  /** The entries of the directory at `path` (`""` for the root), sorted by name. */
  list(path = ''): Result<DirEntry[]> {
    const node = this.resolve(path);
    if (!node.ok) return node;
    if (node.value.kind !== 'dir') {
      return err(
        new DistSpaceError(
          'NOT_A_DIRECTORY',
          `"${this.pathOf(node.value.id)}" is a file, not a directory.`,
          {
            path: this.pathOf(node.value.id),
          },
        ),
      );
    }
    return ok(this.entriesOf(node.value));
  }

  /** The entries of directory node `dir`, sorted by name (UTF-16 code unit order). */
  entriesOf(dir: DirNode): DirEntry[] {
    return Object.keys(dir.children)
      .sort()
      .map((name) => {
        const id = dir.children[name]!;
        return { name, id, kind: getNode(this.tree, id)!.kind };
      });
  }

  /** Facts about the node at `path`. */
  stat(path: string): Result<NodeStat> {
    const resolved = this.resolve(path);
    if (!resolved.ok) return resolved;
    const node = resolved.value;
    const text = node.kind === 'file' ? (this.documents.get(node.id) ?? Text.empty) : undefined;
    return ok({
      id: node.id,
      kind: node.kind,
      path: this.pathOf(node.id)!,
      parent: node.parent,
      size: text === undefined ? Object.keys((node as DirNode).children).length : text.length,
      lines: text === undefined ? 0 : text.lineCount,
    });
  }

  /** Node `id` with everything beneath it and its contents, or undefined for an unknown id. */
  snapshotOf(id: NodeId): NodeSnapshot | undefined {
    const node = getNode(this.tree, id);
    if (node === undefined) return undefined;
    if (node.kind === 'file') {
      return {
        kind: 'file',
        id,
        name: node.name,
        content: this.documents.get(id)?.toString() ?? '',
      };
    }
    const children: NodeSnapshot[] = [];
    for (const name of Object.keys(node.children).sort()) {
      children.push(this.snapshotOf(node.children[name]!)!);
    }
    return { kind: 'dir', id, name: node.name, children };
  }

  /** Every node but the root, each after its parent (directories in name order). */
  *walk(): Generator<TreeNode> {
    const stack: NodeId[] = [ROOT_ID];
    while (stack.length > 0) {
      const node = getNode(this.tree, stack.pop()!)!;
      if (node.id !== ROOT_ID) yield node;
      if (node.kind === 'dir') {
        const names = Object.keys(node.children).sort().reverse();
        for (const name of names) stack.push(node.children[name]!);
      }
    }
  }
}
