import { Client } from '@dist-space/client';
import { MemoryOpLogStore } from '@dist-space/oplog-storage';
import { createAuthenticator, createJwtVerifier } from '@dist-space/permissions';
import {
  createLogger,
  DistSpaceServer,
  type DistSpaceServerOptions,
  LogRing,
  storeStorage,
} from '@dist-space/server';
import {
  type Connection,
  MemoryNetwork,
  type PausableConnection,
} from '@dist-space/transport-adapters';
import { afterEach, expect, it } from 'vitest';
import { SECRET, token } from '../../server/test/support/harness.js';
import { must, textOf, until } from './support/setup.js';

// A client whose connection dropped after the server sequenced its change, but before the Ack
// arrived, catches up from a snapshot: one that answers a Catchup too large for one Changes
// frame, or the one it asks for when the server no longer keeps the history it missed. The
// snapshot holds the change already: the client must count it as sequenced (the Snapshot's
// lastSeq says so), not rebase it onto the snapshot a second time.

const toClose: Array<{ close(): Promise<unknown> | unknown }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

type SetupOptions = Pick<DistSpaceServerOptions, 'connection' | 'limits'> & {
  persistence?: Parameters<typeof storeStorage>[1];
};

/** A server on an in-memory network, and a way to connect clients whose connections we hold. */
async function setup(options: SetupOptions) {
  const verifier = await createJwtVerifier({ secret: SECRET });
  if (!verifier.ok) throw verifier.error;
  const auth = createAuthenticator({ verifiers: [verifier.value] });
  if (!auth.ok) throw auth.error;
  const network = new MemoryNetwork();
  const { persistence, ...rest } = options;
  const server = new DistSpaceServer({
    authenticator: auth.value,
    storage: storeStorage(new MemoryOpLogStore(), persistence),
    logger: createLogger({ level: 'silent', ring: new LogRing(10), destination: null }),
    ...rest,
  });
  toClose.push(server);
  server.attach(network.listen('server', server.listenerOptions()));
  const connections: PausableConnection[] = [];
  const connect = async (subject: string) => {
    const client = await Client.connect({
      connect: async () => {
        const made = await network.connect('server', { remoteAddress: subject });
        if (made.ok) connections.push(made.value);
        return made;
      },
      token: () => token(subject),
      reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    toClose.push(client);
    return client;
  };
  return { server, network, connections, connect };
}

/**
 * Alice and bob in workspace `w` with `f.txt` = 'start', and bob's change 'BOB:' sequenced while
 * his connection hears nothing (its Ack is lost with it); then alice appends `appends` times
 * `size` characters, and bob's connection is cut.
 */
async function lostAck(
  options: SetupOptions,
  appends: number,
  size: number,
  /** Alice puts her cursor in `f.txt` first, and bob sees it. */
  cursor = false,
) {
  const { server, network, connections, connect } = await setup(options);
  const alice = await (await connect('alice')).open('w', { create: true });
  must(alice.createFile('f.txt', 'start'));
  await alice.whenSynced();
  const bob = await (await connect('bob')).open('w');
  if (cursor) {
    must(alice.setPresence({ 'f.txt': [{ anchor: 1, head: 3 }] }));
    await until(() => bob.presence.length === 1, 'bob sees alice', 5_000);
  }
  const bobConnection = connections[connections.length - 1]!;
  bobConnection.pauseReading();
  must(bob.insert('f.txt', 0, 'BOB:'));
  await until(() => server.stats('w').workspaces[0]?.revision === 2, 'bob sequenced', 5_000);
  for (let i = 0; i < appends; i++) {
    must(alice.insert('f.txt', textOf(alice, 'f.txt').length, `${i % 10}${'.'.repeat(size - 1)}`));
    await alice.whenSynced();
  }
  network.disconnect(bobConnection as Connection);
  return { alice, bob };
}

it('counts an in-flight change a catch-up snapshot already holds as sequenced, not twice', async () => {
  // 4 KiB frames: ten appends of 1,000 characters do not fit in one Changes message.
  const { alice, bob } = await lostAck({ connection: { maxFrameSize: 4_096 } }, 10, 1_000);
  await bob.whenSynced();
  await until(() => bob.revision === alice.revision, 'bob caught up', 5_000);
  expect(textOf(bob, 'f.txt').slice(0, 12)).toBe('BOB:start0..');
  expect(textOf(alice, 'f.txt')).toBe(textOf(bob, 'f.txt'));
}, 20_000);

it('counts an in-flight change the rebase snapshot already holds as sequenced, not twice', async () => {
  // The server keeps 5 revisions: bob's catch-up is refused with REBASE_REQUIRED.
  const { alice, bob } = await lostAck(
    {
      persistence: { snapshotEveryRevisions: 5, retainRevisions: 5, recentWindow: 5 },
      limits: { recentWindow: 5 },
    },
    30,
    1,
  );
  await bob.whenSynced();
  await until(() => bob.revision === alice.revision, 'bob caught up', 5_000);
  const appended = Array.from({ length: 30 }, (_, i) => i % 10).join('');
  expect(textOf(bob, 'f.txt')).toBe(`BOB:start${appended}`);
  expect(textOf(alice, 'f.txt')).toBe(textOf(bob, 'f.txt'));
}, 20_000);

it("shows the others' cursors after a catch-up snapshot without waiting for them to move", async () => {
  const { alice, bob } = await lostAck(
    { connection: { maxFrameSize: 4_096 }, limits: { presencePerSecond: 1_000 } },
    10,
    1_000,
    true,
  );
  await bob.whenSynced();
  await until(() => bob.revision === alice.revision, 'bob caught up', 5_000);
  // Alice's cursor came again with the snapshot, at the snapshot's revision: 'BOB:' moved it.
  await until(() => bob.presence.length === 1, "alice's cursor back", 2_000);
  const id = must(bob.state.resolve('f.txt')).id;
  expect(bob.presence[0]!.files[id]).toEqual([{ anchor: 5, head: 7 }]);
}, 20_000);

it('takes the Ack of a change it resent after REBASE_REQUIRED in order, without a snapshot', async () => {
  // The server keeps one revision: a Submit two revisions behind is refused with REBASE_REQUIRED.
  const { connections, connect } = await setup({
    persistence: { snapshotEveryRevisions: 2, retainRevisions: 1, recentWindow: 1 },
    limits: { recentWindow: 1 },
  });
  const alice = await (await connect('alice')).open('w', { create: true });
  must(alice.createFile('f.txt', 'start'));
  await alice.whenSynced();
  const bob = await (await connect('bob')).open('w');
  const rebased: number[] = [];
  bob.on('rebased', (e) => rebased.push(e.revision));
  const bobConnection = connections[connections.length - 1]!;
  bobConnection.pauseReading();
  for (let i = 0; i < 6; i++) {
    must(alice.insert('f.txt', textOf(alice, 'f.txt').length, `${i}`));
    await alice.whenSynced();
  }
  await new Promise((r) => setTimeout(r, 20)); // the background snapshot and truncation
  // Based on a revision the server no longer keeps: refused. Bob hears of it after alice's six
  // changes, resends it on the newest, and it is sequenced after all.
  must(bob.insert('f.txt', 0, 'BOB:'));
  bobConnection.resumeReading();
  await bob.whenSynced();
  must(alice.insert('f.txt', textOf(alice, 'f.txt').length, '!'));
  await alice.whenSynced();
  await until(() => bob.revision === alice.revision, 'bob caught up', 5_000);
  expect(textOf(bob, 'f.txt')).toBe('BOB:start012345!');
  expect(textOf(alice, 'f.txt')).toBe(textOf(bob, 'f.txt'));
  // The Ack came in order with the Broadcasts: its answer is all bob needed.
  expect(rebased).toEqual([]);
}, 20_000);
