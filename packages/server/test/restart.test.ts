import { describe, expect, it } from 'vitest';
import { build, lmdbDir, startTestServer, TestClient, type TestServer } from './support/harness.js';
import { canonical } from './support/mini-client.js';

// A server started again on the same LMDB data directory: the state and the dedupe table survive.
// The test stops its servers itself, before it removes the directory they use.

let servers: TestServer[] = [];

describe('restart', () => {
  it('serves the same state from its data directory and still dedupes resubmissions', async () => {
    const data = await lmdbDir();
    try {
      let s = await startTestServer({ store: await data.open() });
      const a = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
      const { state } = await a.open('durable');
      const change = build(state, 'alice-1', (b) => {
        b.createDir('docs');
        b.createFile('docs/a.md', 'persisted');
      });
      expect(await a.submit('durable', 0, change, 1)).toMatchObject({ type: 'Ack', revision: 1 });
      const before = canonical((await a.open('durable')).state);
      await s.stop();

      s = await startTestServer({ store: await data.open() });
      servers.push(s);
      const again = await TestClient.session(s, 'alice', { clientId: 'alice-1' });
      const reopened = await again.open('durable', false);
      expect(reopened.revision).toBe(1);
      expect(canonical(reopened.state)).toBe(before);
      expect(await again.submit('durable', 0, change, 1)).toMatchObject({
        type: 'Ack',
        revision: 1,
      });
      expect((await again.open('durable', false)).revision).toBe(1);
    } finally {
      await Promise.all(servers.map((x) => x.stop()));
      servers = [];
      await data.cleanup();
    }
  });
});
