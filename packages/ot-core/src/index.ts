/**
 * `@dist-space/ot-core`: text operational transformation. Ops (Insert, Delete, Replace) over
 * UTF-16 positions; apply, transform, compose, invert, normalize and position mapping; a
 * persistent B-tree rope; and plain-data forms of ops for JSON and msgpack.
 *
 * @packageDocumentation
 */

export { apply, applyInPlace, type Document, tryApply, withDeletedText } from './apply.js';
export {
  attempt,
  DistSpaceError,
  type DistSpaceErrorCodes,
  type ErrorCode,
  type ErrorDetails,
  err,
  isDistSpaceError,
  ok,
  type Result,
} from './errors.js';
export { invert, isInvertible } from './invert.js';
export { compose, normalize } from './normalize.js';
export {
  type Change,
  type Delete,
  del,
  type Insert,
  insert,
  insertedText,
  isNoop,
  type Op,
  opFromParts,
  type Replace,
  removedLength,
  replace,
} from './op.js';
export {
  type Assoc,
  type MappedPosition,
  mapPosition,
  mapSelection,
  type Selection,
} from './position.js';
export { type Line, type LineColumn, MutableText, Text, TextView } from './text/text.js';
export {
  transformDeleteDelete,
  transformDeleteInsert,
  transformInsertDelete,
  transformInsertInsert,
} from './transform/primitive.js';
export {
  transformDeleteReplace,
  transformInsertReplace,
  transformReplaceDelete,
  transformReplaceInsert,
  transformReplaceReplace,
} from './transform/replace.js';
export { opposite, type Side } from './transform/side.js';
export { transform, transformOp, transformX } from './transform/transform.js';
export { isHighSurrogate, isLowSurrogate, isWellFormed, splitsSurrogatePair } from './unicode.js';
export { type CodeUnits, checkOpAgainst, isIndex } from './validate.js';
export {
  type ChangeLimits,
  changeToWire,
  DEFAULT_CHANGE_LIMITS,
  opToWire,
  parseChange,
  parseOp,
  type WireOp,
} from './wire.js';
