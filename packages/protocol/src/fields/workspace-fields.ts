// PLACEHOLDER until @dist-space/vfs-workspace lands on main: the change and state fields will be
// read with its parseWorkspaceChange / parseWorkspace and written with its wire forms.

import type { WorkspaceChange } from '@dist-space/vfs-workspace';
import type { FieldCodec } from './field-codec.js';

export type { WorkspaceChange };
/** A workspace's state (vfs-workspace's `Workspace`). */
export type Workspace = unknown;

const anyValue: FieldCodec<unknown> = {
  doc: 'any',
  optional: false,
  read: (value) => value,
  write: undefined,
};

/** A workspace change. */
export const workspaceChangeField = anyValue as FieldCodec<WorkspaceChange>;
/** A workspace state. */
export const workspaceStateField: FieldCodec<Workspace> = anyValue;
