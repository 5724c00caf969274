// The Node adapters through the conformance suite, imported by the packages' published names
// only: scripts/check-packages.ts runs this very file against the packed packages, so it must
// not reach into src/ or the repository's test support.
import {
  connectNodeWebSocket,
  connectTcp,
  listenTcp,
  listenWebSocket,
  type TcpListener,
} from '@dist-space/transport-adapters/node';
import { pausableClient, runTransportConformance } from '@dist-space/transport-adapters/testing';

runTransportConformance('TCP', () => ({
  listen: (options) => listenTcp(options),
  async connect(listener, options) {
    const { port } = listener as TcpListener;
    return pausableClient(await connectTcp({ host: '127.0.0.1', port, ...options }));
  },
}));

runTransportConformance('WebSocket (ws server, ws client)', () => ({
  handshakeBeforeAdmission: true,
  listen: (options) => listenWebSocket(options),
  async connect(listener, options) {
    return pausableClient(await connectNodeWebSocket(listener.address, options));
  },
}));
