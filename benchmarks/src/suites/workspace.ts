import type { Suite } from '../harness.js';
import { workspaceRows } from '../workspace/vfs-workspace.js';

/**
 * The workspace model (`@dist-space/vfs-workspace`) on 10,000 files in 1,000 directories:
 * keystrokes and tree ops applied and transformed, the permission-check input of a large rename,
 * snapshots, serialising and loading, and heap per file. No peer does this.
 */
export const suite: Suite = {
  name: 'workspace',
  run: (options) => workspaceRows(options),
};
