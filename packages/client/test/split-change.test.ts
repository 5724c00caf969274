import {
  applyWorkspaceChange,
  ChangeBuilder,
  countChangeOps,
  createIdGenerator,
  opWeight,
  Workspace,
  type WorkspaceOp,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import { scenarioArb } from '../../vfs-workspace/test/support/scenario.js';
import { deleteChildrenFirst, splitForSending, textUnits } from '../src/split-change.js';

// The client cuts what it sends into changes the server takes: at most its ops per change and at
// most the text that fits in a frame. Sent one after another, the parts must leave exactly the
// state the whole would.

function applied(state: Workspace, ops: readonly WorkspaceOp[]): Workspace {
  const result = applyWorkspaceChange(state, ops);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Takes parts until nothing is left; every part applies in turn. */
function parts(
  state: Workspace,
  ops: readonly WorkspaceOp[],
  maxOps: number,
  maxText: number,
): { parts: WorkspaceOp[][]; end: Workspace } {
  const out: WorkspaceOp[][] = [];
  let rest: readonly WorkspaceOp[] = ops;
  let current = state;
  for (let guard = 0; rest.length > 0; guard++) {
    if (guard > 10_000) throw new Error('splitting does not end');
    const [head, tail] = splitForSending(rest, maxOps, maxText);
    expect(head.length).toBeGreaterThan(0);
    current = applied(current, head);
    out.push(head);
    rest = tail;
  }
  return { parts: out, end: current };
}

const wire = (state: Workspace) => JSON.stringify(workspaceToWire(state));

function built(state: Workspace, steps: (b: ChangeBuilder) => void, ids = 't'): WorkspaceOp[] {
  const b = new ChangeBuilder(state, createIdGenerator(ids));
  steps(b);
  return [...b.change];
}

describe('splitForSending', () => {
  const base = applied(
    Workspace.empty,
    built(
      Workspace.empty,
      (b) => {
        b.createDir('d');
        b.createFile('d/big.txt', 'a😀'.repeat(50));
        b.createFile('small.txt', 'hello');
      },
      'base',
    ),
  );
  const bigText = base.read('d/big.txt');
  if (!bigText.ok) throw bigText.error;

  it('cuts a long insert into inserts of at most maxText, never inside a surrogate pair', () => {
    const ops = built(
      base,
      (b) => void b.edit('small.txt', [{ type: 'insert', pos: 5, text: '😀x'.repeat(20) }]),
    );
    const { parts: sent, end } = parts(base, ops, Number.POSITIVE_INFINITY, 7);
    expect(wire(end)).toBe(wire(applied(base, ops)));
    expect(sent.length).toBeGreaterThan(5);
    for (const part of sent) {
      expect(part.reduce((n, op) => n + textUnits(op), 0)).toBeLessThanOrEqual(7);
      for (const op of part) {
        if (op.type !== 'edit') continue;
        for (const t of op.change) {
          if (t.type === 'insert') expect(t.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
        }
      }
    }
  });

  it('cuts after a line break where it can, else after a blank, else after punctuation', () => {
    const cutsOf = (text: string, max: number) => {
      const ops = built(base, (b) => void b.edit('small.txt', [{ type: 'insert', pos: 0, text }]));
      const { parts: sent } = parts(base, ops, Number.POSITIVE_INFINITY, max);
      return sent.map((part) =>
        part
          .flatMap((op) => (op.type === 'edit' ? op.change : []))
          .map((t) => (t.type === 'insert' ? t.text : ''))
          .join(''),
      );
    };
    expect(cutsOf('one two\nthree four five', 12)).toEqual(['one two\n', 'three four ', 'five']);
    expect(cutsOf('one two three four', 12)).toEqual(['one two ', 'three four']);
    expect(cutsOf('<1:2>.<3:4>.<5:6>.', 10)).toEqual(['<1:2>.', '<3:4>.', '<5:6>.']);
    expect(cutsOf('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('creates a file with long content as the file and then edits that append the rest', () => {
    const ops = built(base, (b) => void b.createFile('d/new.txt', 'x'.repeat(100)));
    const { parts: sent, end } = parts(base, ops, Number.POSITIVE_INFINITY, 30);
    expect(wire(end)).toBe(wire(applied(base, ops)));
    expect(sent[0]![0]).toMatchObject({ type: 'createFile', content: 'x'.repeat(30) });
    expect(sent).toHaveLength(4);
  });

  it('empties the files of a deleted subtree by edits before the delete', () => {
    const ops = built(base, (b) => void b.delete('d'));
    expect(textUnits(ops[0]!)).toBe(150);
    const { parts: sent, end } = parts(base, ops, Number.POSITIVE_INFINITY, 40);
    expect(wire(end)).toBe(wire(applied(base, ops)));
    const last = sent[sent.length - 1]!;
    expect(last[last.length - 1]).toMatchObject({ type: 'delete' });
    expect(textUnits(last[last.length - 1]!)).toBe(0);
  });

  it('turns a long replace into an insert and a delete', () => {
    const ops = built(
      base,
      (b) =>
        void b.edit('d/big.txt', [
          {
            type: 'replace',
            pos: 3,
            len: 60,
            text: 'y'.repeat(45),
            deleted: bigText.value.slice(3, 63),
          },
        ]),
    );
    const { end } = parts(base, ops, Number.POSITIVE_INFINITY, 20);
    expect(wire(end)).toBe(wire(applied(base, ops)));
  });

  it('leaves a change within both limits whole, as the same array of ops', () => {
    const ops = built(
      base,
      (b) => void b.edit('small.txt', [{ type: 'insert', pos: 0, text: 'hi' }]),
    );
    const [head, rest] = splitForSending(ops, 10, 100);
    expect(head).toEqual(ops);
    expect(rest).toEqual([]);
  });

  it('for any change and limits, leaves the state the whole change leaves, each part within them', async () => {
    await assertInChunks(
      fc.property(
        scenarioArb(6),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 12 }),
        (s, maxOps, maxText) => {
          const { parts: sent, end } = parts(s.base, s.a, maxOps, maxText);
          expect(wire(end)).toBe(wire(s.afterA));
          for (const part of sent) {
            // At least one op's worth goes out, even when it alone is over a limit; a text op is
            // over maxText only by the second half of a surrogate pair it cannot be cut from.
            if (part.length === 1 && opWeight(part[0]!) === 1) continue;
            expect(countChangeOps(part)).toBeLessThanOrEqual(maxOps);
            expect(part.reduce((n, op) => n + textUnits(op), 0)).toBeLessThanOrEqual(maxText + 1);
          }
        },
      ),
    );
  });
});

/** `ops` with every directory delete taken apart by deleteChildrenFirst, all the way down. */
function childrenFirstAllTheWay(ops: readonly WorkspaceOp[]): WorkspaceOp[] {
  return ops.flatMap((op) => {
    const expanded = deleteChildrenFirst(op);
    return expanded ? childrenFirstAllTheWay(expanded) : [op];
  });
}

describe('deleteChildrenFirst', () => {
  it("deletes a directory's children, then the directory left empty", () => {
    const base = applied(
      Workspace.empty,
      built(Workspace.empty, (b) => {
        b.createDir('d');
        b.createDir('d/sub');
        b.createFile('d/a.txt', 'A');
        b.createFile('d/sub/b.txt', 'B');
      }),
    );
    const [remove] = built(base, (b) => void b.delete('d'));
    const ops = deleteChildrenFirst(remove!)!;
    // The children in the order the snapshot lists them (by name), the directory last.
    expect(ops.map((op) => (op.type === 'delete' ? base.pathOf(op.id) : op.type))).toEqual([
      'd/a.txt',
      'd/sub',
      'd',
    ]);
    expect(ops.every((op) => op.type === 'delete')).toBe(true);
    expect(wire(applied(base, ops))).toBe(wire(applied(base, [remove!])));
    // One op at a time, as separate changes would apply.
    let state = base;
    for (const op of childrenFirstAllTheWay([remove!])) state = applied(state, [op]);
    expect(wire(state)).toBe(wire(applied(base, [remove!])));
  });

  it('leaves anything but the delete of a directory with children alone', () => {
    const base = applied(
      Workspace.empty,
      built(Workspace.empty, (b) => {
        b.createDir('empty');
        b.createFile('f.txt', 'x');
      }),
    );
    for (const op of built(base, (b) => {
      b.delete('empty');
      b.delete('f.txt');
      b.createDir('new');
    }))
      expect(deleteChildrenFirst(op)).toBeUndefined();
  });

  it('for any change, taking every directory delete apart leaves the same state', async () => {
    await assertInChunks(
      fc.property(scenarioArb(6), (s) => {
        let state = s.base;
        for (const op of childrenFirstAllTheWay(s.a)) state = applied(state, [op]);
        expect(wire(state)).toBe(wire(s.afterA));
      }),
    );
  });
});
