import { connect, type Socket } from 'node:net';
import { parseCloseText, parseWebSocketClose } from '../../src/close-reason.js';
import type { CloseCode } from '../../src/connection.js';
import { FrameDecoder } from '../../src/node/tcp-framing.js';

/** What a raw attacker saw by the time its socket closed. */
export interface RawOutcome {
  /** The close code the server sent, if it sent a close. */
  readonly code: CloseCode | undefined;
  /** The HTTP status the server answered with, for WebSocket peers. */
  readonly httpStatus: number | undefined;
  /** Data frames received before the close. */
  readonly frames: number;
}

/** A socket from node:net that speaks a transport's framing by hand, for hostile-peer tests. */
export interface RawPeer {
  readonly socket: Socket;
  /** Resolves when the socket has closed. */
  readonly outcome: Promise<RawOutcome>;
  /** Writes bytes as they are. */
  write(bytes: Uint8Array): void;
  /** Encodes a data frame with `payload`, announcing `declaredLength` (default: its length). */
  frame(payload: Uint8Array, declaredLength?: number): Uint8Array;
}

/** How to open a raw peer against one transport. */
export interface RawTransport {
  readonly name: string;
  open(port: number, options?: { read?: boolean }): Promise<RawPeer>;
}

function collect(socket: Socket, read: boolean): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  if (read) socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  else socket.pause();
  socket.on('error', () => {});
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
}

function opened(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Raw peers speaking the TCP adapter's framing. */
export const rawTcp: RawTransport = {
  name: 'TCP',
  async open(port, { read = true } = {}) {
    const socket = await opened(port);
    const received = collect(socket, read);
    return {
      socket,
      write: (bytes) => socket.write(bytes),
      frame(payload, declaredLength = payload.length) {
        const out = new Uint8Array(4 + payload.length);
        new DataView(out.buffer).setUint32(0, declaredLength >>> 0, false);
        out.set(payload, 4);
        return out;
      },
      outcome: received.then((bytes) => {
        let code: CloseCode | undefined;
        let frames = 0;
        const decoder = new FrameDecoder(2 ** 31 - 1, {
          frame: () => frames++,
          control: (_type, content) => {
            code = parseCloseText(content)?.code;
          },
        });
        decoder.push(bytes);
        return { code, httpStatus: undefined, frames };
      }),
    };
  },
};

const upgradeRequest = [
  'GET / HTTP/1.1',
  'Host: 127.0.0.1',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version: 13',
  '',
  '',
].join('\r\n');

/** Raw peers that complete the WebSocket upgrade by hand and then write frames themselves. */
export const rawWebSocket: RawTransport = {
  name: 'WebSocket',
  async open(port, { read = true } = {}) {
    const socket = await opened(port);
    const received = collect(socket, read);
    socket.write(upgradeRequest);
    return {
      socket,
      write: (bytes) => socket.write(bytes),
      frame: maskedBinaryFrame,
      outcome: received.then(parseServerStream),
    };
  },
};

/** Opens a raw socket and writes `bytes` before any upgrade (HTTP-level garbage). */
export async function rawHttpPeer(port: number, bytes: Uint8Array | string) {
  const socket = await opened(port);
  const received = collect(socket, true);
  socket.write(bytes);
  return { socket, outcome: received.then(parseServerStream) };
}

/** A client-to-server binary frame (masked, as RFC 6455 requires of clients). */
function maskedBinaryFrame(payload: Uint8Array, declaredLength = payload.length): Uint8Array {
  const header: number[] = [0x82];
  if (declaredLength < 126) header.push(0x80 | declaredLength);
  else if (declaredLength < 65_536)
    header.push(0x80 | 126, declaredLength >> 8, declaredLength & 0xff);
  else {
    header.push(0x80 | 127);
    const high = Math.floor(declaredLength / 2 ** 32);
    const low = declaredLength >>> 0;
    for (const word of [high, low])
      header.push(word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
  }
  const mask = [0x12, 0x34, 0x56, 0x78];
  const out = new Uint8Array(header.length + 4 + payload.length);
  out.set(header, 0);
  out.set(mask, header.length);
  payload.forEach((byte, i) => {
    out[header.length + 4 + i] = byte ^ (mask[i % 4] ?? 0);
  });
  return out;
}

/** Reads the HTTP response head and the server's (unmasked) frames up to a close frame. */
function parseServerStream(bytes: Uint8Array): RawOutcome {
  const buffer = Buffer.from(bytes);
  const headEnd = buffer.indexOf('\r\n\r\n');
  const statusMatch = /^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, 20).toString('latin1'));
  const httpStatus = statusMatch ? Number(statusMatch[1]) : undefined;
  if (httpStatus !== 101 || headEnd < 0) return { code: undefined, httpStatus, frames: 0 };
  let offset = headEnd + 4;
  let frames = 0;
  while (offset + 2 <= buffer.length) {
    const opcode = (buffer[offset] ?? 0) & 0x0f;
    let length = (buffer[offset + 1] ?? 0) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = buffer.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(buffer.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > buffer.length) break;
    if (opcode === 0x8) {
      const status = length >= 2 ? buffer.readUInt16BE(start) : 1005;
      const reason = buffer.subarray(start + 2, start + length);
      return { code: parseWebSocketClose(status, new Uint8Array(reason)).code, httpStatus, frames };
    }
    frames++;
    offset = start + length;
  }
  return { code: undefined, httpStatus, frames };
}
