import type { WireWorkspace, WireWorkspaceOp } from '@dist-space/vfs-workspace';

/**
 * What a client keeps of one workspace so that a reload or a crash loses no unacknowledged
 * edit: the last confirmed state and revision, the changes not yet acknowledged (the one in
 * flight keeps its seq, so a resend is recognised), and the counters that must never repeat.
 */
export interface PersistedWorkspace {
  readonly format: 1;
  readonly clientId: string;
  /** The next Submit seq. */
  readonly nextSeq: number;
  /** The prefix of node ids this client makes in the workspace (`<prefix>:<n>`). */
  readonly idPrefix: string;
  /** The next node id counter. */
  readonly nextNodeId: number;
  readonly revision: number;
  /** The confirmed state at `revision`, in vfs-workspace's wire form. */
  readonly confirmed: WireWorkspace;
  /** The change in flight, with its seq, if any. */
  readonly inflight?: { readonly seq: number; readonly change: WireWorkspaceOp[] };
  /** Local changes not yet sent. */
  readonly buffered: WireWorkspaceOp[];
}

/**
 * Where a client keeps pending changes between runs. Implement it for any storage: it sees
 * plain data only. `MemoryPendingStore` keeps them for the life of the process (the default),
 * `IndexedDbPendingStore` in a browser, `FilePendingStore` (from `@dist-space/client/node`) in
 * a file.
 */
export interface PendingStore {
  /** What was saved for a workspace, or undefined. */
  load(key: string): Promise<PersistedWorkspace | undefined>;
  /** Saves it, replacing what was there. */
  save(key: string, value: PersistedWorkspace): Promise<void>;
  /** Forgets a workspace. */
  remove(key: string): Promise<void>;
  /** The client id saved by an earlier run, so resent changes keep their identity. */
  loadIdentity(): Promise<string | undefined>;
  /** Saves the client id. */
  saveIdentity(clientId: string): Promise<void>;
  /**
   * Makes the store this live client's alone, before anything else is read: `Client.connect`
   * calls it first. A store that several tabs or processes can share (IndexedDB, a directory)
   * takes a lock here, and when another live client holds it, a slot of its own (its own client
   * id and workspaces), so that two clients never run under one client id.
   */
  acquire?(): Promise<void>;
  /** Lets the store go for the next client (`Client.close` calls it after the last save). */
  release?(): Promise<void>;
}

/**
 * Finds the lowest slot whose lock `tryLock` can take, and returns it with the lock. Slot 0 is
 * the usual one; another live client holding it sends the next to slot 1, and so on. A slot whose
 * owner is gone is free again, so the next client takes it and recovers its pending edits.
 */
export async function claimSlot<L>(
  tryLock: (slot: number) => Promise<L | undefined>,
): Promise<{ readonly slot: number; readonly lock: L }> {
  for (let slot = 0; ; slot++) {
    const lock = await tryLock(slot);
    if (lock !== undefined) return { slot, lock };
  }
}

/** Keeps pending changes in memory: survives reconnects, not reloads. The default. */
export class MemoryPendingStore implements PendingStore {
  private readonly values = new Map<string, PersistedWorkspace>();

  async load(key: string): Promise<PersistedWorkspace | undefined> {
    return this.values.get(key);
  }

  async save(key: string, value: PersistedWorkspace): Promise<void> {
    this.values.set(key, structuredClone(value));
  }

  async remove(key: string): Promise<void> {
    this.values.delete(key);
  }

  private identity: string | undefined;

  async loadIdentity(): Promise<string | undefined> {
    return this.identity;
  }

  async saveIdentity(clientId: string): Promise<void> {
    this.identity = clientId;
  }
}
