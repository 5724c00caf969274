import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apply, type Op, transform } from '@dist-space/ot-core';
import { describe, expect, it } from 'vitest';

// Runs the language-neutral regression vectors in test/vectors (format: test/vectors/README.md).
// Each case checks the transformed change itself, the document it produces, and TP1 on the
// case's document.

type Side = 'left' | 'right';

interface VectorCase {
  readonly name: string;
  readonly doc: string;
  /** Pair files: the op being transformed and the op it is transformed against. */
  readonly op?: Op;
  readonly other?: Op;
  /** lists.json: whole changes instead of single ops. */
  readonly change?: readonly Op[];
  readonly against?: readonly Op[];
  readonly side: Side;
  readonly expected: readonly Op[];
  readonly expectedDoc?: string;
}

const dir = fileURLToPath(new URL('./vectors/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string): VectorCase[] =>
  JSON.parse(readFileSync(join(dir, file), 'utf8')) as VectorCase[];
const opposite = (side: Side): Side => (side === 'left' ? 'right' : 'left');

function changes(c: VectorCase): { change: readonly Op[]; against: readonly Op[] } {
  if (c.change !== undefined && c.against !== undefined) {
    return { change: c.change, against: c.against };
  }
  if (c.op !== undefined && c.other !== undefined) return { change: [c.op], against: [c.other] };
  throw new Error(`vector "${c.name}" has neither op/other nor change/against`);
}

describe('vector files', () => {
  const pairs = ['insert', 'delete', 'replace'].flatMap((a) =>
    ['insert', 'delete', 'replace'].map((b) => `${a}-${b}.json`),
  );

  it('has one file per ordered pair and one for lists', () => {
    expect(files).toEqual(expect.arrayContaining([...pairs, 'lists.json']));
  });

  it('names every case uniquely and gives it a side', () => {
    const names = files.flatMap((f) => load(f).map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const f of files) {
      for (const c of load(f)) {
        expect(['left', 'right'], c.name).toContain(c.side);
        expect(() => changes(c), c.name).not.toThrow();
      }
    }
  });
});

describe.each(files)('%s', (file) => {
  it.each(load(file).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { change, against } = changes(c);
    const transformed = transform(change, against, c.side);
    expect(transformed).toStrictEqual(c.expected);

    const afterAgainst = apply(c.doc, against);
    if (c.expectedDoc !== undefined) expect(apply(afterAgainst, c.expected)).toBe(c.expectedDoc);

    // TP1 on the case's document, with the implementation on both paths.
    const viaAgainst = apply(afterAgainst, transformed);
    const viaChange = apply(apply(c.doc, change), transform(against, change, opposite(c.side)));
    expect(viaAgainst).toBe(viaChange);
  });
});
