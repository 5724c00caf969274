import { type ChangeLimits, DEFAULT_CHANGE_LIMITS } from '@dist-space/ot-core';
import type { WorkspaceOp } from './ops.js';
import { DEFAULT_PATH_LIMITS, type PathLimits } from './paths.js';

/** Limits applied to untrusted workspace changes and snapshots (see `parseWorkspaceChange`). */
export interface WorkspaceLimits {
  /** Most nodes (files and directories, the root not counted) in a workspace. Default 100,000. */
  readonly maxNodes?: number;
  /** Most UTF-16 code units in one file. Default 16 Mi. */
  readonly maxFileSize?: number;
  /** Most ops in one workspace change. Default 10,000. */
  readonly maxOpsPerChange?: number;
  /**
   * Most code units of text carried by one change: created content, deleted subtrees' contents
   * and edit text together. Default 256 Mi, enough to delete a large directory in one change.
   */
  readonly maxChangeTextLength?: number;
  /** Limits on paths and names. */
  readonly path?: PathLimits;
  /** Limits on the text change inside each edit op (ot-core's). */
  readonly edit?: ChangeLimits;
}

/** The limits used when none are given. */
export const DEFAULT_WORKSPACE_LIMITS: {
  readonly maxNodes: number;
  readonly maxFileSize: number;
  readonly maxOpsPerChange: number;
  readonly maxChangeTextLength: number;
  readonly path: Required<PathLimits>;
  readonly edit: Required<ChangeLimits>;
} = {
  maxNodes: 100_000,
  maxFileSize: 16 * 1024 * 1024,
  maxOpsPerChange: 10_000,
  maxChangeTextLength: 256 * 1024 * 1024,
  path: DEFAULT_PATH_LIMITS,
  edit: DEFAULT_CHANGE_LIMITS,
};

/** `limits` with every field filled from the defaults. */
export function resolveLimits(limits: WorkspaceLimits = {}): typeof DEFAULT_WORKSPACE_LIMITS {
  return {
    maxNodes: limits.maxNodes ?? DEFAULT_WORKSPACE_LIMITS.maxNodes,
    maxFileSize: limits.maxFileSize ?? DEFAULT_WORKSPACE_LIMITS.maxFileSize,
    maxOpsPerChange: limits.maxOpsPerChange ?? DEFAULT_WORKSPACE_LIMITS.maxOpsPerChange,
    maxChangeTextLength: limits.maxChangeTextLength ?? DEFAULT_WORKSPACE_LIMITS.maxChangeTextLength,
    path: { ...DEFAULT_PATH_LIMITS, ...limits.path },
    edit: { ...DEFAULT_CHANGE_LIMITS, ...limits.edit },
  };
}

/**
 * What one op weighs against a server's ops-per-change limit: the text ops of an edit (at
 * least one), or 1 for a tree op. A text op costs the server as much as a tree op does, so an edit
 * of a thousand scattered keystrokes counts as a thousand. The server counts changes with it and
 * the client cuts its buffer with it, so both sides always agree on what fits.
 */
export function opWeight(op: WorkspaceOp): number {
  return op.type === 'edit' ? Math.max(1, op.change.length) : 1;
}

/** The weight of a whole change against an ops-per-change limit: its ops' {@link opWeight}s. */
export function countChangeOps(change: readonly WorkspaceOp[]): number {
  let n = 0;
  for (const op of change) n += opWeight(op);
  return n;
}
