import { connectTcp, listenTcp } from '@dist-space/transport-adapters/node';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A TCP server on a free port of 127.0.0.1. Every limit has a default (DEFAULT_CONNECTION_LIMITS);
// these few are set by hand. The ping is whatever the layer above uses: here, the text "ping".
const listener = await listenTcp({
  limits: { maxFrameSize: 64 * 1024, handshakeTimeoutMs: 5_000, maxConnectionsPerAddress: 4 },
  sendPing: (connection) => connection.send(encoder.encode('ping')),
});

listener.onConnection((connection) => {
  connection.onMessage((frame) => {
    const text = decoder.decode(frame);
    if (!connection.ready) {
      // The handshake: a peer must say hello within handshakeTimeoutMs, then heartbeats start.
      if (text === 'hello') connection.markReady();
      else connection.close('HANDSHAKE_TIMEOUT', 'Say hello first.');
      return;
    }
    connection.send(encoder.encode(text.toUpperCase()));
  });
});

const result = await connectTcp({ host: '127.0.0.1', port: listener.port });
if (!result.ok) throw result.error; // CONNECT_FAILED: refused, unreachable, timed out
const client = result.value;

const reply = new Promise<string>((resolve) =>
  client.onMessage((frame) => resolve(decoder.decode(frame))),
);
client.send(encoder.encode('hello'));
client.send(encoder.encode('shout this'));
console.log(await reply); // SHOUT THIS

// A frame larger than the server allows closes the connection; both ends learn why.
client.send(new Uint8Array(64 * 1024 + 1));
const closed = await client.closed;
console.log(closed.code, closed.initiator); // LIMIT_EXCEEDED remote

await listener.close();
