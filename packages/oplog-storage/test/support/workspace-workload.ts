// Random but reproducible workspace changes for the PersistentWorkspace tests: files created,
// edited, renamed and deleted across a few directories, made with ChangeBuilder against the
// current state, so that every change applies.

import type { ChangeToAppend } from '@dist-space/oplog-storage';
import { insert, replace } from '@dist-space/ot-core';
import {
  ChangeBuilder,
  createIdGenerator,
  type IdGenerator,
  type Workspace,
} from '@dist-space/vfs-workspace';

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Makes changes for one client: mostly edits, sometimes creates, renames and deletes. */
export class WorkspaceWorkload {
  readonly #next01: () => number;
  readonly #newId: IdGenerator;
  readonly #clientId: string;
  #seq = 0;

  constructor(clientId: string, seed: number) {
    this.#clientId = clientId;
    this.#next01 = random(seed);
    this.#newId = createIdGenerator(clientId);
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next01() * items.length)]!;
  }

  /** A change that applies to `ws`, with this client's next seq. */
  next(ws: Workspace): ChangeToAppend {
    const builder = new ChangeBuilder(ws, this.#newId);
    const files = [...ws.walk()]
      .filter((node) => node.kind === 'file')
      .map((node) => ws.pathOf(node.id)!);
    const roll = this.#next01();
    const dir = this.#pick(['', 'src', 'docs']);
    if (ws.resolve(dir).ok === false) builder.createDir(dir);
    const fresh = `${dir === '' ? '' : `${dir}/`}f${Math.floor(this.#next01() * 1e6)}.txt`;
    if (files.length < 3 || roll < 0.1) {
      builder.createFile(fresh, `hello ${this.#seq}\n`);
    } else if (roll < 0.15) {
      builder.rename(this.#pick(files), fresh);
    } else if (roll < 0.18) {
      builder.delete(this.#pick(files));
    } else {
      const path = this.#pick(files);
      const length = ws.read(path).ok ? (ws.read(path) as { value: string }).value.length : 0;
      const pos = Math.floor(this.#next01() * (length + 1));
      const text = `<${this.#clientId}:${this.#seq}>`;
      builder.edit(
        path,
        roll < 0.9 || pos === length ? [insert(pos, text)] : [replace(pos, 1, text)],
      );
    }
    const change = builder.change;
    return {
      change,
      clientId: this.#clientId,
      seq: this.#seq++,
      author: `${this.#clientId}-author`,
    };
  }
}
