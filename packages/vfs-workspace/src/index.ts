/**
 * `@dist-space/vfs-workspace`: a whole file tree that transforms and converges. Files and
 * directories with stable ids; workspace changes (create, delete, move, edit) applied
 * atomically; their transform against concurrent changes (TP1, conflict names, nothing lost
 * silently), invert, paths, and validated plain-data forms for the wire.
 *
 * @packageDocumentation
 */

export { type ApplyOptions, applyWorkspaceChange } from './apply.js';
export { ChangeBuilder } from './builder.js';
export { conflictName, isNameAllowedFor, markedIds } from './conflict-name.js';
export { completeChange, completeOp } from './context.js';
export { workspaceError } from './errors.js';
export {
  createIdGenerator,
  type IdGenerator,
  idFromTag,
  idTag,
  isClientId,
  isNodeId,
  MAX_CLIENT_ID_LENGTH,
  type NodeId,
  ROOT_ID,
} from './ids.js';
export {
  composeWorkspaceChanges,
  invertWorkspaceChange,
  isWorkspaceChangeInvertible,
} from './invert.js';
export {
  countChangeOps,
  DEFAULT_WORKSPACE_LIMITS,
  opWeight,
  resolveLimits,
  type WorkspaceLimits,
} from './limits.js';
export {
  type CreateDirOp,
  type CreateFileOp,
  chainOf,
  type DeleteOp,
  type DirSnapshot,
  type EditOp,
  type FileSnapshot,
  hasTreeOp,
  isNoopMove,
  type MoveOp,
  type NodeSnapshot,
  type Placement,
  type WorkspaceChange,
  type WorkspaceOp,
  type WorkspaceOpDraft,
  type WorkspaceOpType,
} from './ops.js';
export {
  baseName,
  checkName,
  DEFAULT_PATH_LIMITS,
  isPathWithin,
  joinPath,
  MAX_NAME_BYTES,
  normalizePath,
  type PathLimits,
  type PathProblem,
  parentPath,
  splitPath,
  utf8Length,
} from './paths.js';
export { PersistentMap } from './persistent-map.js';
export {
  type PathAccess,
  type TouchedPath,
  touchedPaths,
  touchedPathsOfApplied,
} from './touched.js';
export {
  type DropReason,
  type NoteBody,
  type TransformNote,
  transformWorkspaceChange,
  transformWorkspaceX,
  tryTransformWorkspaceChange,
  type WorkspaceTransformResult,
} from './transform/transform.js';
export type { DirNode, FileNode, TreeNode, WorkspaceTree } from './tree.js';
export {
  type InvariantViolation,
  validateWorkspace,
  type WorkspaceInvariant,
} from './validate.js';
export { parseWorkspaceChange, workspaceChangeToWire, workspaceOpToWire } from './wire.js';
export type { WireNode, WireSnapshot, WireWorkspace, WireWorkspaceOp } from './wire-types.js';
export { parseWorkspace, workspaceToWire } from './wire-workspace.js';
export { type DirEntry, type NodeStat, Workspace } from './workspace.js';
