import fc from 'fast-check';

/**
 * Runs a property `runs` times (the global `FC_NUM_RUNS` by default) in chunks of at most 1,000,
 * yielding to the event loop between chunks. A single synchronous `fc.assert` of 100,000 runs
 * blocks the test worker for minutes, and vitest then reports its own RPC timeouts as errors.
 * Each chunk has its own seed, printed with any failure as usual.
 */
export async function assertInChunks<Ts>(
  property: fc.IProperty<Ts>,
  runs: number = fc.readConfigureGlobal().numRuns ?? 100,
): Promise<void> {
  for (let done = 0; done < runs; done += 1_000) {
    fc.assert(property, { numRuns: Math.min(1_000, runs - done) });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
