import {
  transformWorkspaceX,
  tryTransformWorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';

// Found by the robustness property: ops whose context fits no workspace (here a chain above the
// root, which parseWorkspaceChange now refuses) made fix-ups breed fix-ups until the stack
// overflowed. The transform now stops with CONTEXT_MISMATCH.
const hostile: WorkspaceOp[] = [
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
const valid: WorkspaceOp[] = [
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

describe('the transform work bound', () => {
  it('stops a transform of changes that fit no workspace with CONTEXT_MISMATCH', () => {
    const r = tryTransformWorkspaceChange(hostile, valid, 'right');
    expect(r).toMatchObject({ ok: false, error: { code: 'CONTEXT_MISMATCH' } });
    expect(() => transformWorkspaceX(hostile, valid, 'right')).toThrow(/fits no workspace/);
  });
});
