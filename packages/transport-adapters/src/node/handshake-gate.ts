import type { Server, Socket } from 'node:net';
import type { ConnectionManager, HandshakeSlot } from '../manager.js';
import { normaliseAddress } from './address.js';

/** How long a closing listener lets handshakes under way finish before it drops their sockets. */
export const HANDSHAKE_GRACE_ON_CLOSE_MS = 500;

/**
 * Counts every socket a listener's own server accepts from the moment it connects until it is
 * admitted or closes, so that sockets still in a TLS handshake or yet to send their WebSocket
 * upgrade are bounded by the connection limits like admitted connections. It listens to the net
 * server's `connection` event, which TLS and HTTP(S) servers emit too, before any handshake.
 *
 * A socket over a limit is destroyed at once (no protocol is spoken yet to tell it why; the
 * manager reports a `refusedInHandshake` event). Sockets are counted by their own peer address
 * (`normaliseAddress`), which may differ from the address a WebSocket connection is admitted
 * under (`remoteAddressOf`, behind a proxy).
 */
export class HandshakeGate {
  /**
   * Sockets in their handshake and their slots, by the connection's 4-tuple (see
   * {@link socketKey}); the socket is kept so that a closing listener can drop it.
   */
  private readonly held = new Map<
    string,
    { readonly slot: HandshakeSlot; readonly socket: Socket }
  >();

  constructor(
    server: Server,
    private readonly manager: ConnectionManager,
  ) {
    server.on('connection', (socket: Socket) => this.hold(socket));
  }

  /**
   * Hands over the slot `socket` holds, for `ConnectionManager.admit`. `socket` may be the raw
   * socket or the TLS socket over it: both report the same addresses and ports.
   */
  take(socket: Socket): HandshakeSlot | undefined {
    const key = socketKey(socket);
    if (key === undefined) return undefined;
    const held = this.held.get(key);
    this.held.delete(key);
    return held?.slot;
  }

  private hold(socket: Socket): void {
    const slot = this.manager.holdHandshake(normaliseAddress(socket.remoteAddress));
    if (slot === undefined) {
      socket.destroy();
      return;
    }
    // A socket whose peer is already gone has no addresses: it is counted until its close (which
    // is imminent) but can never be admitted, so it needs no key.
    const key = socketKey(socket);
    if (key !== undefined) this.held.set(key, { slot, socket });
    socket.once('close', () => {
      if (key !== undefined && this.held.get(key)?.slot === slot) this.held.delete(key);
      slot.release();
    });
  }

  /**
   * Destroys the sockets still in their handshake `graceMs` from now (admitted ones were taken
   * out by `take`): a listener that stops accepting would otherwise wait for each to finish its
   * handshake or reach the deadline before it could close. The grace lets a handshake the peer
   * has all but finished complete, so that its connection is closed with `SHUTTING_DOWN` like
   * every admitted one, rather than cut.
   */
  destroyWaiting(graceMs: number): void {
    const timer = setTimeout(() => {
      const waiting = [...this.held.values()];
      this.held.clear();
      for (const { socket } of waiting) socket.destroy();
    }, graceMs);
    (timer as { unref?: () => void }).unref?.();
  }
}

/**
 * What tells one live socket of a server from every other: its local and remote address and
 * port. The TLS socket that `secureConnection` hands over has no public link to the raw socket
 * under it, but it reports the same four values.
 */
function socketKey(socket: Socket): string | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return undefined;
  return `${localAddress}|${localPort}|${remoteAddress}|${remotePort}`;
}
