import {
  decodeMessage,
  encodeMessage,
  MESSAGE_TYPES,
  type MessageType,
  messageTypeById,
} from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES } from './support/sample-messages.js';

describe('every message type survives encode then decode unchanged', () => {
  for (const type of Object.keys(MESSAGE_TYPES) as MessageType[]) {
    it(type, () => {
      const message = SAMPLE_MESSAGES[type];
      const bytes = encodeMessage(message);
      expect(bytes[0]).toBe(0x92); // the envelope: an array of two
      expect(messageTypeById(bytes[1]!)?.name).toBe(type); // ids are below 128: one byte
      const decoded = decodeMessage(bytes);
      expect(decoded).toEqual({ ok: true, value: message });
      // Encoding is deterministic: the decoded message encodes to the same bytes.
      expect(encodeMessage(decoded.ok ? decoded.value : message)).toEqual(bytes);
    });
  }
});
