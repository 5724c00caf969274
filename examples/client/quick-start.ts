import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@dist-space/client';
import { nodeConnector } from '@dist-space/client/node';
import { readServerConfig, startServer } from '@dist-space/server';

// A server to talk to (in a real app it already runs: `npm start` prints its URL and a token).
const config = readServerConfig({
  port: 0,
  store: 'memory',
  dataDir: await mkdtemp(join(tmpdir(), 'dist-space-')),
  auth: { devToken: true },
  logLevel: 'silent',
});
if (!config.ok) throw config.error;
const server = await startServer(config.value);
if (!server.ok) throw server.error;
const { url, devToken } = server.value;

// Two users on the same workspace. In a browser, pass `url` instead of `connect`.
const alice = await Client.connect({ connect: nodeConnector(url), token: devToken });
const bob = await Client.connect({ connect: nodeConnector(url), token: () => devToken! });
const a = await alice.open('notes', { create: true });
a.createFile('todo.md', '- write the docs\n');
await a.whenSynced();
const b = await bob.open('notes');

// Both type at once; edits apply locally at once and merge on the server.
const end = b.read('todo.md');
a.insert('todo.md', 0, '# Todo\n');
b.insert('todo.md', end.ok ? end.value.length : 0, '- ship it\n');
await Promise.all([a.whenSynced(), b.whenSynced()]);
while (a.revision !== b.revision) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(JSON.stringify(a.read('todo.md'))); // {"ok":true,"value":"# Todo\n- write the docs\n- ship it\n"}
console.log(JSON.stringify(b.read('todo.md')) === JSON.stringify(a.read('todo.md'))); // true

// Undo takes back only Alice's own edit.
a.undo();
await a.whenSynced();
console.log(JSON.stringify(a.read('todo.md'))); // {"ok":true,"value":"- write the docs\n- ship it\n"}

await alice.close();
await bob.close();
await server.value.stop();
