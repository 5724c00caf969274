import 'fake-indexeddb/auto';
import {
  backoffDelay,
  diffText,
  IndexedDbPendingStore,
  MemoryPendingStore,
  mergeText,
  rebasePending,
  SyncState,
  UndoHistory,
} from '@dist-space/client';
import { apply, del, insert, type Op } from '@dist-space/ot-core';
import {
  applyWorkspaceChange,
  ChangeBuilder,
  createIdGenerator,
  invertWorkspaceChange,
  Workspace,
  type WorkspaceChange,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';

function ws(files: Record<string, string>): Workspace {
  const b = new ChangeBuilder(Workspace.empty, createIdGenerator('base'));
  for (const [path, text] of Object.entries(files)) {
    const r = b.createFile(path, text);
    if (!r.ok) throw r.error;
  }
  return b.workspace;
}

function change(state: Workspace, steps: (b: ChangeBuilder) => void, who = 'me'): WorkspaceChange {
  const b = new ChangeBuilder(state, createIdGenerator(who));
  steps(b);
  return b.change;
}

describe('three-way text merge', () => {
  it('keeps both sides: my insert inside text they changed elsewhere, and both deletes once', () => {
    expect(apply('HELLO world', mergeText('hello world', 'hello brave world', 'HELLO world'))).toBe(
      'HELLO brave world',
    );
    expect(apply('ab', mergeText('abc', 'ab', 'ab'))).toBe('ab');
  });

  it('never loses an insert from either side (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '😀', '\n'), maxLength: 12 });
    fc.assert(
      fc.property(text, text, text, (base, mine, theirs) => {
        const merged = apply(theirs, mergeText(base, mine, theirs));
        expect(apply(base, diffText(base, mine))).toBe(mine);
        // Everything I inserted relative to base survives somewhere.
        for (const op of diffText(base, mine))
          if (op.type === 'insert') expect(merged).toContain(op.text);
      }),
    );
  });
});

describe('rebase onto a newer state', () => {
  it('replays tree ops by id, gives a taken name its conflict name, and merges text', () => {
    const base = ws({ 'a.txt': 'one two', 'b.txt': 'keep' });
    const mine = change(base, (b) => {
      b.edit('a.txt', [insert(3, ' and a half')]);
      b.createFile('new.txt', 'mine');
    });
    const local = applyWorkspaceChange(base, mine);
    if (!local.ok) throw local.error;
    const theirsChange = change(
      base,
      (b) => {
        b.edit('a.txt', [insert(0, 'ZERO ')]);
        b.createFile('new.txt', 'theirs');
      },
      'them',
    );
    const theirs = applyWorkspaceChange(base, theirsChange);
    if (!theirs.ok) throw theirs.error;
    const result = rebasePending(base, local.value, mine, theirs.value);
    expect(result.dropped).toEqual([]);
    expect(result.local.read('a.txt')).toEqual({ ok: true, value: 'ZERO one and a half two' });
    expect(result.local.read('new.txt')).toEqual({ ok: true, value: 'theirs' });
    const names = result.local.list('').ok
      ? (result.local.list('') as { value: { name: string }[] }).value.map((e) => e.name)
      : [];
    expect(names.some((n) => n.startsWith('new (conflict'))).toBe(true);
  });
});

describe('rebase of a file my pending ops deleted and made again (an undone delete)', () => {
  /** I typed into f.txt, deleted it and undid the delete; the server has what `theirs` did. */
  function deletedAndRestored(theirs: (b: ChangeBuilder) => void) {
    const base = ws({ 'f.txt': 'one two' });
    let local = base;
    const pending: WorkspaceChange[] = [];
    const step = (steps: (b: ChangeBuilder) => void) => {
      const c = change(local, steps);
      const next = applyWorkspaceChange(local, c);
      if (!next.ok) throw next.error;
      pending.push(c);
      local = next.value;
    };
    step((b) => void b.edit('f.txt', [insert(3, ' MINE')]));
    step((b) => void b.delete('f.txt'));
    pending.push(invertWorkspaceChange(pending[1]!));
    const restored = applyWorkspaceChange(local, pending[2]!);
    if (!restored.ok) throw restored.error;
    local = restored.value;
    const target = applyWorkspaceChange(base, change(base, theirs, 'them'));
    if (!target.ok) throw target.error;
    return rebasePending(base, local, pending.flat(), target.value);
  }

  it('keeps my text once, merged with what they typed meanwhile', () => {
    const result = deletedAndRestored((b) => void b.edit('f.txt', [insert(0, 'THEIRS ')]));
    expect(result.local.read('f.txt')).toEqual({ ok: true, value: 'THEIRS one MINE two' });
  });

  it('keeps my text once when they deleted the file meanwhile', () => {
    const result = deletedAndRestored((b) => void b.delete('f.txt'));
    expect(result.local.read('f.txt')).toEqual({ ok: true, value: 'one MINE two' });
  });
});

