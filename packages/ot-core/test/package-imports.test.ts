import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// tsup copies every import of another package into dist/ as it is written, and Node's ESM
// resolver is stricter than tsx, vitest or TypeScript: a deep import such as 'picomatch/posix'
// of a package without an `exports` map works here and fails for everyone who installs the
// package from npm. And npm workspaces hoist dependencies, so an import of a package the
// importer does not declare works here and fails after install. This checks both, for every
// package, without a build.
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The specifiers of the imports of `source` that load code at run time. */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const m of source.matchAll(/^(?:import|export)(\s+type\b)?([^;]*?)\bfrom\s*'([^']+)'/gm)) {
    const braces = /^\s*\{([^}]*)\}\s*$/.exec(m[2]!)?.[1];
    const names = braces
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const onlyTypes = names?.every((s) => s.startsWith('type ')) ?? false;
    if (!m[1] && !onlyTypes) specifiers.push(m[3]!);
  }
  for (const m of source.matchAll(/^import\s*'([^']+)'/gm)) specifiers.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specifiers.push(m[1]!);
  return specifiers;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The bare specifiers that Node's ESM resolver, run from `dir`, cannot turn into a file. */
function unresolvable(dir: string, specifiers: readonly string[]): string[] {
  // import.meta.resolve maps a specifier to a URL without loading it, and without checking that
  // the file exists: check that here.
  const script = `
    import { existsSync } from 'node:fs';
    import { fileURLToPath } from 'node:url';
    const bad = [];
    for (const s of ${JSON.stringify(specifiers)}) {
      try {
        const url = import.meta.resolve(s);
        if (url.startsWith('file:') && !existsSync(fileURLToPath(url))) bad.push(s);
      } catch {
        bad.push(s);
      }
    }
    process.stdout.write(JSON.stringify(bad));`;
  // The `@dist-space/source` condition points sibling packages at their sources, so no build is
  // needed.
  const out = execFileSync(
    process.execPath,
    ['--conditions=@dist-space/source', '--input-type=module', '-e', script],
    { cwd: dir, encoding: 'utf8', timeout: 20_000 },
  );
  return JSON.parse(out) as string[];
}

interface PackageImports {
  readonly name: string;
  readonly dir: string;
  readonly declared: ReadonlySet<string>;
  /** Bare specifiers (not relative, not `node:`) imported at run time by `src/`. */
  readonly specifiers: readonly string[];
}

function packageImports(): PackageImports[] {
  const result: PackageImports[] = [];
  for (const pkg of readdirSync(`${root}packages`)) {
    const dir = `${root}packages/${pkg}`;
    let files: string[];
    try {
      files = readdirSync(`${dir}/src`, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => `${e.parentPath}/${e.name}`);
    } catch {
      continue; // not a package with sources
    }
    const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const specifiers = new Set<string>();
    for (const file of files) {
      for (const s of runtimeImports(readFileSync(file, 'utf8'))) {
        if (!s.startsWith('.') && !s.startsWith('node:')) specifiers.add(s);
      }
    }
    result.push({
      name: manifest.name,
      dir,
      declared: new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]),
      specifiers: [...specifiers].sort(),
    });
  }
  return result;
}

describe('the imports of every package, as Node sees them after npm install', () => {
  const packages = packageImports();

  it('finds the imports it checks', () => {
    expect(runtimeImports("import {\n  a,\n  type B,\n} from 'x/y';\n")).toEqual(['x/y']);
    expect(runtimeImports("import type { A } from 'x';\nimport { type B } from 'y';\n")).toEqual(
      [],
    );
    expect(runtimeImports("export * from 'z';\nconst m = await import('w');\n")).toEqual([
      'z',
      'w',
    ]);
    expect(packages.length).toBeGreaterThanOrEqual(9);
    const permissions = packages.find((p) => p.name === '@dist-space/permissions');
    expect(permissions?.specifiers.some((s) => s.startsWith('picomatch'))).toBe(true);
  });

  it('imports only packages its package.json declares', () => {
    const undeclared = packages.flatMap((p) =>
      p.specifiers
        .map(packageOf)
        .filter((name) => name !== p.name && !p.declared.has(name))
        .map((name) => `${p.name} imports ${name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it("imports only what Node's ESM resolver finds (deep imports of packages without exports need their extension)", () => {
    const failing = packages.flatMap((p) =>
      unresolvable(p.dir, p.specifiers).map((s) => `${p.name}: '${s}'`),
    );
    expect(failing).toEqual([]);
  });
});
