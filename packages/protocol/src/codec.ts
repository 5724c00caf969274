import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { malformedFrame } from './errors.js';
import { readFieldsInto, writeFields } from './fields/composites.js';
import { describeValue, isMap, ReadContext } from './fields/field-codec.js';
import { decodeFrameValue, encodeValue } from './frame-codec.js';
import { peekFrameAddress } from './frame-peek.js';
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits, resolveProtocolLimits } from './limits.js';
import type { MessageSpec } from './message-spec.js';
import { MESSAGE_TYPES, type Message, messageTypeById } from './message-types.js';
import { versionField } from './messages/connection.js';
import { PROTOCOL_VERSION, unsupportedVersion } from './version.js';

/** One context for every decode: decoding is synchronous, so reads never overlap. */
const cx = new ReadContext();

/**
 * Encodes a message as one frame: the msgpack array `[typeId, payload]`, the payload a map of
 * the message's fields in table order. Encoding trusts its input (messages your code built, or
 * that {@link decodeMessage} returned); {@link validateMessage} checks one first.
 *
 * A small frame is a view into a shared buffer (as Node's pooled Buffers are): use its
 * `byteOffset` and `byteLength`, and never transfer or detach its `buffer` (postMessage's
 * transfer list); copy it (`slice()`) to own it.
 *
 * @throws TypeError for an object whose `type` is no message type: a bug in the caller
 */
export function encodeMessage(message: Message): Uint8Array {
  return encodeValue(messageToValue(message));
}

/**
 * The envelope `[typeId, payload]` of a message as plain data, before msgpack: what
 * {@link encodeMessage} encodes. Useful to show or log messages as JSON (binary fields stay
 * `Uint8Array`s).
 *
 * @throws TypeError for an object whose `type` is no message type: a bug in the caller
 */
export function messageToValue(message: Message): [number, Record<string, unknown>] {
  const spec = MESSAGE_TYPES[message.type] as MessageSpec | undefined;
  if (spec === undefined) {
    throw new TypeError(`encodeMessage: ${JSON.stringify(message.type)} is not a message type.`);
  }
  return [spec.id, writeFields(spec.fields, message as unknown as Record<string, unknown>)];
}

/**
 * Decodes one frame from an untrusted peer. Never throws, whatever the bytes: a frame that is
 * not a valid message gives
 *
 * - `MALFORMED_FRAME`: not msgpack, not one value (trailing bytes), not an envelope
 *   `[typeId, payload]`, or outside the protocol's msgpack subset (see docs/protocol.md);
 * - `UNKNOWN_TYPE`: a type id no message has (`details.typeId`);
 * - `INVALID_PAYLOAD`: a field missing or invalid (`details.type`, `details.field`,
 *   `details.expected`, plus `requestId`, `workspace` and `seq` when they could be read, so that
 *   the server can address its Error or Reject);
 * - `LIMIT_EXCEEDED`: a limit passed (`details.limit` names it, `details.value` is its value);
 * - `UNSUPPORTED_VERSION`: a Hello from a client of another major version.
 *
 * @param limits - the bounds to enforce; missing ones take {@link DEFAULT_PROTOCOL_LIMITS}. Pass
 *   the same object each time: its resolved form is cached per object.
 */
export function decodeMessage(
  bytes: Uint8Array,
  limits: Partial<ProtocolLimits> = DEFAULT_PROTOCOL_LIMITS,
): Result<Message> {
  const resolved = resolveProtocolLimits(limits);
  const frame = decodeFrameValue(bytes, resolved);
  if (!frame.ok)
    return frame.error.code === 'LIMIT_EXCEEDED' ? err(addressed(frame.error, bytes)) : frame;
  return readEnvelope(frame.value, resolved);
}

/**
 * A frame refused whole for a limit, with what its first fields say of whom it is for
 * (`details.type`, and `requestId`, `workspace`, `seq` when read), as an invalid payload has
 * them: a Submit refused so still gets its Reject.
 */
function addressed(error: DistSpaceError, bytes: Uint8Array): DistSpaceError {
  const address = peekFrameAddress(bytes);
  if (address === undefined) return error;
  return new DistSpaceError(error.code, error.message, {
    ...(error.details as Record<string, unknown>),
    ...address,
  });
}

/**
 * Reads a message from an envelope that is already plain data (parsed from JSON by a debugging
 * tool, say), with the same validation as {@link decodeMessage} after its msgpack step: the frame
 * limits (size, depth, string and array lengths) are not checked here, the field limits are.
 * Never throws.
 */