describe('rebase of text typed among repeated characters', () => {
  it('merges my edits as I made them, not as a diff would place them', () => {
    // A diff of my text against the base places my insert at 5 as '3>.<': cut from its '<'.
    const base = ws({ 'f.txt': '<0>.<1>.' });
    const mine = change(base, (b) => void b.edit('f.txt', [insert(4, '<3>.')]));
    const local = applyWorkspaceChange(base, mine);
    if (!local.ok) throw local.error;
    // Meanwhile the server's text lost '<1>.', the text right after my insert.
    const target = applyWorkspaceChange(
      base,
      change(base, (b) => void b.edit('f.txt', [del(4, 4)]), 'them'),
    );
    if (!target.ok) throw target.error;
    const result = rebasePending(base, local.value, mine, target.value);
    expect(result.local.read('f.txt')).toEqual({ ok: true, value: '<0>.<3>.' });
  });
});

describe('rebase of a directory delete made while others created in it', () => {
  it('deletes what it saw and keeps what others made meanwhile, with its directory', () => {
    const b0 = new ChangeBuilder(Workspace.empty, createIdGenerator('base'));
    b0.createDir('d');
    b0.createDir('d/sub');
    b0.createFile('d/mine.txt', 'm');
    b0.createFile('d/sub/old.txt', 'o');
    b0.createFile('keep.txt', 'k');
    const base = b0.workspace;
    const mine = change(base, (b) => void b.delete('d'));
    const local = applyWorkspaceChange(base, mine);
    if (!local.ok) throw local.error;
    const target = applyWorkspaceChange(
      base,
      change(base, (b) => void b.createFile('d/sub/theirs.txt', 'new work'), 'them'),
    );
    if (!target.ok) throw target.error;
    const result = rebasePending(base, local.value, mine, target.value);
    const paths = [...result.local.walk()].map((n) => result.local.pathOf(n.id)).sort();
    expect(paths).toEqual(['d', 'd/sub', 'd/sub/theirs.txt', 'keep.txt']);
    expect(result.dropped).toEqual(mine);
    // With nothing new in it, the whole directory goes.
    const plain = rebasePending(base, local.value, mine, base);
    expect([...plain.local.walk()].map((n) => plain.local.pathOf(n.id))).toEqual(['keep.txt']);
    expect(plain.dropped).toEqual([]);
  });
});

describe('rebase onto a state without a file the pending edits touch', () => {
  it('reports the edits of a file gone from the new state as dropped', () => {
    const base = ws({ 'f.txt': 'one', 'g.txt': 'two' });
    const mine = change(base, (b) => {
      b.edit('f.txt', [insert(0, 'lost ')]);
      b.edit('g.txt', [insert(0, 'kept ')]);
    });
    const local = applyWorkspaceChange(base, mine);
    if (!local.ok) throw local.error;
    const target = applyWorkspaceChange(
      base,
      change(base, (b) => void b.delete('f.txt'), 'them'),
    );
    if (!target.ok) throw target.error;
    const result = rebasePending(base, local.value, mine, target.value);
    expect(result.dropped).toEqual([mine[0]]);
    expect(result.local.read('g.txt')).toEqual({ ok: true, value: 'kept two' });
  });
});

describe('SyncState', () => {
  it('keeps local = confirmed + in flight + buffer through acks and remote changes', () => {
    const base = ws({ 'f.txt': 'abc' });
    const s = new SyncState(base, 0);
    s.applyLocal(change(s.local, (b) => void b.edit('f.txt', [insert(0, 'X')])));
    const sent = s.takeNext(1)!;
    expect(sent.seq).toBe(1);
    s.applyLocal(change(s.local, (b) => void b.edit('f.txt', [insert(4, 'Y')])));
    expect(s.pendingCount).toBe(2);
    const remote = change(base, (b) => void b.edit('f.txt', [insert(3, 'R')]), 'other');
    s.applyRemote(remote, 1);
    expect(s.local.read('f.txt')).toEqual({ ok: true, value: 'XabcRY' });
    s.acknowledge(2);
    expect(s.confirmed.read('f.txt')).toEqual({ ok: true, value: 'XabcR' });
    expect(s.takeNext(2)).toBeDefined();
  });
});

