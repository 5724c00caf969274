import {
  type HistoryEntry,
  type OpLogStore,
  PersistentWorkspace,
  type PersistentWorkspaceOptions,
} from '@dist-space/oplog-storage';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { parseWorkspaceChange } from '@dist-space/vfs-workspace';
import type { SequencedChange, SequencerLog } from './sequencer-log.js';
import type { WorkspaceStorage } from './workspace-host.js';

function fromEntry(entry: HistoryEntry): SequencedChange {
  return {
    revision: entry.rev,
    clientId: entry.clientId,
    seq: entry.seq,
    author: entry.author,
    time: entry.time,
    change: entry.change,
  };
}

/**
 * A sequencer's log on a {@link PersistentWorkspace}: appends are durable when they resolve and
 * commit together when they overlap; snapshots, the recent window and truncation are the
 * persistent workspace's.
 */
export async function openPersistentLog(
  store: OpLogStore,
  workspace: string,
  options: PersistentWorkspaceOptions,
): Promise<SequencerLog> {
  const pw = await PersistentWorkspace.load(store, workspace, options);
  return {
    revision: pw.revision,
    state: pw.workspace,
    async append(entry, stateAfter) {
      // The sequencer applied the change to check it; the persistent workspace takes its result
      // instead of applying it a second time.
      await pw.appendApplied(
        [{ change: entry.change, clientId: entry.clientId, seq: entry.seq, author: entry.author }],
        stateAfter,
      );
    },
    async changesSince(since, upTo): Promise<Result<SequencedChange[]>> {
      try {
        return ok((await pw.changesBetween(since, upTo)).map(fromEntry));
      } catch (e) {
        if (e instanceof DistSpaceError && e.code === 'REVISION_TRUNCATED') {
          // A Catchup can start at the revision before the oldest change the log holds.
          const oldestRevision = (await store.firstRevision(workspace)) - 1;
          return err(
            new DistSpaceError(
              'REBASE_REQUIRED',
              `Workspace '${workspace}' no longer keeps the changes after revision ${since}; it keeps those after ${oldestRevision}.`,
              { workspace, sinceRevision: since, oldestRevision },
            ),
          );
        }
        throw e;
      }
    },
    async findBySeq(clientId, seq) {
      const stored = await store.findBySeq(workspace, clientId, seq);
      if (!stored) return undefined;
      const change = parseWorkspaceChange(stored.change);
      return {
        revision: stored.rev,
        clientId,
        seq,
        author: stored.author,
        time: stored.time,
        change: change.ok ? change.value : [],
      };
    },
    highestSeq: (clientId) => store.highestSeq(workspace, clientId),
    close: () => pw.close(),
  };
}

/** The host's view of an {@link OpLogStore}: workspaces as persistent logs. */
export function storeStorage(
  store: OpLogStore,
  options: PersistentWorkspaceOptions = {},
): WorkspaceStorage {
  return {
    exists: (workspace) => store.hasWorkspace(workspace),
    create: (workspace) => store.createWorkspace(workspace),
    openLog: (workspace) => openPersistentLog(store, workspace, options),
    ...(store.storedBytes ? { storedBytes: (workspace) => store.storedBytes!(workspace) } : {}),
  };
}
