import { readFileSync } from 'node:fs';
import { DEFAULT_PROTOCOL_LIMITS } from '@dist-space/protocol';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe("the README's table of decoder limits", () => {
  it('names every limit decodeMessage takes, and no other', () => {
    const table = readme.slice(readme.indexOf('| limit | default |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const named = rows.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    );
    expect(named.sort()).toEqual(Object.keys(DEFAULT_PROTOCOL_LIMITS).sort());
  });
});
