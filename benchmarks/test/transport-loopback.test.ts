import { describe, expect, it } from 'vitest';
import { runTransportBenchmarks } from '../src/transport/loopback.js';

describe('the transport loopback benchmark', () => {
  it('runs in smoke mode and verifies every row', async () => {
    const rows = await runTransportBenchmarks({ smoke: true, runs: 1 });
    expect(rows.map((row) => row.name)).toEqual([
      'TCP round trips, 100 B frames',
      'TCP one-way, 100 B frames',
      'TCP round trips, 64 KiB frames',
      'TCP one-way, 64 KiB frames',
      'WebSocket round trips, 100 B frames',
      'WebSocket one-way, 100 B frames',
      'WebSocket round trips, 64 KiB frames',
      'WebSocket one-way, 64 KiB frames',
    ]);
    expect(rows.every((row) => row.verified && row.ours > 0)).toBe(true);
  });
});
