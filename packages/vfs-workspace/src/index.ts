/**
 * `@dist-space/vfs-workspace`: a whole file tree that transforms and converges. Files and
 * directories with stable ids; workspace changes (create, delete, move, edit) applied
 * atomically; their transform against concurrent changes (TP1, conflict names, nothing lost
 * silently), invert, paths, and validated plain-data forms for the wire.
 *
 * @packageDocumentation
 */

export { conflictName, isNameAllowedFor, markedIds } from './conflict-name.js';
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
export { DEFAULT_WORKSPACE_LIMITS, resolveLimits, type WorkspaceLimits } from './limits.js';
export {
  type CreateDirOp,
  type CreateFileOp,
  chainOf,
  type DeleteOp,
  type DirSnapshot,
  type EditOp,
  type FileSnapshot,
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
export type { WireNode, WireSnapshot, WireWorkspace, WireWorkspaceOp } from './wire-types.js';
