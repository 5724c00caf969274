// Runs the transport benchmarks on their own and prints a table, until the harness registers
// them as a suite: `npx tsx --conditions=source benchmarks/src/transport/run.ts [--smoke] [--runs N]`.

import { runTransportBenchmarks } from './loopback.js';

const smoke = process.argv.includes('--smoke');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
const rows = await runTransportBenchmarks({ smoke, runs });
for (const row of rows) {
  console.log(
    `${row.name.padEnd(36)} ${String(row.ours).padStart(10)} ${row.unit ?? 'ms'}${row.verified ? '' : '  NOT VERIFIED'}`,
  );
}
process.exitCode = rows.every((row) => row.verified) ? 0 : 1;
