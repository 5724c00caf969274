import { readFileSync } from 'node:fs';
import { MESSAGE_TYPES } from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';
import { renderProtocolDoc } from './support/protocol-doc.js';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  it('has the tables the code generates: message table, fields, limits, example bytes', () => {
    // On failure: npx tsx --conditions=@dist-space/source packages/protocol/test/support/write-protocol-doc.ts
    expect(doc).toBe(renderProtocolDoc(doc));
  });

  it('lists every message in its summary table with the id and direction of the code', () => {
    const rows = [...doc.matchAll(/^\| (\d+) \| \[(\w+)\]\(#\w+\) \| (C→S|S→C|both)/gm)];
    const table = Object.values(MESSAGE_TYPES).map((s) => [s.id, s.name, s.direction]);
    const arrow = { 'C→S': 'client-to-server', 'S→C': 'server-to-client', both: 'both' } as const;
    expect(
      rows.map(([, id, name, dir]) => [Number(id), name, arrow[dir as keyof typeof arrow]]).sort(),
    ).toEqual(table.sort());
  });

  it('links only to headings it has', () => {
    // GitHub's anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered.
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const [, heading] of doc.matchAll(/^#+ (.+)$/gm)) {
      const slug = heading!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replaceAll(' ', '-');
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map(([, anchor]) => anchor);
    expect(links.length).toBeGreaterThan(30);
    expect(links.filter((anchor) => !anchors.has(anchor!))).toEqual([]);
  });

  it('has a section for every message, which the summary links to', () => {
    for (const name of Object.keys(MESSAGE_TYPES)) {
      expect(doc).toMatch(new RegExp(`^### ${name}$`, 'm'));
    }
  });
});
