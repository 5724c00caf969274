import { DistSpaceError } from '@dist-space/ot-core';
import {
  checkName,
  type DropReason,
  isNodeId,
  type NoteBody,
  parseWorkspace,
  parseWorkspaceChange,
  ROOT_ID,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceLimits,
  workspaceChangeToWire,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { limitExceeded } from '../errors.js';
import type { ProtocolLimits } from '../limits.js';
import { type FieldCodec, INVALID, isMap } from './field-codec.js';
import { uint } from './scalars.js';

export type { Workspace, WorkspaceChange };

const workspaceLimits = new WeakMap<ProtocolLimits, WorkspaceLimits>();

/** vfs-workspace's limits for the protocol limits in force; its defaults for the rest. */
function workspaceLimitsOf(limits: ProtocolLimits): WorkspaceLimits {
  let found = workspaceLimits.get(limits);
  if (found === undefined) {
    found = {
      maxOpsPerChange: limits.maxOpsPerChange,
      path: { maxSegmentBytes: limits.maxNameBytes, maxDepth: limits.maxPathDepth },
    };
    workspaceLimits.set(limits, found);
  }
  return found;
}

/**
 * vfs-workspace reports a name over the limit as an invalid path (`details.reason`
 * `'segment-too-long'`); to the protocol it is a limit like the others, named as in
 * {@link ProtocolLimits}. Other errors pass as they are.
 */
function asLimitError(error: DistSpaceError, limits: ProtocolLimits): DistSpaceError {
  if (error.code !== 'INVALID_PATH' || error.details.reason !== 'segment-too-long') return error;
  const failure = limitExceeded('maxNameBytes', limits.maxNameBytes, undefined, 'A name');
  return new DistSpaceError('LIMIT_EXCEEDED', `${failure.message} ${error.message}`, {
    ...failure.details,
    ...(error.details.index === undefined ? {} : { index: error.details.index }),
  });
}

/**
 * A workspace change in vfs-workspace's tuple form, read with its `parseWorkspaceChange` (which
 * checks every op's shape, names, text and limits; whether the change fits the workspace is
 * checked when it is applied).
 */
export const workspaceChangeField: FieldCodec<WorkspaceChange> = {
  doc: 'WorkspaceChange: array of workspace op tuples (see below)',
  optional: false,
  read(value, cx) {
    // Counted here too, so that the error names the protocol's limit like every other.
    if (Array.isArray(value) && value.length > cx.limits.maxOpsPerChange) {
      const max = cx.limits.maxOpsPerChange;
      return cx.failWith(
        limitExceeded('maxOpsPerChange', max, value.length, 'The ops of a change'),
      );
    }
    const parsed = parseWorkspaceChange(value, workspaceLimitsOf(cx.limits));
    return parsed.ok ? parsed.value : cx.failWith(asLimitError(parsed.error, cx.limits));
  },
  write: workspaceChangeToWire,
};

/** A whole workspace in vfs-workspace's snapshot form, read with its `parseWorkspace`. */
export const workspaceStateField: FieldCodec<Workspace> = {
  doc: 'WireWorkspace: map { format: 1, nodes } (see below)',
  optional: false,
  read(value, cx) {
    const parsed = parseWorkspace(value, workspaceLimitsOf(cx.limits));
    return parsed.ok ? parsed.value : cx.failWith(asLimitError(parsed.error, cx.limits));
  },
  write: workspaceToWire,
};

/**
 * What the server's transform did to one op of a Submit's change (vfs-workspace's `NoteBody`),
 * with the op's index in the change as submitted: dropped (its node was deleted, a move would
 * have made a cycle, or a concurrent change superseded it), renamed to a conflict name, or
 * relocated out of a deleted directory.
 */
export type AlteredOp = NoteBody & { readonly index: number };

const DROP_REASONS: readonly DropReason[] = ['deleted', 'cycle', 'superseded'];

const nameOk = (name: unknown): name is string =>
  typeof name === 'string' && checkName(name) === undefined;

/** `{ index, outcome, reason | name | parent }` on the wire. */
export const alteredOpField: FieldCodec<AlteredOp> = {
  doc: "map { index: uint, outcome: 'dropped' | 'renamed' | 'relocated', reason? | name? | parent? }",
  optional: false,
  read(value, cx) {
    if (!isMap(value)) return cx.fail('a map { index, outcome, ... }', value);
    const index = uint.read(value.index, cx);
    if (index === INVALID) return cx.withinField('index');
    const { outcome, reason, name, parent } = value;
    if (outcome === 'dropped') {
      if (DROP_REASONS.includes(reason as DropReason)) {
        return { index, outcome, reason: reason as DropReason };
      }
      cx.fail("'deleted', 'cycle' or 'superseded'", reason);
      return cx.withinField('reason');
    }
    if (outcome !== 'renamed' && outcome !== 'relocated') {
      cx.fail("'dropped', 'renamed' or 'relocated'", outcome);
      return cx.withinField('outcome');
    }
    if (!nameOk(name)) {
      cx.fail('a valid name', name);
      return cx.withinField('name');
    }
    if (outcome === 'renamed') return { index, outcome, name };
    if (parent !== ROOT_ID && !isNodeId(parent)) {
      cx.fail('a node id', parent);
      return cx.withinField('parent');
    }
    return { index, outcome, parent: parent as string, name };
  },
  write: undefined,
};
