// The adapters that need the repository's test support (a TLS certificate, ws's client behind
// the browser adapter) or the in-memory network; TCP and WebSocket on their own are in
// node-conformance.test.ts.
import { WebSocket } from 'ws';
import { testCert, testKey } from '../../../test-support/tls/index.js';
import { connectWebSocket, MemoryNetwork } from '../src/index.js';
import { connectTcp, listenTcp, listenWebSocket, type TcpListener } from '../src/node/index.js';
import { pausableClient, runTransportConformance } from '../src/testing/index.js';

runTransportConformance('TCP over TLS', () => ({
  handshakeBeforeAdmission: true,
  listen: (options) => listenTcp({ ...options, tls: { cert: testCert, key: testKey } }),
  async connect(listener, options) {
    const { port } = listener as TcpListener;
    return pausableClient(
      await connectTcp({ host: '127.0.0.1', port, tls: { ca: testCert }, ...options }),
    );
  },
}));

runTransportConformance('WebSocket (ws server, browser adapter on the standard API)', () => ({
  handshakeBeforeAdmission: true,
  listen: (options) => listenWebSocket(options),
  async connect(listener, options) {
    // ws's client implements the standard WebSocket API; keep hold of the instance so that the
    // test can pause it (the standard API itself has no way to stop reading).
    let socket: WebSocket | undefined;
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        socket = this;
      }
    }
    const result = await connectWebSocket(listener.address, {
      ...options,
      WebSocket: TrackedWebSocket,
    });
    if (!result.ok) throw result.error;
    return {
      connection: result.value,
      pauseReading: () => socket?.pause(),
      resumeReading: () => socket?.resume(),
    };
  },
}));

runTransportConformance('in-memory (latency 0-3 ms)', () => {
  const network = new MemoryNetwork({ seed: 7, latencyMs: { min: 0, max: 3 } });
  let listeners = 0;
  return {
    listen: async (options) => network.listen(`server-${listeners++}`, options),
    async connect(listener, options) {
      return pausableClient(await network.connect(listener.address, options));
    },
  };
});
