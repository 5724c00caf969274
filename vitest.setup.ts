import fc from 'fast-check';

// Property runs are counted by FC_NUM_RUNS: bounded by default (CI), large in `npm run test:fuzz`.
// fast-check's failure report already carries the seed, path and shrunk counterexample;
// `verbose` adds the list of failing values on the way to the shrunk one.
const runs = Number.parseInt(process.env.FC_NUM_RUNS ?? '', 10);
fc.configureGlobal({
  numRuns: Number.isFinite(runs) && runs > 0 ? runs : 1000,
  verbose: 1,
});
