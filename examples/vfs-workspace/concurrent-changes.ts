import { insert } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  createIdGenerator,
  invertWorkspaceChange,
  transformWorkspaceChange,
  Workspace,
  type WorkspaceChange,
  workspaceToWire,
} from '@dist-space/vfs-workspace';

function apply(ws: Workspace, change: WorkspaceChange): Workspace {
  const result = applyWorkspaceChange(ws, change);
  if (!result.ok) throw result.error;
  return result.value;
}

// The shared starting point: one directory with one file.
const setup = new ChangeBuilder(Workspace.empty, createIdGenerator('seed'));
setup.createDir('src');
setup.createFile('src/app.ts', 'export const app = 1;\n');
const base = setup.workspace;

// Alice (an agent, say) renames src to lib and adds lib/util.ts: one atomic change.
const alice = new ChangeBuilder(base, createIdGenerator('alice'));
alice.rename('src', 'lib');
alice.createFile('lib/util.ts', 'export const util = 2;\n');

// At the same time Bob edits src/app.ts and creates his own src/util.ts.
const bob = new ChangeBuilder(base, createIdGenerator('bob'));
bob.edit('src/app.ts', [insert(0, '// by Bob\n')]);
bob.createFile('src/util.ts', 'export const other = 3;\n');

// The server sequenced Alice first: Bob's change is transformed against hers ('right'), and
// Bob's client transforms Alice's change against his own with the opposite side.
const bobAfterAlice = transformWorkspaceChange(bob.change, alice.change, 'right');
const aliceAfterBob = transformWorkspaceChange(alice.change, bob.change, 'left');
const atServer = apply(apply(base, alice.change), bobAfterAlice.change);
const atBob = apply(apply(base, bob.change), aliceAfterBob.change);

const files = (ws: Workspace) => [...ws.walk()].map((node) => ws.pathOf(node.id)).join(' | ');
console.log(files(atServer)); // lib | lib/app.ts | lib/util (conflict bob-1).ts | lib/util.ts
console.log(atServer.read('lib/app.ts')); // { ok: true, value: '// by Bob\nexport const app = 1;\n' }

// Both replicas hold the same workspace, and nothing was lost: Bob's file kept a conflict name,
// and the transform says so, for the server to tell him.
const same = JSON.stringify(workspaceToWire(atServer)) === JSON.stringify(workspaceToWire(atBob));
console.log(same); // true
console.log(bobAfterAlice.notes.map((n) => `op ${n.index} ${n.outcome}`).join()); // op 1 renamed

// Undo Bob's change as the server applied it: no old state needed, deletes carry their content.
const undone = apply(atServer, invertWorkspaceChange(bobAfterAlice.change));
console.log(files(undone), undone.read('lib/app.ts').ok); // lib | lib/app.ts | lib/util.ts true
