import type { Suite } from '../harness.js';
import { protocolCodecRows } from '../protocol/codec.js';

/**
 * The wire codec: encode and decode throughput and frame size of Submits (a keystroke and a large
 * multi-file change) against the same messages as JSON with the same validation.
 */
export const suite: Suite = {
  name: 'protocol',
  run: (options) => protocolCodecRows(options),
};
