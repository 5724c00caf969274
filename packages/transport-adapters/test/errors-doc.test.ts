import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the error codes of the transports', () => {
  it('are each named in docs/transports.md (docs/errors.md is checked for every package by ot-core)', () => {
    const registry = readFileSync(`${root}packages/transport-adapters/src/errors.ts`, 'utf8');
    const codes = [...registry.matchAll(/^\s+([A-Z_]+): true;$/gm)].map((match) => match[1]);
    expect(codes.length).toBeGreaterThanOrEqual(9);
    const transports = readFileSync(`${root}docs/transports.md`, 'utf8');
    for (const code of [...codes, 'LIMIT_EXCEEDED']) {
      expect(transports, code).toContain(`\`${code}\``);
    }
  });
});