export function messageFromValue(
  envelope: unknown,
  limits: Partial<ProtocolLimits> = DEFAULT_PROTOCOL_LIMITS,
): Result<Message> {
  return readEnvelope(envelope, resolveProtocolLimits(limits));
}

function readEnvelope(envelope: unknown, limits: ProtocolLimits): Result<Message> {
  if (!Array.isArray(envelope) || envelope.length !== 2) {
    return err(malformedFrame('it is not an envelope [typeId, payload]'));
  }
  const [typeId, payload] = envelope;
  if (typeof typeId !== 'number' || !Number.isSafeInteger(typeId) || typeId < 0) {
    return err(malformedFrame(`the type id is ${describeValue(typeId)}, not an integer >= 0`));
  }
  const spec = messageTypeById(typeId);
  if (spec === undefined) {
    return err(
      new DistSpaceError(
        'UNKNOWN_TYPE',
        `Message type ${typeId} is unknown to this peer (protocol ${PROTOCOL_VERSION.join('.')}); it may come from a newer version.`,
        { typeId },
      ),
    );
  }
  if (!isMap(payload)) {
    return err(
      malformedFrame(`the payload of ${spec.name} is ${describeValue(payload)}, not a map`),
    );
  }
  return readPayload(spec, payload, limits);
}

/**
 * Reads a payload map as a message of `spec`'s type: each field, then the rules across fields.
 * Internal: the snapshot assembler reads the Snapshot it joined with it.
 */
export function readPayload(
  spec: MessageSpec,
  payload: Record<string, unknown>,
  limits: ProtocolLimits,
): Result<Message> {
  cx.reset(limits);
  if (spec.name === 'Hello') {
    const refused = refuseOtherMajor(payload.version);
    if (refused !== undefined) return err(refused);
  }
  const message: Record<string, unknown> = { type: spec.name };
  if (!readFieldsInto(spec.fields, payload, message, cx)) {
    return err(payloadError(spec, message));
  }
  const broken = spec.check?.(message);
  if (broken !== undefined) {
    return err(invalidPayload(spec, broken.field, broken.expected, broken.got, message));
  }
  return ok(message as unknown as Message);
}

/**
 * A Hello from another major version may have other fields: its version is read first, so that
 * the client learns about the version rather than about a field it did not know it had to send.
 */
function refuseOtherMajor(version: unknown): DistSpaceError | undefined {
  const read = versionField.read(version, cx);
  if (typeof read !== 'object' || read[0] === PROTOCOL_VERSION[0]) return undefined;
  return unsupportedVersion(read, PROTOCOL_VERSION);
}

/** The fields that let the server address its answer to a bad request. */
const CORRELATION_FIELDS = ['requestId', 'workspace', 'seq'] as const;

function correlation(read: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of CORRELATION_FIELDS) if (read[name] !== undefined) out[name] = read[name];
  return out;
}

function payloadError(spec: MessageSpec, read: Record<string, unknown>): DistSpaceError {
  const field = cx.fieldPath();
  const nested = cx.error;
  if (nested === undefined) return invalidPayload(spec, field, cx.expected, cx.got, read);
  const where = { type: spec.name, field, ...correlation(read) };
  if (nested.code === 'LIMIT_EXCEEDED') {
    return new DistSpaceError('LIMIT_EXCEEDED', `${spec.name}.${field}: ${nested.message}`, {
      ...nested.details,
      ...where,
    });
  }
  return new DistSpaceError(
    'INVALID_PAYLOAD',
    `${spec.name}.${field} is invalid: ${nested.message}`,
    {
      ...where,
      cause: nested.toJSON(),
    },
  );
}

function invalidPayload(
  spec: MessageSpec,
  field: string,
  expected: string,
  got: unknown,
  read: Record<string, unknown>,
): DistSpaceError {
  return new DistSpaceError(
    'INVALID_PAYLOAD',
    `${spec.name}.${field} must be ${expected}; got ${describeValue(got)}.`,
    { type: spec.name, field, expected, ...correlation(read) },
  );
}

/**
 * Checks a message as its receiver would: encodes it and decodes the frame under `limits`.
 * Never throws; a message that cannot be encoded at all gives `INVALID_PAYLOAD`.
 *
 * @returns the message as the receiver would see it, or the error the receiver would get
 */
export function validateMessage(
  message: Message,
  limits: Partial<ProtocolLimits> = DEFAULT_PROTOCOL_LIMITS,
): Result<Message> {
  let bytes: Uint8Array;
  try {
    bytes = encodeMessage(message);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err(
      new DistSpaceError('INVALID_PAYLOAD', `The message cannot be encoded: ${reason}`, {
        type: String((message as { type?: unknown }).type),
      }),
    );
  }
  return decodeMessage(bytes, limits);
}
