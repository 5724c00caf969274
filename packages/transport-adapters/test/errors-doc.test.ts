import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the error codes of the transports', () => {
  it('are each documented in docs/errors.md and docs/transports.md', () => {
    const registry = readFileSync(`${root}packages/transport-adapters/src/errors.ts`, 'utf8');
    const codes = [...registry.matchAll(/^\s+([A-Z_]+): true;$/gm)].map((match) => match[1]);
    expect(codes.length).toBeGreaterThanOrEqual(9);
    const errors = readFileSync(`${root}docs/errors.md`, 'utf8');
    const transports = readFileSync(`${root}docs/transports.md`, 'utf8');
    for (const code of [...codes, 'LIMIT_EXCEEDED']) {
      expect(errors, code).toMatch(new RegExp(`^\\| \`${code}\``, 'm'));
      expect(transports, code).toContain(`\`${code}\``);
    }
  });
});
