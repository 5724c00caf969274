import WebSocketJSONStream from '@teamwork/websocket-json-stream';
import { type as textUnicode } from 'ot-text-unicode';
import ShareDB from 'sharedb';
import { WebSocketServer } from 'ws';
import { serveFromChild } from './server-process.js';

// ShareDB as its README sets it up, in a child process like our server: the default in-memory
// database and pub/sub, ot-text-unicode registered, each `ws` connection a JSON stream.

serveFromChild(async () => {
  ShareDB.types.register(textUnicode);
  const backend = new ShareDB();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket) => backend.listen(new WebSocketJSONStream(socket)));
  const address = wss.address();
  if (address === null || typeof address === 'string')
    throw new Error(`unexpected address ${address}`);
  return {
    url: `ws://127.0.0.1:${address.port}/`,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    },
  };
});
