import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Row } from '../src/harness.js';
import { runBenchmarks, succeeded } from '../src/runner.js';
import { suites } from '../src/suites.js';
import { formatTable } from '../src/table.js';
import { smallestTraceName } from '../src/trace.js';

// The harness itself: that a smoke run of every suite verifies, that a wrong final text makes a
// row unverified and the run fail, and that the command line writes the documented JSON. No
// timing is asserted; the machine may be busy.

const quiet = () => {};
const wrongTextSuite = {
  name: 'wrong-text',
  module: new URL('./fixtures/wrong-text-suite.ts', import.meta.url),
};

describe('the benchmark harness', () => {
  // `npm run bench:smoke` (run by CI) covers every registered suite; here one suite proves the
  // harness end to end without the test run growing with each suite added.
  it('runs a registered suite in a smoke run, and every row verifies', async () => {
    const replay = suites.filter((s) => s.name === 'replay');
    expect(replay).toHaveLength(1);
    const result = await runBenchmarks({ suites: replay, smoke: true, runs: 1, print: quiet });
    expect(result.failures).toEqual([]);
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) expect(row.name.startsWith('replay')).toBe(true);
    for (const row of result.rows) expect(row.verified, row.name).toBe(true);
    expect(succeeded(result)).toBe(true);
  });

  it("prints an unmeasured figure as '-' (a window without a single ack), not a crash", () => {
    // A percentile of no samples is NaN in the child and null after its IPC.
    const row: Row = {
      name: 'no acks: p99',
      unit: 'ms',
      ours: Number.NaN,
      peers: { peer: null as unknown as number },
      verified: false,
      notes: 'no change was acknowledged',
    };
    const table = formatTable('server', [row], { smoke: true, runs: 1, traces: [] });
    expect(table).toMatch(/no acks: p99\s+ms\s+-\s+- \(-\)\s+NO \(no change was acknowledged\)/);
  });

  it('reports a wrong final text as unverified and fails the run', async () => {
    const result = await runBenchmarks({
      suites: [wrongTextSuite],
      smoke: true,
      runs: 1,
      print: quiet,
    });
    expect(result.failures).toEqual([]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]!.verified).toBe(false);
    expect(result.rows[0]!.notes).toContain('wrong final text: loses-last-patch');
    expect(succeeded(result)).toBe(false);
  });

  it('fails the run when a suite is unknown', async () => {
    const result = await runBenchmarks({
      suites,
      only: 'no-such-suite',
      smoke: true,
      runs: 1,
      print: quiet,
    });
    expect(result.failures[0]).toContain('no suite named no-such-suite');
    expect(succeeded(result)).toBe(false);
  });

  it('writes rows of the documented shape with --json and exits 0 when all verify', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'rows.json');
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@dist-space/source',
        main,
        '--smoke',
        '--only',
        'replay',
        '--json',
        file,
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Row[];
    expect(rows.map((r) => r.name)).toEqual([
      `replay ${smallestTraceName()}`,
      `replay ${smallestTraceName()} (persistent Text)`,
    ]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['name', 'notes', 'ours', 'peers', 'verified']);
      expect(typeof row.ours).toBe('number');
      expect(Object.keys(row.peers).sort()).toEqual(['changeset', 'codemirror', 'string', 'yjs']);
      expect(row.verified).toBe(true);
    }
  });
});
