// The store the cold-start, read and history cases use: a workspace of `files` files whose
// log holds `changes` edits taken from the editing traces, each file replaying the start of one
// trace, the files' edits interleaved round-robin. Built once through PersistentWorkspace on
// LMDB (a snapshot every `snapshotEvery` revisions) and kept under the system's temp
// directory, since a million changes take a while to write.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChangeToAppend, PersistentWorkspace } from '@dist-space/oplog-storage';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { del, insert, type Op, replace } from '@dist-space/ot-core';
import type { WorkspaceChange } from '@dist-space/vfs-workspace';
import { loadTrace, type Patch } from '../trace.js';

/** The shape of a corpus. */
export interface CorpusSpec {
  readonly files: number;
  readonly changes: number;
  readonly snapshotEvery: number;
  readonly traces: readonly string[];
}

/** A corpus on disk, and the text each file must end with. */
export interface Corpus {
  readonly path: string;
  readonly spec: CorpusSpec;
  /** Revision of the change that created the files (1), then one edit per revision. */
  readonly lastRevision: number;
}

const FORMAT = 1;

function opOf(patch: Patch): Op {
  if (patch.del === 0) return insert(patch.pos, patch.ins);
  if (patch.ins === '') return del(patch.pos, patch.del);
  return replace(patch.pos, patch.del, patch.ins);
}

/** The file ids, names and the patches each file replays. */
function plan(spec: CorpusSpec) {
  const traces = spec.traces.map((name) => loadTrace(name).patches);
  const perFile = Math.ceil(spec.changes / spec.files);
  return Array.from({ length: spec.files }, (_, f) => ({
    id: `bench:${f + 1}`,
    name: `file-${String(f).padStart(4, '0')}.txt`,
    patches: traces[f % traces.length]!.slice(0, perFile),
  }));
}

/**
 * The corpus for `spec`, built if it is not cached (or `fresh`). `where` is a directory to
 * build it in; by default a cache directory under the system's temp directory named after the
 * spec.
 */
export async function corpus(spec: CorpusSpec, where?: string): Promise<Corpus> {
  const path =
    where ??
    join(
      tmpdir(),
      `dist-space-bench-storage-v${FORMAT}-${spec.files}x${spec.changes}-s${spec.snapshotEvery}`,
    );
  const marker = join(path, 'complete.json');
  const expected = JSON.stringify(spec);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === expected) {
    return { path, spec, lastRevision: spec.changes + 1 };
  }
  rmSync(path, { recursive: true, force: true });
  const files = plan(spec);
  const store = await openLmdbOpLogStore({ path, create: true });
  const pw = await PersistentWorkspace.create(store, 'bench', {
    snapshotEveryRevisions: spec.snapshotEvery,
  });
  const create: WorkspaceChange = files.map((f) => ({
    type: 'createFile',
    id: f.id,
    parent: 'root',
    name: f.name,
    ancestors: [],
    content: '',
  }));
  await pw.append([{ change: create, clientId: 'bench', seq: 0, author: 'bench' }]);
  let batch: ChangeToAppend[] = [];
  for (let n = 0; n < spec.changes; n++) {
    const file = files[n % files.length]!;
    const patch = file.patches[Math.floor(n / files.length)]!;
    batch.push({
      change: [{ type: 'edit', id: file.id, change: [opOf(patch)] }],
      clientId: 'bench',
      seq: n + 1,
      author: `author-${n % 7}`,
    });
    if (batch.length === 1000 || n === spec.changes - 1) {
      await pw.append(batch);
      batch = [];
      // Let the background snapshot run.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  await pw.close();
  await store.close();
  writeFileSync(marker, expected);
  return { path, spec, lastRevision: spec.changes + 1 };
}

/**
 * The text of every file (by name) after the first `edits` edits of the corpus, that is at
 * revision `edits + 1`: to verify a loaded or reconstructed workspace.
 */
export function expectedTexts(spec: CorpusSpec, edits = spec.changes): Map<string, string> {
  const texts = new Map<string, string>();
  plan(spec).forEach((file, f) => {
    const count = edits > f ? Math.floor((edits - f - 1) / spec.files) + 1 : 0;
    let text = '';
    for (const p of file.patches.slice(0, count))
      text = text.slice(0, p.pos) + p.ins + text.slice(p.pos + p.del);
    texts.set(file.name, text);
  });
  return texts;
}
