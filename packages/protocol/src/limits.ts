import { DEFAULT_PATH_LIMITS, DEFAULT_WORKSPACE_LIMITS } from '@dist-space/vfs-workspace';

/**
 * Bounds the decoder enforces on untrusted frames. Every field is optional when passed to
 * {@link decodeMessage}; missing ones take the value in {@link DEFAULT_PROTOCOL_LIMITS}. Lengths
 * of strings are counted in UTF-8 bytes (what the frame carries), the lengths of texts inside
 * changes in UTF-16 code units (what documents hold).
 */
export interface ProtocolLimits {
  /** Most bytes in one frame (one encoded message). Default 4 MiB. */
  readonly maxFrameBytes: number;
  /** Most UTF-8 bytes in one string anywhere in a message. Default 4 MiB. */
  readonly maxStringBytes: number;
  /** Most items in one array anywhere in a message. Default 100,000. */
  readonly maxArrayLength: number;
  /** Most entries in one map anywhere in a message. Default 100,000. */
  readonly maxMapSize: number;
  /**
   * Most arrays and maps nested inside each other, the envelope counting as the first. Default
   * 256: a delete carries the subtree it removes, two levels per directory, and paths may be 64
   * directories deep (vfs-workspace's default). Values above 1,000 are refused when the limits
   * are resolved.
   */
  readonly maxDepth: number;
  /**
   * Most ops in one workspace change (a Submit, a Broadcast, each of a Changes reply). Default
   * vfs-workspace's, 10,000.
   */
  readonly maxOpsPerChange: number;
  /**
   * Most UTF-8 bytes in a file or directory name (one path segment) inside a workspace change or
   * state. Default vfs-workspace's, 255, which is also the most it allows.
   */
  readonly maxNameBytes: number;
  /**
   * Most directories above a node that a change may name (its `ancestors`), and the depth of a
   * deleted subtree it carries. Default vfs-workspace's, 64.
   */
  readonly maxPathDepth: number;
  /** Most bytes of a Presence message's `state` map, msgpack-encoded. Default 4 KiB. */
  readonly maxPresenceStateBytes: number;
  /** Most files in one Presence message. Default 64. */
  readonly maxPresenceFiles: number;
  /** Most selections for one file in a Presence message. Default 1,024. */
  readonly maxSelectionsPerFile: number;
  /** Most bytes of a workspace state sent in SnapshotChunk messages, joined. Default 256 MiB. */
  readonly maxSnapshotBytes: number;
}

/** The limits used where none are given; docs/protocol.md explains each. */
export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = Object.freeze({
  maxFrameBytes: 4 * 1024 * 1024,
  maxStringBytes: 4 * 1024 * 1024,
  maxArrayLength: 100_000,
  maxMapSize: 100_000,
  maxDepth: 256,
  maxOpsPerChange: DEFAULT_WORKSPACE_LIMITS.maxOpsPerChange,
  maxNameBytes: DEFAULT_PATH_LIMITS.maxSegmentBytes,
  maxPathDepth: DEFAULT_PATH_LIMITS.maxDepth,
  maxPresenceStateBytes: 4 * 1024,
  maxPresenceFiles: 64,
  maxSelectionsPerFile: 1_024,
  maxSnapshotBytes: 256 * 1024 * 1024,
});

/** The deepest nesting a caller may configure; the decoder keeps one stack slot per level. */
export const MAX_CONFIGURABLE_DEPTH = 1_000;

const resolved = new WeakMap<Partial<ProtocolLimits>, ProtocolLimits>();

/**
 * Completes partial limits with the defaults and checks that each is a whole number >= 1
 * (`maxDepth` at most {@link MAX_CONFIGURABLE_DEPTH}). The result is cached per input object, so
 * pass the same object on every call.
 *
 * @throws RangeError for a limit that is not a whole number in range: a configuration bug
 */
export function resolveProtocolLimits(limits: Partial<ProtocolLimits> = {}): ProtocolLimits {
  if (limits === DEFAULT_PROTOCOL_LIMITS) return DEFAULT_PROTOCOL_LIMITS;
  const cached = resolved.get(limits);
  if (cached !== undefined) return cached;
  const full = Object.freeze({ ...DEFAULT_PROTOCOL_LIMITS, ...withoutUndefined(limits) });
  for (const [name, value] of Object.entries(full)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`Protocol limit ${name} must be a whole number >= 1, not ${value}.`);
    }
  }
  if (full.maxDepth > MAX_CONFIGURABLE_DEPTH) {
    throw new RangeError(
      `Protocol limit maxDepth must be at most ${MAX_CONFIGURABLE_DEPTH}, not ${full.maxDepth}.`,
    );
  }
  resolved.set(limits, full);
  return full;
}

function withoutUndefined(limits: Partial<ProtocolLimits>): Partial<ProtocolLimits> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(limits)) if (value !== undefined) out[name] = value;
  return out;
}
