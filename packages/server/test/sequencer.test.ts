import { ok } from '@dist-space/ot-core';
import {
  type SequencedChange,
  type SequencerLog,
  type SubmitRequest,
  WorkspaceSequencer,
} from '@dist-space/server';
import { Workspace, type WorkspaceChange } from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';
import { concurrentWithHostile, hostileChange } from '../../../test-support/hostile-changes.js';

/** A log whose appends stay pending until the test releases (or fails) them, in order. */
function heldLog() {
  const appended: SequencedChange[] = [];
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const log: SequencerLog = {
    revision: 0,
    state: Workspace.empty,
    append(entry) {
      appended.push(entry);
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    changesSince: async () => ok([]),
    findBySeq: async () => undefined,
    highestSeq: async () => undefined,
    close: async () => {},
  };
  return {
    log,
    appended,
    release: () => pending.shift()!.resolve(),
    failNext: () => pending.shift()!.reject(new Error('disk full')),
  };
}

function sequencerOn(log: SequencerLog, committed: number[] = [], failures: string[] = []) {
  return new WorkspaceSequencer(log, {
    workspace: 'w',
    apply: {},
    maxChangeOps: 100,
    recentWindow: 100,
    onCommit: (entry) => committed.push(entry.revision),
    onFailure: (error) => failures.push(error.code),
  });
}

function createFile(clientId: string, name: string): SubmitRequest {
  const change: WorkspaceChange = [
    { type: 'createFile', id: `${clientId}:1`, parent: 'root', name, ancestors: [], content: '' },
  ];
  return {
    clientId,
    seq: 1,
    author: clientId,
    baseRevision: 0,
    change,
    authorize: () => ok(undefined),
  };
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the workspace sequencer', () => {
  it('starts the next append before the previous one is durable, and acks in order', async () => {
    const { log, appended, release } = heldLog();
    const committed: number[] = [];
    const sequencer = sequencerOn(log, committed);
    const first = sequencer.submit(createFile('a', 'one'));
    const second = sequencer.submit(createFile('b', 'two'));
    await turns();
    // Both are in the log's hands at once, so that one commit can carry both.
    expect(appended.map((e) => e.revision)).toEqual([1, 2]);
    expect(committed).toEqual([]);
    release();
    release();
    expect((await first).ok && (await second).ok).toBe(true);
    expect(committed).toEqual([1, 2]);
    expect(sequencer.revision).toBe(2);
  });

  it('answers a resubmission of a change still being committed once it is durable', async () => {
    const { log, appended, release } = heldLog();
    const sequencer = sequencerOn(log);
    const original = sequencer.submit(createFile('a', 'one'));
    const again = sequencer.submit(createFile('a', 'one'));
    await turns();
    expect(appended).toHaveLength(1);
    release();
    const outcome = await again;
    expect(outcome.ok && outcome.value).toMatchObject({ revision: 1, duplicate: true });
    expect((await original).ok).toBe(true);
  });

  it('answers a resubmission the log no longer holds with the revision committed when it comes', async () => {
    // The log truncated client 'old''s changes but remembers its highest seq (3): seq 2 is a
    // resubmission, and with no record of its revision it is answered with the current one.
    // The sequencer's memory (RecentChanges) reads that revision when it answers, not a copy
    // taken when the sequencer was made.
    const { log, release } = heldLog();
    const sequencer = sequencerOn({
      ...log,
      highestSeq: async (id) => (id === 'old' ? 3 : undefined),
    });
    const fresh = sequencer.submit(createFile('a', 'one'));
    await turns();
    release();
    expect((await fresh).ok).toBe(true);
    const again = await sequencer.submit({ ...createFile('old', 'gone'), seq: 2, author: 'old' });
    expect(again.ok && again.value).toMatchObject({ revision: 1, duplicate: true });
  });

  it('reports nothing after a failed append as committed, even an append that succeeded', async () => {
    const { log, appended, release, failNext } = heldLog();
    const committed: number[] = [];
    const failures: string[] = [];
    const sequencer = sequencerOn(log, committed, failures);
    const first = sequencer.submit(createFile('a', 'one'));
    const second = sequencer.submit(createFile('b', 'two'));
    await turns();
    expect(appended).toHaveLength(2);
    failNext();
    release();
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((o) => !o.ok && o.error.code)).toEqual(['STORE_FAILED', 'STORE_FAILED']);
    expect(committed).toEqual([]);
    expect(failures).toEqual(['STORE_FAILED']);
    expect(sequencer.revision).toBe(0);
    const later = await sequencer.submit(createFile('c', 'three'));
    expect(!later.ok && later.error.code).toBe('STORE_FAILED');
    expect(appended).toHaveLength(2);
  });

  it('answers INTERNAL_ERROR, never a rejected promise, when the commit listener throws', async () => {
    const { log, release } = heldLog();
    const sequencer = new WorkspaceSequencer(log, {
      workspace: 'w',
      apply: {},
      maxChangeOps: 100,
      recentWindow: 100,
      onCommit: () => {
        throw new Error('listener bug');
      },
      onFailure: () => {},
    });
    const submitted = sequencer.submit(createFile('a', 'one'));
    await turns();
    release();
    const outcome = await submitted;
    expect(!outcome.ok && outcome.error.code).toBe('INTERNAL_ERROR');
  });

  it('rejects a change whose context fits no workspace with CONTEXT_MISMATCH, and keeps going', async () => {
    // The concurrent change the hostile one must be transformed against (vfs-workspace's
    // transform guard case); the sequencer reads it from the log.
    const concurrent: SequencedChange = {
      revision: 1,
      clientId: 'B',
      seq: 1,
      author: 'B',
      time: 0,
      change: concurrentWithHostile,
    };
    const { log, appended, release } = heldLog();
    const sequencer = sequencerOn({
      ...log,
      revision: 1,
      changesSince: async (since) => ok(since < 1 ? [concurrent] : []),
    });
    const hostile: SubmitRequest = {
      clientId: 'evil',
      seq: 1,
      author: 'evil',
      baseRevision: 0,
      change: hostileChange,
      authorize: () => ok(undefined),
    };
    const refused = await sequencer.submit(hostile);
    expect(!refused.ok && refused.error.code).toBe('CONTEXT_MISMATCH');
    expect(appended).toHaveLength(0);
    // The sequencer is unharmed: the next honest change is sequenced after the concurrent one.
    const next = sequencer.submit({ ...createFile('c', 'three'), baseRevision: 1 });
    await turns();
    release();
    const done = await next;
    expect(done.ok && done.value.revision).toBe(2);
  });
});
