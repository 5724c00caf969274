import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageSourceFiles, registryDeclarations } from '../../../test-support/error-codes.js';

// Every package adds its codes to ot-core's `DistSpaceErrorCodes` registry by declaration
// merging (see src/errors.ts); docs/errors.md promises a row for each, with cause and remedy.
const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The codes `source` names in code, as string literals outside its registry blocks and its
 * comments: where it raises them (`new DistSpaceError('X', ...)`, `code: 'X'`, a helper's
 * argument) or checks for them.
 */
function usedCodes(source: string): Set<string> {
  const code = source
    .replace(/interface DistSpaceErrorCodes \{[^}]*\}/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  return new Set([...code.matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1]!));
}

describe('docs/errors.md', () => {
  const registry = new Map<string, string>();
  const declaring = new Set<string>();
  const used = new Set<string>();
  for (const { package: pkg, file, codes } of registryDeclarations(root)) {
    for (const code of codes) registry.set(code, file);
    declaring.add(pkg);
  }
  for (const { file } of packageSourceFiles(root)) {
    for (const code of usedCodes(readFileSync(file, 'utf8'))) used.add(code);
  }

  it('finds the registry in every package that declares codes', () => {
    // ot-core's own codes and those of at least seven other packages.
    expect(registry.get('INVALID_OP')).toMatch(/ot-core/);
    expect(declaring.size).toBeGreaterThanOrEqual(8);
  });

  it('has a row for every declared error code', () => {
    const doc = readFileSync(`${root}docs/errors.md`, 'utf8');
    const missing = [...registry.keys()].filter(
      (code) => !new RegExp(`^\\| \`${code}\``, 'm').test(doc),
    );
    expect(missing, 'codes without a row in docs/errors.md').toEqual([]);
  });

  it('lists only codes that are declared and used in some package', () => {
    expect([...usedCodes("/** 'A_B' */ const x = 'C_D'; // 'E_F'\n")]).toEqual(['C_D']);
    const doc = readFileSync(`${root}docs/errors.md`, 'utf8');
    const listed = [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(registry.size);
    expect(
      listed.filter((code) => !registry.has(code)),
      'rows of docs/errors.md for codes no package declares',
    ).toEqual([]);
    expect(
      listed.filter((code) => !used.has(code)),
      'rows of docs/errors.md for codes nothing raises',
    ).toEqual([]);
  });
});
