/**
 * `@dist-space/ot-core`: text operational transformation. Ops (Insert, Delete, Replace) over
 * UTF-16 positions; apply, transform, compose, invert, normalize and position mapping; a
 * persistent B-tree rope; and plain-data forms of ops for JSON and msgpack.
 *
 * @packageDocumentation
 */
export {
  DistSpaceError,
  type ErrorCode,
  type ErrorDetails,
  type Result,
  attempt,
  err,
  isDistSpaceError,
  ok,
} from './errors.js';
export {
  type Change,
  type Delete,
  type Insert,
  type Op,
  type Replace,
  del,
  insert,
  insertedText,
  isNoop,
  opFromParts,
  removedLength,
  replace,
} from './op.js';
export { isHighSurrogate, isLowSurrogate, isWellFormed, splitsSurrogatePair } from './unicode.js';
export { type CodeUnits, checkOpAgainst, isIndex } from './validate.js';
export { type Document, apply, applyInPlace, tryApply, withDeletedText } from './apply.js';
export { type Side, opposite } from './transform/side.js';
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
export { transform, transformOp, transformX } from './transform/transform.js';
export { compose, normalize } from './normalize.js';
export { invert, isInvertible } from './invert.js';
export { type Assoc, type MappedPosition, type Selection, mapPosition, mapSelection } from './position.js';
export {
  type ChangeLimits,
  DEFAULT_CHANGE_LIMITS,
  type WireOp,
  changeToWire,
  opToWire,
  parseChange,
  parseOp,
} from './wire.js';
// export { MutableText, Text } from './text/text.js';
