import { runWorkspaceBenchmarks } from './vfs-workspace.js';

// Runs the workspace benchmarks on their own until the harness takes them as a suite:
// node --expose-gc --import tsx --conditions=source benchmarks/src/workspace/main.ts [--smoke]
const smoke = process.argv.includes('--smoke');
const rows = runWorkspaceBenchmarks({ smoke, runs: 7 });
console.log('| case | ours | unit | verified | notes |');
console.log('|---|---:|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.ours} | ${r.unit ?? 'ms'} | ${r.verified ? 'yes' : 'NO'} | ${r.notes ?? ''} |`,
  );
if (rows.some((r) => !r.verified)) process.exitCode = 1;
