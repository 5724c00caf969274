import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every package adds its codes to ot-core's `DistSpaceErrorCodes` registry by declaration
// merging (see src/errors.ts); docs/errors.md promises a row for each, with cause and remedy.
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The codes declared in every `interface DistSpaceErrorCodes { ... }` block of a source file. */
function declaredCodes(source: string): string[] {
  const codes: string[] = [];
  for (const block of source.matchAll(/interface DistSpaceErrorCodes \{([^}]*)\}/g)) {
    for (const match of block[1]!.matchAll(/^\s+([A-Z][A-Z0-9_]*): true;$/gm))
      codes.push(match[1]!);
  }
  return codes;
}

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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => `${entry.parentPath}/${entry.name}`);
}

describe('docs/errors.md', () => {
  const registry = new Map<string, string>();
  const declaring = new Set<string>();
  const used = new Set<string>();
  for (const pkg of readdirSync(`${root}packages`)) {
    const src = `${root}packages/${pkg}/src`;
    let files: string[];
    try {
      files = sourceFiles(src);
    } catch {
      continue; // a package without sources
    }
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const code of declaredCodes(source)) {
        registry.set(code, file);
        declaring.add(pkg);
      }
      for (const code of usedCodes(source)) used.add(code);
    }
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
