import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every package adds its codes to ot-core's `DistSpaceErrorCodes` registry by declaration merging,
// in a block next to the code that raises them. These read the blocks from the sources, for the
// checks that need the whole registry: docs/errors.md's (ot-core's errors-doc test) and the
// published declarations' (scripts/check-packages.ts).

/** The codes declared in every `interface DistSpaceErrorCodes { ... }` block of a source file. */
export function declaredCodes(source: string): string[] {
  const codes: string[] = [];
  for (const block of source.matchAll(/interface DistSpaceErrorCodes \{([^}]*)\}/g)) {
    for (const match of block[1]!.matchAll(/^\s+([A-Z][A-Z0-9_]*): true;$/gm))
      codes.push(match[1]!);
  }
  return codes;
}

/** Every TypeScript file of every package's `src/`, with the package's directory name. */
export function packageSourceFiles(root: string): { package: string; file: string }[] {
  const out: { package: string; file: string }[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    if (!existsSync(src)) continue;
    for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) {
        out.push({ package: pkg, file: join(entry.parentPath, entry.name) });
      }
    }
  }
  return out;
}

/** The source files of the packages that declare codes, each with the codes it declares. */
export function registryDeclarations(
  root: string,
): { package: string; file: string; codes: string[] }[] {
  return packageSourceFiles(root)
    .map((source) => ({ ...source, codes: declaredCodes(readFileSync(source.file, 'utf8')) }))
    .filter((declaration) => declaration.codes.length > 0);
}
