// A measurement, not a test: damages copies of the corpus store at random (1 to 8 bytes changed
// anywhere in data.mdb, or the file cut at a random length) and tallies what a reader in a
// child process saw: "sound" (the damage hit unused pages), "refused" with a code, "wrong"
// (an answer that differs from the corpus), or a death by signal. docs/storage.md quotes a run.
//
//   npx tsx --conditions=@dist-space/source packages/oplog-storage-lmdb/test/support/corruption-campaign.ts [trials] [seed]
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbOpLogStore } from '@dist-space/oplog-storage-lmdb';
import { runChild } from './child.js';
import { writeCorpus } from './corpus.js';
import { random } from './workload.js';

const trials = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 42);
const root = mkdtempSync(join(tmpdir(), 'dist-space-campaign-'));
try {
  const pristine = join(root, 'pristine');
  const store = await openLmdbOpLogStore({ path: pristine, create: true });
  await writeCorpus(store);
  await store.close();
  const next01 = random(seed);
  const tally: Record<string, number> = {};
  for (let t = 0; t < trials; t++) {
    const copy = join(root, `t${t}`);
    cpSync(pristine, copy, { recursive: true });
    const file = join(copy, 'data.mdb');
    const bytes = readFileSync(file);
    const kind = t % 4 === 3 ? 'cut' : 'flip';
    if (kind === 'cut') {
      truncateSync(file, Math.floor(next01() * bytes.length));
    } else {
      for (let i = 1 + Math.floor(next01() * 8); i > 0; i--) {
        const at = Math.floor(next01() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 + Math.floor(next01() * 255));
      }
      writeFileSync(file, bytes);
    }
    const run = await runChild('probe-child.ts', [copy], { timeoutMs: 30_000 });
    const line = run.lines.at(-1);
    const outcome =
      line === undefined ? { outcome: `died of ${run.signal ?? run.code}` } : JSON.parse(line);
    const key = `${kind}: ${outcome.outcome}${outcome.code ? ` ${outcome.code}` : ''}`;
    tally[key] = (tally[key] ?? 0) + 1;
    if (outcome.outcome === 'wrong') console.log(`trial ${t}: wrong data (${outcome.detail})`);
    if (outcome.outcome === 'refused' && outcome.code !== 'STORE_CORRUPT') {
      console.log(`trial ${t}: ${outcome.code} (${outcome.message})`);
    }
    rmSync(copy, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ trials, seed, tally }, null, 2));
} finally {
  rmSync(root, { recursive: true, force: true });
}
