import { protocolCodecRows } from './codec.js';

// Runs the protocol codec benchmark on its own until the benchmark harness is on main:
// npx tsx --conditions=source benchmarks/src/protocol/run.ts [--smoke] [--runs N]
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const rows = protocolCodecRows({
  smoke: args.includes('--smoke'),
  runs: runsAt >= 0 ? Number(args[runsAt + 1]) : 7,
});
for (const row of rows) {
  const digits = row.unit === 'bytes' ? 0 : 1;
  const ratio = row.unit === 'bytes' ? row.peers.json / row.ours : row.ours / row.peers.json;
  console.log(
    `${row.name.padEnd(52)} ours ${row.ours.toFixed(digits).padStart(9)}  json ${row.peers.json.toFixed(digits).padStart(9)} ${row.unit.padEnd(9)} ours/json ${ratio.toFixed(2)}× (higher is better)${row.verified ? '' : '  NOT VERIFIED'}`,
  );
}