describe('SyncState buffer', () => {
  const type = (s: SyncState, op: Op) =>
    s.applyLocal(change(s.local, (b) => void b.edit('f.txt', [op])));

  it('composes consecutive keystrokes in one file into one op, and keeps what it deleted', () => {
    const s = new SyncState(ws({ 'f.txt': 'hello' }), 0);
    s.applyLocal(change(s.local, (b) => void b.edit('f.txt', [insert(0, 'X')])));
    s.takeNext(1);
    for (const [i, ch] of [...'world'].entries()) type(s, insert(6 + i, ch));
    type(s, del(10, 1));
    type(s, del(0, 2));
    expect(s.buffered).toHaveLength(1);
    const edit = s.buffered[0]!;
    // 'world' then a backspace became one insert; the delete elsewhere stays its own op.
    expect(edit.type === 'edit' && edit.change).toEqual([insert(6, 'worl'), del(0, 2, 'Xh')]);
    expect(s.local.read('f.txt')).toEqual({ ok: true, value: 'elloworl' });
    // The buffer still inverts (a rejected change rolls back by the inverse).
    s.acknowledge(1);
    s.takeNext(2);
    s.rollBack((c) => invertWorkspaceChange(c));
    expect(s.local.read('f.txt')).toEqual({ ok: true, value: 'Xhello' });
  });

  it('drops an edit that typing and backspacing cancelled out', () => {
    const s = new SyncState(ws({ 'f.txt': 'ab' }), 0);
    type(s, insert(1, 'x'));
    type(s, insert(2, 'y'));
    type(s, del(2, 1));
    type(s, del(1, 1));
    expect(s.buffered).toEqual([]);
    expect(s.pendingCount).toBe(0);
    expect(s.local.read('f.txt')).toEqual({ ok: true, value: 'ab' });
  });
});

describe('SyncState split at the server limit', () => {
  it('sends at most maxOps ops per change, cutting an edit between its text ops, in order', () => {
    const start = ws({ 'a.txt': '0123456789', 'b.txt': '' });
    const s = new SyncState(start, 0);
    // Scattered edits (none composes with the one before): 5 ops in a.txt, then 2 in b.txt.
    s.applyLocal(
      change(s.local, (b) => {
        b.edit('a.txt', [
          insert(0, 'a'),
          insert(3, 'b'),
          insert(6, 'c'),
          insert(9, 'd'),
          insert(12, 'e'),
        ]);
        b.edit('b.txt', [insert(0, 'x'), insert(1, 'y')]);
      }),
    );
    const expected = s.local;
    const sent: WorkspaceChange[] = [];
    let confirmed = start;
    for (let seq = 1; seq <= 10; seq++) {
      const next = s.takeNext(seq, 3);
      if (!next) break;
      const weight = next.change.reduce(
        (n, op) => n + (op.type === 'edit' ? op.change.length : 1),
        0,
      );
      expect(weight).toBeLessThanOrEqual(3);
      sent.push(next.change);
      const applied = applyWorkspaceChange(confirmed, next.change);
      if (!applied.ok) throw applied.error;
      confirmed = applied.value;
      s.acknowledge(seq);
    }
    expect(sent).toHaveLength(3); // 3 + 3 + 1 ops
    expect(s.pendingCount).toBe(0);
    for (const path of ['a.txt', 'b.txt']) {
      expect(confirmed.read(path)).toEqual(expected.read(path));
      expect(s.local.read(path)).toEqual(expected.read(path));
    }
  });
});

