import { Client } from '@dist-space/client';
import { decodeMessage, encodeMessage, type Message, PROTOCOL_VERSION } from '@dist-space/protocol';
import type { MemoryNetwork, ServerConnection } from '@dist-space/transport-adapters';

// A scripted server for the client's tests: it welcomes every Hello, then the test says what it
// sends. For what a real server would never send, or only in a race too narrow to arrange.

/** What a test started and its afterEach closes. */
export const toClose: Array<{ close(): Promise<unknown> | unknown }> = [];

/**
 * A server on the in-memory network that welcomes every Hello and then does `after`; every later
 * message the client sends goes to `onMessage`.
 */
export function fakeServer(
  network: MemoryNetwork,
  after: (conn: ServerConnection, session: number) => void,
  onMessage: (message: Message, conn: ServerConnection) => void = () => undefined,
): { sessions(): number } {
  const listener = network.listen('fake-server');
  toClose.push(listener);
  let sessions = 0;
  listener.onConnection((conn) => {
    conn.markReady();
    conn.onMessage((frame) => {
      const decoded = decodeMessage(frame);
      if (!decoded.ok) return;
      if (decoded.value.type !== 'Hello') {
        onMessage(decoded.value, conn);
        return;
      }
      const session = ++sessions;
      conn.send(
        encodeMessage({
          type: 'Welcome',
          version: PROTOCOL_VERSION,
          sessionId: `s${session}`,
          clientId: decoded.value.clientId,
          subject: 'alice',
          heartbeatMs: 60_000,
          limits: {
            maxFrameBytes: 65_536,
            maxOpsPerChange: 100,
            maxFileSize: 1_000,
            maxPathBytes: 1_000,
            maxPresenceStateBytes: 1_000,
          },
        }),
      );
      after(conn, session);
    });
  });
  return { sessions: () => sessions };
}

/** A client of the fake server, and the connection states it went through. */
export async function connected(
  network: MemoryNetwork,
): Promise<{ client: Client; states: string[] }> {
  const states: string[] = [];
  const client = await Client.connect({
    connect: () => network.connect('fake-server'),
    token: 'any',
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  toClose.push(client);
  client.on('connection', (e) => states.push(`${e.state}${e.error ? `:${e.error.code}` : ''}`));
  return { client, states };
}
