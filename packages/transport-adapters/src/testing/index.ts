/**
 * `@dist-space/transport-adapters/testing`: the conformance suite every adapter must pass (the
 * idea of automerge-repo's shared adapter tests). Call {@link runTransportConformance} from a
 * vitest test file with a factory for your adapter.
 *
 * @packageDocumentation
 */

import { afterEach, describe } from 'vitest';
import { describeFrames } from './conformance-frames.js';
import { describeLimits } from './conformance-limits.js';
import { ConformanceHarness } from './harness.js';
import type { TransportUnderTest } from './subject.js';

export { type ConformanceClient, pausableClient, type TransportUnderTest } from './subject.js';
export {
  bytesEqual,
  closedWithin,
  FrameLog,
  nextConnection,
  patternFrame,
  sleep,
  within,
} from './support.js';

/**
 * Registers the conformance tests for one adapter: ordering, frames at and over the size limit,
 * closing from either end with the reason seen by both, backpressure and drain, heartbeat
 * timeout, handshake deadline, connection limits, rate limit, and slow consumers. Each test
 * starts its own listener through `makeSubject()` and closes everything it opened.
 *
 * ```ts
 * runTransportConformance('tcp', () => ({
 *   listen: (options) => listenTcp(options),
 *   connect: async (listener, options) => { ... },
 * }));
 * ```
 */
export function runTransportConformance(
  name: string,
  makeSubject: () => TransportUnderTest | Promise<TransportUnderTest>,
): void {
  describe(`transport conformance: ${name}`, () => {
    const harness = new ConformanceHarness(makeSubject);
    afterEach(() => harness.cleanup());
    describeFrames(harness);
    describeLimits(harness);
  });
}
