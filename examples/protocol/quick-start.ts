import { decodeMessage, encodeMessage, negotiateVersion, type Submit } from '@dist-space/protocol';

// A client types "!" at position 5 of file alice:3 of workspace "notes".
const submit: Submit = {
  type: 'Submit',
  workspace: 'notes',
  baseRevision: 41,
  clientId: 'alice',
  seq: 7,
  change: [{ type: 'edit', id: 'alice:3', change: [{ type: 'insert', pos: 5, text: '!' }] }],
};
const frame = encodeMessage(submit);
console.log(frame.length); // 77

// The server decodes it into a typed message, validated field by field.
const received = decodeMessage(frame);
if (received.ok && received.value.type === 'Submit') console.log(received.value.seq); // 7

// Hostile bytes never throw: they come back as an error with a stable code.
const truncated = decodeMessage(frame.subarray(0, 20));
if (!truncated.ok) console.log(truncated.error.code); // MALFORMED_FRAME
const invalid = decodeMessage(encodeMessage({ ...submit, seq: 0 }));
if (!invalid.ok) console.log(invalid.error.message); // Submit.seq must be an integer >= 1; got the number 0.

// The caller sets the limits: this server takes frames of at most 64 bytes. The refusal still
// says whose Submit it was, so that the server can answer it with a Reject of its seq.
const tooBig = decodeMessage(frame, { maxFrameBytes: 64 });
if (!tooBig.ok) console.log(JSON.stringify(tooBig.error.details)); // {"limit":"maxFrameBytes","value":64,"actual":77,"type":"Submit","workspace":"notes","seq":7}

// Version negotiation: a newer minor is accepted, another major refused, naming both versions.
console.log(negotiateVersion([1, 3])); // { ok: true, value: [ 1, 1 ] }
const v2 = negotiateVersion([2, 0]);
if (!v2.ok) console.log(v2.error.message); // The client speaks protocol 2.0 but the server speaks 1.1; different major versions cannot talk. Upgrade the server.
