import type { WorkspaceOp } from '@dist-space/vfs-workspace';

// Found by vfs-workspace's robustness property: ops whose context fits no workspace (here a
// chain above the root) made the transform's fix-ups breed fix-ups until the stack overflowed.
// The transform now stops with CONTEXT_MISMATCH; vfs-workspace and the server's sequencer test
// that it does, with this pair.

/** A change from a hostile or broken peer whose context fits no workspace. */
export const hostileChange: WorkspaceOp[] = [
  {
    type: 'move',
    id: 'base:1',
    parent: 'root',
    name: 'b',
    ancestors: ['B:1'],
    from: { parent: 'root', name: 'a', ancestors: [] },
  },
  {
    type: 'delete',
    id: 'base:1',
    parent: 'root',
    name: 'b',
    ancestors: ['base:3'],
    removed: {
      kind: 'dir',
      id: 'base:1',
      name: 'b',
      children: [
        { kind: 'dir', id: 'base:2', name: 'a', children: [] },
        { kind: 'dir', id: 'base:3', name: 'b', children: [] },
      ],
    },
  },
];

/** A valid concurrent change that {@link hostileChange} must be transformed against. */
export const concurrentWithHostile: WorkspaceOp[] = [
  {
    type: 'createFile',
    id: 'B:1',
    parent: 'base:1',
    name: 'a.ts',
    ancestors: ['root'],
    content: '',
  },
  {
    type: 'move',
    id: 'base:3',
    parent: 'base:1',
    name: 'A.ts',
    ancestors: ['root'],
    from: { parent: 'base:1', name: 'b', ancestors: ['root'] },
  },
];
