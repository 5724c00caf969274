import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runBenchmarks, succeeded } from './runner.js';
import { suites } from './suites.js';

// `npm run bench -- [--smoke] [--only SUITE] [--json FILE] [--runs N] [--trace NAME ...] [--cpu]`

const usage = `Usage: npm run bench -- [options]
  --smoke         one quick run per case on the smallest trace (checks that everything verifies)
  --only SUITE    run one suite (${suites.map((s) => s.name).join(', ')})
  --json FILE     also write every row to FILE as a JSON array
  --runs N        timed runs per case, the median is reported (default 5)
  --trace NAME    use this trace (repeatable; default all, or the smallest with --smoke)
  --cpu           time runs by the process's CPU time instead of elapsed time (for a busy machine)`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        smoke: { type: 'boolean', default: false },
        only: { type: 'string' },
        json: { type: 'string' },
        runs: { type: 'string', default: '5' },
        trace: { type: 'string', multiple: true },
        cpu: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const args = parseOptions();
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs takes a whole number >= 1, not ${args.runs}.\n${usage}`);
  process.exit(2);
}

console.log(`Node ${process.version}, ${process.platform} ${process.arch}\n`);
const result = await runBenchmarks({
  suites,
  smoke: args.smoke,
  runs,
  clock: args.cpu ? 'cpu' : 'wall',
  print: (text) => console.log(text),
  ...(args.only === undefined ? {} : { only: args.only }),
  ...(args.trace === undefined ? {} : { traces: args.trace }),
});
if (args.json !== undefined) {
  writeFileSync(args.json, `${JSON.stringify(result.rows, null, 2)}\n`);
  console.log(`wrote ${result.rows.length} rows to ${args.json}`);
}
for (const failure of result.failures) console.error(`failed: ${failure}`);
const unverified = result.rows.filter((r) => !r.verified);
for (const row of unverified) console.error(`unverified: ${row.name} (${row.notes ?? ''})`);
if (!succeeded(result)) process.exit(1);
console.log(`all ${result.rows.length} rows verified`);
