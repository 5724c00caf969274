import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { encodeMessage, readPayload } from './codec.js';
import { limitExceeded } from './errors.js';
import { type Workspace, workspaceStateField } from './fields/workspace-fields.js';
import { decodeFrameValue, encodeValue } from './frame-codec.js';
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits, resolveProtocolLimits } from './limits.js';
import { MESSAGE_TYPES } from './message-types.js';
import type { Snapshot, SnapshotChunk } from './messages/workspace.js';

/**
 * What identifies a snapshot (the request it answers, the workspace, the revision) and the
 * client's last seq it carries.
 */
export type SnapshotHeader = Pick<Snapshot, 'requestId' | 'workspace' | 'revision' | 'lastSeq'>;

/** The msgpack encoding of a workspace state, as SnapshotChunk messages carry it in slices. */
export function encodeWorkspaceState(state: Workspace): Uint8Array {
  const write = workspaceStateField.write;
  return encodeValue(write === undefined ? state : write(state));
}

/**
 * The frames that carry `snapshot`, none larger than `maxFrameBytes`: one Snapshot frame when it
 * fits, otherwise SnapshotChunk frames in order.
 *
 * @throws RangeError when `maxFrameBytes` cannot even hold a chunk's header: a configuration bug
 */
export function encodeSnapshot(
  snapshot: Snapshot,
  maxFrameBytes: number = DEFAULT_PROTOCOL_LIMITS.maxFrameBytes,
): Uint8Array[] {
  const whole = encodeMessage(snapshot);
  if (whole.byteLength <= maxFrameBytes) return [whole];
  return encodeSnapshotChunks(snapshot, encodeWorkspaceState(snapshot.state), maxFrameBytes).map(
    encodeMessage,
  );
}

/**
 * Slices an encoded state (see {@link encodeWorkspaceState}) into SnapshotChunk messages whose
 * frames are each at most `maxFrameBytes`.
 *
 * @throws RangeError when `maxFrameBytes` cannot even hold a chunk's header: a configuration bug
 */
export function encodeSnapshotChunks(
  header: SnapshotHeader,
  stateBytes: Uint8Array,
  maxFrameBytes: number = DEFAULT_PROTOCOL_LIMITS.maxFrameBytes,
): SnapshotChunk[] {
  const sliceBytes = maxFrameBytes - chunkOverhead(header);
  if (sliceBytes < 1) {
    throw new RangeError(
      `A frame of ${maxFrameBytes} bytes cannot hold a SnapshotChunk; allow at least ${chunkOverhead(header) + 1}.`,
    );
  }
  const count = Math.max(1, Math.ceil(stateBytes.byteLength / sliceBytes));
  const chunks: SnapshotChunk[] = [];
  for (let index = 0; index < count; index++) {
    const bytes = stateBytes.subarray(index * sliceBytes, (index + 1) * sliceBytes);
    chunks.push({ type: 'SnapshotChunk', ...pickHeader(header), index, count, bytes });
  }
  return chunks;
}

function pickHeader(header: SnapshotHeader): SnapshotHeader {
  const { requestId, workspace, revision, lastSeq } = header;
  return lastSeq === undefined
    ? { requestId, workspace, revision }
    : { requestId, workspace, revision, lastSeq };
}

/**
 * The bytes a chunk's frame takes besides its slice: the frame of an empty chunk with the widest
 * index and count, plus the widest binary header (bin32: 5 bytes) less the empty one's (2).
 */
function chunkOverhead(header: SnapshotHeader): number {
  const widest = Number.MAX_SAFE_INTEGER;
  const empty = encodeMessage({
    type: 'SnapshotChunk',
    ...pickHeader(header),
    index: widest,
    count: widest,
    bytes: new Uint8Array(0),
  });
  return empty.byteLength - 2 + 5;
}

/**
 * Joins the SnapshotChunk messages of one snapshot, in order, into the Snapshot they carry. It
 * checks that the chunks come in order (index 0, 1, ...), agree on request, workspace, revision,
 * last seq and count, and that their total stays within `maxSnapshotBytes`; the joined state is decoded
 * under the same limits as a frame, with `maxSnapshotBytes` in place of `maxFrameBytes`. After an
 * error it starts over with the next chunk 0.
 */
export class SnapshotAssembler {
  private readonly limits: ProtocolLimits;
  private first: SnapshotChunk | undefined;
  private slices: Uint8Array[] = [];
  private total = 0;

  /** @param limits - the limits to enforce; missing ones take {@link DEFAULT_PROTOCOL_LIMITS} */
  constructor(limits: Partial<ProtocolLimits> = DEFAULT_PROTOCOL_LIMITS) {
    this.limits = resolveProtocolLimits(limits);
  }

  /** True while some chunks of a snapshot have arrived but not all. */
  get inProgress(): boolean {
    return this.first !== undefined;
  }

  /** Forgets the chunks received so far (the connection closed, the request was abandoned). */
  reset(): void {
    this.first = undefined;
    this.slices = [];
    this.total = 0;
  }

  /**
   * Takes the next chunk.
   *
   * @returns `ok(undefined)` while more chunks are due, `ok(snapshot)` after the last one, or
   *   `INVALID_PAYLOAD` (out of order, inconsistent), `LIMIT_EXCEEDED` (too large) or the error
   *   decoding the joined state gave
   */
  add(chunk: SnapshotChunk): Result<Snapshot | undefined> {
    const problem = this.accept(chunk);
    if (problem !== undefined) {
      this.reset();
      return err(problem);
    }
    if (chunk.index + 1 < chunk.count) return ok(undefined);
    const joined = this.join();
    this.reset();
    const state = decodeFrameValue(
      joined,
      this.limits,
      this.limits.maxSnapshotBytes,
      'maxSnapshotBytes',
    );
    if (!state.ok) return state;
    const read = readPayload(
      MESSAGE_TYPES.Snapshot,
      { ...pickHeader(chunk), state: state.value },
      this.limits,
    );
    return read as Result<Snapshot>;
  }

  private accept(chunk: SnapshotChunk): DistSpaceError | undefined {
    const first = this.first ?? chunk;
    const expectedIndex = this.slices.length;
    if (chunk.index !== expectedIndex) {
      return outOfOrder('index', `${expectedIndex}, the next chunk`, chunk.index);
    }
    for (const field of ['requestId', 'workspace', 'revision', 'lastSeq', 'count'] as const) {
      if (chunk[field] !== first[field]) {
        return outOfOrder(field, `${first[field]}, as in chunk 0`, chunk[field]);
      }
    }
    const total = this.total + chunk.bytes.byteLength;
    const max = this.limits.maxSnapshotBytes;
    if (total > max) return limitExceeded('maxSnapshotBytes', max, total, 'The snapshot');
    this.first = first;
    this.slices.push(chunk.bytes);
    this.total = total;
    return undefined;
  }

  private join(): Uint8Array {
    if (this.slices.length === 1) return this.slices[0]!;
    const joined = new Uint8Array(this.total);
    let at = 0;
    for (const slice of this.slices) {
      joined.set(slice, at);
      at += slice.byteLength;
    }
    return joined;
  }
}

function outOfOrder(field: string, expected: string, got: unknown): DistSpaceError {
  return new DistSpaceError(
    'INVALID_PAYLOAD',
    `SnapshotChunk.${field} must be ${expected}; got ${JSON.stringify(got)}. The snapshot was abandoned; open the workspace again.`,
    { type: 'SnapshotChunk', field, expected },
  );
}