describe('UndoHistory', () => {
  it('groups keystrokes in one file, and a remote change moves the steps', () => {
    const h = new UndoHistory({ groupWithinMs: 1000 });
    let state = ws({ 'f.txt': '' });
    for (const [i, ch] of [...'abc'].entries()) {
      const c = change(state, (b) => void b.edit('f.txt', [{ type: 'insert', pos: i, text: ch }]));
      const next = applyWorkspaceChange(state, c);
      if (!next.ok) throw next.error;
      state = next.value;
      h.record(c, 'edit', 1000 + i);
    }
    const remote = change(state, (b) => void b.edit('f.txt', [insert(0, 'R')]), 'other');
    const after = applyWorkspaceChange(state, remote);
    if (!after.ok) throw after.error;
    h.transform(remote);
    const undo = h.takeUndo()!;
    const undone = applyWorkspaceChange(after.value, undo);
    expect(undone.ok && undone.value.read('f.txt')).toEqual({ ok: true, value: 'R' });
    expect(h.canUndo).toBe(false);
  });

  it('undoes a long group of inserts and deletes newest first, back to where it started', () => {
    const h = new UndoHistory({ groupWithinMs: 1000 });
    const start = ws({ 'f.txt': 'xy' });
    let state = start;
    const keystrokes: Op[] = [insert(1, 'a'), insert(2, 'b'), insert(3, 'c'), del(2, 1), del(0, 1)];
    for (const [i, op] of keystrokes.entries()) {
      const c = change(state, (b) => void b.edit('f.txt', [op]));
      const next = applyWorkspaceChange(state, c);
      if (!next.ok) throw next.error;
      state = next.value;
      h.record(c, 'edit', 1000 + i);
    }
    expect(state.read('f.txt')).toEqual({ ok: true, value: 'acy' });
    const undone = applyWorkspaceChange(state, h.takeUndo()!);
    expect(undone.ok && undone.value.read('f.txt')).toEqual({ ok: true, value: 'xy' });
    expect(h.canUndo).toBe(false);
  });
});

describe('UndoHistory cap', () => {
  it('keeps only the newest maxSteps steps', () => {
    const h = new UndoHistory({ maxSteps: 3, groupWithinMs: 0 });
    let state = ws({});
    for (let i = 0; i < 5; i++) {
      const c = change(state, (b) => void b.createFile(`f${i}.txt`, ''), `me${i}`);
      const next = applyWorkspaceChange(state, c);
      if (!next.ok) throw next.error;
      state = next.value;
      h.record(c, 'edit', i * 1000);
    }
    const undone: string[] = [];
    for (let step = h.takeUndo(); step; step = h.takeUndo()) {
      const paths = step.map((op) => (op.type === 'delete' ? state.pathOf(op.id) : undefined));
      undone.push(...paths.map(String));
    }
    expect(undone).toEqual(['f4.txt', 'f3.txt', 'f2.txt']);
    expect(h.canUndo).toBe(false);
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, with jitter below the nominal delay', () => {
    expect(backoffDelay(0, { jitter: 0 })).toBe(250);
    expect(backoffDelay(3, { jitter: 0 })).toBe(2000);
    expect(backoffDelay(30, { jitter: 0 })).toBe(10_000);
    expect(backoffDelay(2, { jitter: 0.5 }, () => 1)).toBe(500);
  });
});

describe('pending stores', () => {
  it.each([
    ['memory', () => new MemoryPendingStore()],
    ['IndexedDB', () => new IndexedDbPendingStore(`test-${Math.random()}`)],
  ])('%s keeps workspaces and the client id', async (_name, make) => {
    const store = make();
    expect(await store.load('w:x')).toBeUndefined();
    const value = {
      format: 1 as const,
      clientId: 'c1',
      idPrefix: 'n1',
      nextSeq: 3,
      nextNodeId: 4,
      revision: 7,
      confirmed: { format: 1 as const, nodes: [] },
      buffered: [],
    };
    await store.save('w:x', value);
    expect(await store.load('w:x')).toEqual(value);
    await store.saveIdentity('c1');
    expect(await store.loadIdentity()).toBe('c1');
    await store.remove('w:x');
    expect(await store.load('w:x')).toBeUndefined();
  });
});

describe('IndexedDbPendingStore and a damaged record', () => {
  it('raises PENDING_STORE_CORRUPT and keeps the record aside instead of dropping its edits', async () => {
    const name = `corrupt-${Math.random()}`;
    const store = new IndexedDbPendingStore(name);
    await store.save('w:x', { format: 1 } as never); // what another version might have written
    await expect(store.load('w:x')).rejects.toMatchObject({ code: 'PENDING_STORE_CORRUPT' });
    const db = await openDB(name);
    const keys = (await db.getAllKeys('workspaces')).map(String);
    db.close();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^slot-0\/w:x\.corrupt-/);
    expect(await store.load('w:x')).toBeUndefined();
    await store.release();
  });
});
