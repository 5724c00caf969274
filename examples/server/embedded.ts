import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, type Message } from '@dist-space/protocol';
import { readServerConfig, startServer } from '@dist-space/server';
import { connectNodeWebSocket } from '@dist-space/transport-adapters/node';

// Start the reference server in this process: memory store, a development token, any free port.
const config = readServerConfig({
  port: 0,
  store: 'memory',
  dataDir: await mkdtemp(join(tmpdir(), 'dist-space-')),
  auth: { devToken: true },
  logLevel: 'silent',
});
if (!config.ok) throw config.error;
const started = await startServer(config.value);
if (!started.ok) throw started.error;
const server = started.value;
console.log(server.url.startsWith('ws://127.0.0.1:')); // true

// Speak the protocol with a raw connection (the client SDK does all this for you).
const connection = await connectNodeWebSocket(server.url);
if (!connection.ok) throw connection.error;
const inbox: Message[] = [];
connection.value.onMessage((frame) => {
  const message = decodeMessage(frame);
  if (message.ok) inbox.push(message.value);
});
const next = async () => {
  while (inbox.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  return inbox.shift()!;
};
const send = (message: Message) => connection.value.send(encodeMessage(message));

send({
  type: 'Hello',
  version: [1, 0],
  positionEncoding: 'utf-16',
  clientId: 'example',
  token: server.devToken,
});
const welcome = await next();
console.log(welcome.type, welcome.type === 'Welcome' && welcome.subject); // Welcome developer

send({ type: 'Open', requestId: 1, workspace: 'demo', create: true });
const snapshot = await next();
console.log(snapshot.type, snapshot.type === 'Snapshot' && snapshot.revision); // Snapshot 0

send({
  type: 'Submit',
  workspace: 'demo',
  baseRevision: 0,
  clientId: 'example',
  seq: 1,
  change: [
    {
      type: 'createFile',
      id: 'example:1',
      parent: 'root',
      name: 'hello.txt',
      ancestors: [],
      content: 'Hi!',
    },
  ],
});
const ack = await next();
console.log(ack.type, ack.type === 'Ack' && ack.revision); // Ack 1

await server.stop();
