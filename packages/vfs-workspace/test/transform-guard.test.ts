import { transformWorkspaceX, tryTransformWorkspaceChange } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import {
  hostileChange as hostile,
  concurrentWithHostile as valid,
} from '../../../test-support/hostile-changes.js';

describe('the transform work bound', () => {
  it('stops a transform of changes that fit no workspace with CONTEXT_MISMATCH', () => {
    const r = tryTransformWorkspaceChange(hostile, valid, 'right');
    expect(r).toMatchObject({ ok: false, error: { code: 'CONTEXT_MISMATCH' } });
    expect(() => transformWorkspaceX(hostile, valid, 'right')).toThrow(/fits no workspace/);
  });
});
