import { idFromTag, idTag, type NodeId } from './ids.js';
import { MAX_NAME_BYTES, utf8Length } from './paths.js';

// Extensions longer than this are treated as part of the stem, so that a name such as
// "notes.from the meeting" keeps its marker near the end of what a person reads.
const MAX_EXTENSION_BYTES = 32;
const MARKER = / \(conflict ([A-Za-z0-9_-]+)\)/g;

/**
 * The name a node gets when the name it asked for was taken concurrently:
 * `a.ts` -> `a (conflict alice-7).ts` for node `alice:7`. It depends only on the name and the
 * node's id, which every replica has, and it cannot collide: a name carrying the marker of an id
 * is reserved for that node (see {@link isNameAllowedFor}). The stem is cut, at whole characters,
 * so that the result fits {@link MAX_NAME_BYTES}.
 */
export function conflictName(name: string, id: NodeId): string {
  const dot = name.lastIndexOf('.');
  let ext = dot > 0 ? name.slice(dot) : '';
  if (utf8Length(ext) > MAX_EXTENSION_BYTES) ext = '';
  let stem = name.slice(0, name.length - ext.length);
  const marker = ` (conflict ${idTag(id)})`;
  const budget = MAX_NAME_BYTES - utf8Length(marker) - utf8Length(ext);
  const codePoints = Array.from(stem);
  let bytes = utf8Length(stem);
  while (bytes > budget || (stem !== stem.normalize('NFC') && codePoints.length > 1)) {
    const last = codePoints.pop()!;
    bytes -= utf8Length(last);
    stem = codePoints.join('');
  }
  return `${stem}${marker}${ext}`;
}

/** The ids whose conflict marker `name` carries (usually none). */
export function markedIds(name: string): NodeId[] {
  const ids: NodeId[] = [];
  for (const m of name.matchAll(MARKER)) {
    const id = idFromTag(m[1]!);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * True when node `id` may take `name`: a name that carries the conflict marker of a node is
 * reserved for that node, so that conflict names made by the transform never collide.
 */
export function isNameAllowedFor(name: string, id: NodeId): boolean {
  if (!name.includes(' (conflict ')) return true;
  return markedIds(name).every((marked) => marked === id);
}
