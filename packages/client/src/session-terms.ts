import { Capabilities } from '@dist-space/permissions';
import { DEFAULT_PROTOCOL_LIMITS, type MessageOf, type ProtocolLimits } from '@dist-space/protocol';
import type { PathLimits } from '@dist-space/vfs-workspace';

/**
 * What the server's Welcome tells the client about its session: who it is, what it may do, and
 * the limits that what it sends and reads must keep to.
 */
export interface SessionTerms {
  /** Who the server says this client is (the token's subject). */
  readonly subject: string;
  /** The server's id for the session. */
  readonly sessionId: string;
  /** The server's ops-per-change limit, from its Welcome: bigger buffers go out in parts. */
  readonly maxOpsPerChange: number;
  /** The most code units a file may hold on the server. */
  readonly maxFileSize: number;
  /** The server's limits on names and paths, from its Welcome (vfs-workspace's defaults before). */
  readonly pathLimits: PathLimits;
  /** The session's scopes, from the Welcome; undefined when it had none (or none we can read). */
  readonly capabilities: Capabilities | undefined;
  /** The largest frame both ends take (the Welcome's and the connection's): the same for size. */
  readonly maxFrameBytes: number;
  /** The longest string the server reads (its Welcome's; the default before 1.1). */
  readonly maxStringBytes: number;
  /** What the client accepts from the server: the defaults, widened to what its Welcome says. */
  readonly decodeLimits: ProtocolLimits;
}

/** The terms before any Welcome: no limits but the protocol's defaults, no scopes. */
export const TERMS_BEFORE_WELCOME: SessionTerms = {
  subject: '',
  sessionId: '',
  maxOpsPerChange: Number.POSITIVE_INFINITY,
  maxFileSize: Number.POSITIVE_INFINITY,
  pathLimits: {},
  capabilities: undefined,
  maxFrameBytes: Number.POSITIVE_INFINITY,
  maxStringBytes: DEFAULT_PROTOCOL_LIMITS.maxStringBytes,
  decodeLimits: DEFAULT_PROTOCOL_LIMITS,
};

/**
 * The terms a Welcome sets, for a connection whose transport takes frames of at most
 * `connectionMaxFrameSize` bytes.
 */
export function termsFrom(
  welcome: MessageOf<'Welcome'>,
  connectionMaxFrameSize: number,
): SessionTerms {
  return {
    subject: welcome.subject,
    sessionId: welcome.sessionId,
    maxOpsPerChange: welcome.limits.maxOpsPerChange,
    maxFileSize: welcome.limits.maxFileSize,
    pathLimits: pathLimitsFrom(welcome.limits),
    capabilities: capabilitiesFrom(welcome.scopes),
    maxFrameBytes: Math.min(welcome.limits.maxFrameBytes, connectionMaxFrameSize),
    maxStringBytes: welcome.limits.maxStringBytes ?? DEFAULT_PROTOCOL_LIMITS.maxStringBytes,
    decodeLimits: acceptedFrom(welcome.limits),
  };
}

/**
 * The code units of text one change may carry to fit in a frame of `maxFrameBytes` whose strings
 * hold at most `maxStringBytes`: a quarter of the smaller, since a code unit takes up to 3 bytes in
 * UTF-8 and the rest leaves room for the ops around the text. At least 64, so that a tiny frame
 * limit still lets text through.
 */
export function textPerFrame(maxFrameBytes: number, maxStringBytes: number): number {
  const bytes = Math.min(maxFrameBytes, maxStringBytes);
  return Math.max(64, Math.floor(bytes / 4));
}

/** The Welcome's limits on names and paths, as vfs-workspace's builder takes them. */
function pathLimitsFrom(limits: MessageOf<'Welcome'>['limits']): PathLimits {
  return {
    maxPathBytes: limits.maxPathBytes,
    ...(limits.maxNameBytes === undefined ? {} : { maxSegmentBytes: limits.maxNameBytes }),
    ...(limits.maxPathDepth === undefined ? {} : { maxDepth: limits.maxPathDepth }),
  };
}

/**
 * The Welcome's scopes, parsed; undefined when there are none, or when one does not parse (a
 * newer server's grammar): the server checks every change anyway, and a check by a grammar
 * misread would refuse what the server allows.
 */
function capabilitiesFrom(scopes: readonly string[] | undefined): Capabilities | undefined {
  if (scopes === undefined) return undefined;
  const parsed = Capabilities.parse(scopes);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * The limits for reading what the server sends: frames as large as its Welcome announces (a
 * client SHOULD accept them, docs/protocol.md), and strings as long as a file may be (a whole file
 * is one string of a snapshot), never less than the defaults.
 */
function acceptedFrom(limits: MessageOf<'Welcome'>['limits']): ProtocolLimits {
  const maxFrameBytes = Math.max(DEFAULT_PROTOCOL_LIMITS.maxFrameBytes, limits.maxFrameBytes);
  const fileBytes = Math.min(3 * limits.maxFileSize, DEFAULT_PROTOCOL_LIMITS.maxSnapshotBytes);
  return {
    ...DEFAULT_PROTOCOL_LIMITS,
    maxFrameBytes,
    maxStringBytes: Math.max(DEFAULT_PROTOCOL_LIMITS.maxStringBytes, fileBytes),
  };
}
