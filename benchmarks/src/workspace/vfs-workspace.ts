import { insert } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  createIdGenerator,
  parseWorkspace,
  touchedPaths,
  transformWorkspaceChange,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import { decode, encode } from '@msgpack/msgpack';
import { collectGarbage, type Row, type SuiteOptions, timeContenders } from '../harness.js';

// Costs of @dist-space/vfs-workspace on a workspace of 10,000 files in 1,000 directories. There
// is no peer: no other library transforms concurrent changes over a whole file tree.

const DIRS = 1_000;
const FILES_PER_DIR = 10;
const LINES = 24;

/** About 1 KB of code, different in every file so that no two files share their text. */
function fileText(n: number): string {
  let text = '';
  for (let i = 0; i < LINES; i++) text += `export const v${n}_${i} = 42; // a line of code\n`;
  return text;
}

function must(ws: Workspace, change: WorkspaceChange): Workspace {
  const r = applyWorkspaceChange(ws, change);
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * The workspace measured: `top/d<i>/` for 1,000 directories (`top/d0` holds 1,000 files, for the
 * rename case; the rest hold 10 each), 10,000 files of about 1 KB of code each. Built from a
 * snapshot, as a server loads one.
 */
export function buildWorkspace(files = DIRS * FILES_PER_DIR): Workspace {
  const dir = (d: number) => `b:${10 + d}`;
  const nodes: Array<[string, string, string] | [string, string, string, string]> = [
    ['b:1', 'root', 'top'],
  ];
  for (let d = 0; d < DIRS; d++) nodes.push([dir(d), 'b:1', `d${d}`]);
  // 1,000 files in the first directory, the rest spread over the other 999.
  for (let n = 0; n < files; n++) {
    const d = n < 1_000 ? 0 : 1 + (n % (DIRS - 1));
    nodes.push([`b:${100_000 + n}`, dir(d), `f${n}.ts`, fileText(n)]);
  }
  const r = parseWorkspace({ format: 1, nodes }, { maxNodes: 1_000_000 });
  if (!r.ok) throw r.error;
  return r.value;
}

/** The median time of one call of `fn`, timed as the harness times every case. */
function time(options: SuiteOptions, fn: () => void): number {
  return timeContenders([{ name: 'ours', run: fn }], options).get('ours')!.median;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

/** Runs every case and returns its rows. */
export function workspaceRows(options: SuiteOptions): Row[] {
  const rows: Row[] = [];
  const row = (name: string, ours: number, verified: boolean, unit?: string, notes?: string) =>
    rows.push({
      name: `workspace: ${name}`,
      ours: round(ours),
      peers: {},
      verified,
      ...(unit ? { unit } : {}),
      ...(notes ? { notes } : {}),
    });

  const before = heapUsed();
  const ws = buildWorkspace();
  const heap = heapUsed() - before;
  let fileCount = 0;
  let textBytes = 0;
  for (const [, text] of ws.documents.entries()) {
    fileCount++;
    textBytes += text.length;
  }
  const perFile = heap / fileCount;
  const rawPerFile = textBytes / fileCount;
  row(
    'heap per file (10,000 files of 1 KB)',
    perFile,
    fileCount === 10_000,
    'B',
    `raw text ${round(rawPerFile)} B per file (ASCII, one byte per character in V8): ${round(perFile / rawPerFile)}x, ${round(perFile - rawPerFile)} B overhead`,
  );

  const file = 'b:100500';
  const fileStart = ws.text(file)!.toString();
  const other = 'b:100501';
  const keystrokes = options.smoke ? 50 : 2_000;

  // A keystroke: one insert in one file, applied as a one-op workspace change.
  let typed = ws;
  const perKeystroke = time(options, () => {
    typed = ws;
    for (let i = 0; i < keystrokes; i++)
      typed = must(typed, [{ type: 'edit', id: file, change: [insert(i, 'x')] }]);
  });
  const typedOk =
    typed.text(file)!.toString() === 'x'.repeat(keystrokes) + fileStart && typed.tree === ws.tree;
  row(
    'apply a keystroke edit',
    (perKeystroke / keystrokes) * 1000,
    typedOk,
    'µs',
    'the tree object is unchanged: immer is not run',
  );

  const edit = (id: string, pos: number): WorkspaceOp[] => [
    { type: 'edit', id, change: [insert(pos, 'y')] },
  ];
  let sameOut: WorkspaceOp[] = [];
  const sameFile = time(options, () => {
    for (let i = 0; i < keystrokes; i++)
      sameOut = transformWorkspaceChange(edit(file, 5), edit(file, 3), 'right').change;
  });
  const sameOk = JSON.stringify(sameOut) === JSON.stringify(edit(file, 6));
  row(
    'transform a keystroke against one in the same file',
    (sameFile / keystrokes) * 1000,
    sameOk,
    'µs',
  );
  let otherOut: WorkspaceOp[] = [];
  const otherFile = time(options, () => {
    for (let i = 0; i < keystrokes; i++)
      otherOut = transformWorkspaceChange(edit(file, 5), edit(other, 3), 'right').change;
  });
  row(
    'transform a keystroke against one in another file (fast path)',
    (otherFile / keystrokes) * 1000,
    JSON.stringify(otherOut) === JSON.stringify(edit(file, 5)),
    'µs',
  );

  // Tree ops: the immer tree is drafted once per change.
  const builder = () => new ChangeBuilder(ws, createIdGenerator('bench'));
  const createOne = builder();
  createOne.createFile('top/d7/new.ts', 'x');
  const createChange = createOne.change;
  let created = ws;
  const createTime = time(options, () => {
    created = must(ws, createChange);
  });
  row(
    'apply a file create (tree op)',
    createTime,
    created.read('top/d7/new.ts').ok && ws.size + 1 === created.size,
  );

  const renameB = builder();
  renameB.rename('top/d0', 'top/renamed');
  const rename = renameB.change;
  let renamed = ws;
  const renameTime = time(options, () => {
    renamed = must(ws, rename);
  });
  const renameOk = renamed.read('top/renamed/f999.ts').ok && !renamed.resolve('top/d0').ok;
  row('apply a rename of a directory with 1,000 files', renameTime, renameOk);

  let keyAfterRename: WorkspaceOp[] = [];
  const keyVsRename = time(options, () => {
    for (let i = 0; i < keystrokes; i++)
      keyAfterRename = transformWorkspaceChange(edit('b:100000', 0), rename, 'right').change;
  });
  row(
    'transform a keystroke against that rename',
    (keyVsRename / keystrokes) * 1000,
    keyAfterRename.length === 1,
    'µs',
  );

  let touched = 0;
  const touchedTime = time(options, () => {
    const r = touchedPaths(ws, rename);
    touched = r.ok ? r.value.length : 0;
  });
  row(
    'touchedPaths of that rename (permission check input)',
    touchedTime,
    touched === 2 * 1_001,
    'ms',
    `${touched} paths`,
  );

  // A snapshot is the immutable value itself; what it costs is what it keeps alive.
  const retainedBefore = heapUsed();
  let live = ws;
  const kept: Workspace[] = [];
  for (let i = 0; i < 1_000; i++) {
    kept.push(live);
    live = must(live, edit(`b:${100_000 + (i % 10_000)}`, 0));
  }
  const retained = heapUsed() - retainedBefore;
  row(
    'keep 1,000 snapshots, one per keystroke',
    retained / 1_000,
    kept[0]!.text('b:100000')!.toString() === fileText(0),
    'B',
    'heap kept alive per snapshot (structural sharing)',
  );

  let bytes = new Uint8Array();
  const serialise = time(options, () => {
    bytes = encode(workspaceToWire(ws));
  });
  row(
    'serialise the whole workspace (workspaceToWire + msgpack)',
    serialise,
    bytes.length > textBytes,
    'ms',
    `${round(bytes.length / 1024 / 1024)} MB`,
  );

  let loaded: Workspace | undefined;
  const load = time(options, () => {
    const r = parseWorkspace(decode(bytes), { maxNodes: 1_000_000 });
    loaded = r.ok ? r.value : undefined;
  });
  const loadOk =
    loaded !== undefined && loaded.size === ws.size && loaded.read('top/d5/f1003.ts').ok;
  row('load the whole workspace (msgpack + parseWorkspace)', load, loadOk);
  return rows;
}
