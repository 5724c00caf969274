/**
 * A node's stable identity. Ids are made without coordination as `<clientId>:<counter>` (see
 * {@link createIdGenerator}); the root directory has the fixed id {@link ROOT_ID}. An id is never
 * given to two different nodes, but a node that was deleted may be restored under its old id
 * (undo), which the transform handles.
 */
export type NodeId = string;

/** The id of the root directory, the same in every workspace. It is not of the `client:n` form. */
export const ROOT_ID: NodeId = 'root';

/** The longest client id accepted in a node id. */
export const MAX_CLIENT_ID_LENGTH = 64;

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NODE_ID = /^([A-Za-z0-9_-]{1,64}):(0|[1-9][0-9]{0,15})$/;

/** True when `clientId` may prefix node ids: 1 to 64 of `A-Z a-z 0-9 _ -`. */
export function isClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && CLIENT_ID.test(clientId);
}

/**
 * True when `value` is a node id other than the root's: `<clientId>:<counter>` with a client id
 * as in {@link isClientId} and a decimal counter that is a safe integer without leading zeros.
 */
export function isNodeId(value: unknown): value is NodeId {
  if (typeof value !== 'string') return false;
  const m = NODE_ID.exec(value);
  return m !== null && Number.isSafeInteger(Number(m[2]));
}

/**
 * The form of an id used inside conflict names: `<clientId>-<counter>`, safe in file names on
 * every common file system (no `:`). It is unique per id, since the counter has no `-`.
 */
export function idTag(id: NodeId): string {
  const colon = id.lastIndexOf(':');
  return `${id.slice(0, colon)}-${id.slice(colon + 1)}`;
}

/** The id whose {@link idTag} is `tag`, or undefined when `tag` is not one. */
export function idFromTag(tag: string): NodeId | undefined {
  const dash = tag.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const id = `${tag.slice(0, dash)}:${tag.slice(dash + 1)}`;
  return isNodeId(id) ? id : undefined;
}

/** Makes fresh node ids for one client: `alice:1`, `alice:2`, ... */
export type IdGenerator = () => NodeId;

/**
 * Returns a generator of ids `<clientId>:<n>` counting from `start` (default 1). Ids must never
 * repeat within a workspace: keep the client id and persist the counter across restarts, or use
 * a fresh client id per session.
 *
 * @throws RangeError when `clientId` is not valid (see {@link isClientId}) or `start` is not a
 * safe integer >= 0; these are programming errors, not input errors
 */
export function createIdGenerator(clientId: string, start = 1): IdGenerator {
  if (!isClientId(clientId)) {
    throw new RangeError(
      `Client id ${JSON.stringify(clientId)} is not valid: use 1 to 64 of A-Z a-z 0-9 _ -.`,
    );
  }
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`The id counter must start at a whole number >= 0, not ${start}.`);
  }
  let next = start;
  return () => `${clientId}:${next++}`;
}
