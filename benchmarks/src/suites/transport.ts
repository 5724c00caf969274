import type { Suite } from '../harness.js';
import { transportLoopbackRows } from '../transport/loopback.js';

/**
 * The transports without a protocol on top: raw frame round trips per second and one-way MB/s
 * over TCP and WebSocket on loopback, for 100 B and 64 KiB frames.
 */
export const suite: Suite = {
  name: 'transport',
  run: (options) => transportLoopbackRows(options),
};
