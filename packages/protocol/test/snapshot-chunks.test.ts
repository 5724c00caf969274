import {
  decodeMessage,
  encodeSnapshot,
  encodeSnapshotChunks,
  encodeWorkspaceState,
  SnapshotAssembler,
  type SnapshotChunk,
} from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

const snapshot = SAMPLE_MESSAGES.Snapshot;
const { state, ...header } = snapshot;
const stateBytes = encodeWorkspaceState(state);

function decodeChunk(frame: Uint8Array): SnapshotChunk {
  const result = decodeMessage(frame);
  if (!result.ok || result.value.type !== 'SnapshotChunk') throw new Error('not a chunk');
  return result.value;
}

describe('encodeSnapshot', () => {
  it('sends one Snapshot frame when it fits', () => {
    const frames = encodeSnapshot(snapshot);
    expect(frames).toHaveLength(1);
    expect(decodeMessage(frames[0]!)).toEqual({ ok: true, value: snapshot });
  });

  it('slices a large state into SnapshotChunk frames within the frame limit, which join to it', () => {
    const maxFrameBytes = 120;
    const frames = encodeSnapshot(snapshot, maxFrameBytes);
    expect(frames.length).toBeGreaterThan(3);
    const assembler = new SnapshotAssembler();
    const results = frames.map((frame) => {
      expect(frame.length).toBeLessThanOrEqual(maxFrameBytes);
      return assembler.add(decodeChunk(frame));
    });
    expect(results.slice(0, -1).every((r) => r.ok && r.value === undefined)).toBe(true);
    expect(results.at(-1)).toEqual({ ok: true, value: snapshot });
    expect(assembler.inProgress).toBe(false);
  });

  it('carries the last seq in every chunk, and a snapshot without one joins without one', () => {
    const frames = encodeSnapshot(snapshot, 120);
    expect(frames.map((frame) => decodeChunk(frame).lastSeq)).toEqual(frames.map(() => 17));
    const { lastSeq: _, ...withoutLastSeq } = snapshot;
    const assembler = new SnapshotAssembler();
    const results = encodeSnapshot(withoutLastSeq, 120).map((f) => assembler.add(decodeChunk(f)));
    expect(results.at(-1)).toEqual({ ok: true, value: withoutLastSeq });
  });

  it('throws a RangeError when the frame cannot hold even a header: a configuration bug', () => {
    expect(() => encodeSnapshotChunks(header, stateBytes, 40)).toThrow(RangeError);
  });
});

describe('SnapshotAssembler', () => {
  const chunks = encodeSnapshotChunks(header, stateBytes, 120);

  it('refuses a chunk out of order and starts over', () => {
    const assembler = new SnapshotAssembler();
    expect(assembler.add(chunks[0]!)).toEqual({ ok: true, value: undefined });
    expect(assembler.inProgress).toBe(true);
    const skipped = assembler.add(chunks[2]!);
    expect(skipped.ok || skipped.error.message).toMatch(
      /^SnapshotChunk\.index must be 1, the next chunk; got 2/,
    );
    expect(assembler.inProgress).toBe(false);
    let last = assembler.add(chunks[0]!);
    for (const chunk of chunks.slice(1)) last = assembler.add(chunk);
    expect(last).toEqual({ ok: true, value: snapshot });
  });

  it('refuses chunks of another snapshot mixed in', () => {
    for (const field of ['requestId', 'revision', 'lastSeq', 'count'] as const) {
      const assembler = new SnapshotAssembler();
      assembler.add(chunks[0]!);
      const other = { ...chunks[1]!, [field]: (chunks[1]![field] ?? 0) + 1 };
      const result = assembler.add(other);
      expect(result.ok || result.error.details).toMatchObject({ type: 'SnapshotChunk', field });
    }
    const assembler = new SnapshotAssembler();
    assembler.add(chunks[0]!);
    const result = assembler.add({ ...chunks[1]!, workspace: 'another' });
    expect(result.ok || result.error.details).toMatchObject({ field: 'workspace' });
  });

  it('reports a joined state that is not msgpack as MALFORMED_FRAME', () => {
    const broken = encodeSnapshotChunks(header, stateBytes.subarray(0, stateBytes.length - 1), 120);
    const assembler = new SnapshotAssembler();
    let last = assembler.add(broken[0]!);
    for (const chunk of broken.slice(1)) last = assembler.add(chunk);
    expect(last.ok || last.error.code).toBe('MALFORMED_FRAME');
  });

  it('forgets a partial snapshot on reset', () => {
    const assembler = new SnapshotAssembler();
    assembler.add(chunks[0]!);
    assembler.reset();
    expect(assembler.inProgress).toBe(false);
    expect(assembler.add(chunks[1]!).ok).toBe(false);
  });
});
