import { describe, expect, it } from 'vitest';
import { HeartbeatMonitor, ManualScheduler } from '../src/index.js';

function monitor(scheduler: ManualScheduler, pingIntervalMs = 100, heartbeatTimeoutMs = 300) {
  const log: string[] = [];
  const heartbeat = new HeartbeatMonitor({
    pingIntervalMs,
    heartbeatTimeoutMs,
    scheduler,
    sendPing: () => log.push(`ping@${scheduler.now()}`),
    onTimeout: () => log.push(`timeout@${scheduler.now()}`),
  });
  return { heartbeat, log };
}

describe('the heartbeat monitor', () => {
  it('pings once per silence and reports a peer silent for the timeout', async () => {
    const scheduler = new ManualScheduler();
    const { log } = monitor(scheduler);
    await scheduler.advance(1_000);
    expect(log).toEqual(['ping@100', 'timeout@300']);
  });

  it('counts any inbound frame as life: a peer that answers is never reported', async () => {
    const scheduler = new ManualScheduler();
    const { heartbeat, log } = monitor(scheduler);
    for (let t = 0; t < 20; t++) {
      await scheduler.advance(150);
      heartbeat.touch();
    }
    expect(log.filter((entry) => entry.startsWith('timeout'))).toEqual([]);
    expect(log.filter((entry) => entry.startsWith('ping')).length).toBeGreaterThanOrEqual(10);
  });

  it('stops: no ping or timeout after stop()', async () => {
    const scheduler = new ManualScheduler();
    const { heartbeat, log } = monitor(scheduler);
    heartbeat.stop();
    await scheduler.advance(1_000);
    expect(log).toEqual([]);
  });

  it('switches pings or timeouts off with 0', async () => {
    const scheduler = new ManualScheduler();
    expect((await runFor(scheduler, 0, 300)).log).toEqual(['timeout@300']);
    const other = new ManualScheduler();
    const { log } = await runFor(other, 100, 0);
    expect(log).toEqual(['ping@100']);
    expect(other.pending).toBe(0);
  });
});

async function runFor(scheduler: ManualScheduler, ping: number, timeout: number) {
  const result = monitor(scheduler, ping, timeout);
  await scheduler.advance(1_000);
  return result;
}
