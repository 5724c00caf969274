import { del, insert } from '@dist-space/ot-core';
import {
  ChangeBuilder,
  countChangeOps,
  createIdGenerator,
  opWeight,
  Workspace,
} from '@dist-space/vfs-workspace';
import { describe, expect, it } from 'vitest';

describe('opWeight and countChangeOps', () => {
  const b = new ChangeBuilder(Workspace.empty, createIdGenerator('A'));
  b.createDir('d');
  b.createFile('d/f.txt', 'hello');
  b.edit('d/f.txt', [insert(0, 'a'), insert(3, 'b'), del(5, 1)]);
  b.edit('d/f.txt', []);
  const change = b.change;

  it('weighs a tree op 1, an edit its text ops, and an empty edit 1', () => {
    expect(change.map((op) => opWeight(op))).toEqual([1, 1, 3, 1]);
  });

  it('sums the weights of a change', () => {
    expect(countChangeOps(change)).toBe(6);
    expect(countChangeOps([])).toBe(0);
  });
});
