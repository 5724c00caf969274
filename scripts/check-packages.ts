// Checks the packages as npm would ship them, from outside the monorepo. It packs every package
// in packages/ and installs the tarballs into a fresh project in a temporary directory. There it
// type-checks the READMEs' examples (examples/<package>/*.ts) and a check of the error-code
// registry against the published declarations (ESM and CommonJS with `moduleResolution:
// nodenext`, and with `node10`), runs the compiled examples on the published JavaScript, runs the
// published conformance suites under vitest, requires every CommonJS entry, bundles the
// browser-facing entries for the browser and runs the server's bin. The tests run on the
// TypeScript sources, so they cannot see a broken `exports` map, a file missing from a tarball or
// a declaration file that hides another package's types. Run it after the build:
//
//   npm run build && npm run check:packages
//
// Needs the npm registry (or npm's cache) for the packages' own dependencies. Exits 1 on the first
// failure, naming it.

import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { registryDeclarations } from '../test-support/error-codes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');
const rootManifest: { devDependencies: Record<string, string> } = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typesNode = join(root, 'node_modules', '@types');
// The entries a web page may import (DESIGN.md: no Node built-ins in these).
const BROWSER_ENTRIES = [
  '@dist-space/ot-core',
  '@dist-space/vfs-workspace',
  '@dist-space/protocol',
  '@dist-space/permissions',
  '@dist-space/transport-adapters',
  '@dist-space/client',
];
// What the browser bundle may contain besides our packages. A Node-only dependency can pass an
// esbuild browser build unnoticed when it ships a browser stub (ws's `browser.js` throws at run
// time), so the bundle's inputs are held to this list rather than to "no built-ins".
const BROWSER_DEPENDENCIES = new Set([
  'immer',
  '@msgpack/msgpack',
  'picomatch',
  'jose',
  'fast-diff',
  'idb',
]);
// Every command is bounded; these say how long the slow ones may take.
const STEP_TIMEOUT_MS = 120_000;
// npm install and the conformance suites under vitest: each takes some 10-20 s here.
const LONG_STEP_TIMEOUT_MS = 300_000;
// Each example finishes by itself in well under a second; the bound only stops a hung one.
const EXAMPLE_TIMEOUT_MS = 60_000;

/** What `execFileSync` throws: the command's output, and the signal that stopped it, if any. */
interface ExecFailure {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly signal?: string | null;
}

/**
 * Runs a command, echoing it, within `options.timeout` (default {@link STEP_TIMEOUT_MS}); its
 * output is shown only when it fails. Returns its standard output.
 */
function run(
  command: string,
  args: readonly string[],
  options: ExecFileSyncOptionsWithStringEncoding | { cwd?: string; timeout?: number } = {},
): string {
  const line = [command, ...args].join(' ');
  console.log(`$ ${line}`);
  const timeout = options.timeout ?? STEP_TIMEOUT_MS;
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe', ...options, timeout });
  } catch (caught) {
    const e = caught as ExecFailure;
    console.error(e.stdout ?? '', e.stderr ?? '');
    const why = e.signal ? ` (stopped by ${e.signal}: over ${timeout} ms?)` : '';
    throw new Error(`failed${why}: ${line}`);
  }
}

/**
 * Type-checks (and emits) a project of the app with `tsc`, failing on every diagnostic except
 * those in lmdb's own declarations: its `index.d.ts` uses `export =`, which does not compile under
 * nodenext. `skipLibCheck` stays off, so that a broken declaration file of ours fails here instead
 * of silently turning what it should declare into `any`.
 */
function typeCheck(app: string, project: string): void {
  console.log(`$ tsc -p ${project}`);
  try {
    execFileSync(process.execPath, [tsc, '-p', project], {
      cwd: app,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: STEP_TIMEOUT_MS,
    });
  } catch (caught) {
    const e = caught as ExecFailure;
    const errors = `${e.stdout ?? ''}`
      .split('\n')
      .filter((line) => /error TS\d+/.test(line) && !line.startsWith('node_modules/lmdb/'));
    if (errors.length > 0 || e.signal) {
      console.error(e.stdout ?? '', e.stderr ?? '');
      throw new Error(`failed: tsc -p ${project}`);
    }
  }
}

/** A package to ship: its directory, its directory's name, its npm name and its manifest. */
interface Package {
  readonly dir: string;
  readonly short: string;
  readonly name: string;
  readonly exports: Record<string, string | Record<string, unknown>>;
}

/** The packages to ship: every directory in packages/ with a package.json. */
const PACKAGES: readonly Package[] = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .filter((entry) => existsSync(join(packagesDir, entry.name, 'package.json')))
  .map((entry) => {
    const dir = join(packagesDir, entry.name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, short: entry.name, name: manifest.name, exports: manifest.exports };
  });

/**
 * The entry points every package's `exports` map offers under `condition` (`import` or
 * `require`): `.` and its subpaths, as specifiers. The `/testing` entries are ESM only, as vitest
 * is.
 */
function entryPoints(condition: 'import' | 'require'): string[] {
  return PACKAGES.flatMap((pkg) =>
    Object.entries(pkg.exports)
      .filter(([key, target]) => key !== './package.json' && typeof target === 'object')
      .filter(([, target]) => (target as Record<string, unknown>)[condition] !== undefined)
      .map(([key]) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`)),
  );
}

/**
 * Every code of ot-core's registry, ot-core's own and each package's additions, read from the
 * sources. All of them, since packages repeat some codes (the client and the server both declare
 * `INVALID_CONFIG`), and one package's declarations going missing must not be covered by
 * another's.
 */
const ERROR_CODES = [...new Set(registryDeclarations(root).flatMap((d) => d.codes))];

/**
 * A consumer file asserting, by type alone, that `ErrorCode` is ot-core's registry merged with
 * every package's codes: it fails to compile when a declaration file hides the real module or
 * loses a package's block.
 */
function registryCheck(condition: 'import' | 'require'): string {
  const entries = entryPoints(condition);
  return `import type { ErrorCode } from '@dist-space/ot-core';
${entries.map((specifier, i) => `import type * as entry${i} from '${specifier}';`).join('\n')}
export type Entries = [${entries.map((_, i) => `typeof entry${i}`).join(', ')}];
export const codes: ErrorCode[] = ${JSON.stringify(ERROR_CODES)};
`;
}

if (ERROR_CODES.length === 0) throw new Error('no error codes found in packages/*/src');
const unbuilt = PACKAGES.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
if (unbuilt.length > 0) {
  console.error(
    `No dist/ in ${unbuilt.map((pkg) => pkg.name).join(', ')}: run \`npm run build\` first.`,
  );
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'dist-space-packages-'));
try {
  // 1. Pack: what `npm publish` would upload.
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const pkg of PACKAGES) {
    run('npm', ['pack', '--pack-destination', tarballs, '--silent'], { cwd: pkg.dir });
  }

  // 2. A fresh project that installs them, as a user's app would.
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  // vitest is the optional peer the `/testing` entries need; the monorepo's version of it.
  const vitest = `vitest@${rootManifest.devDependencies.vitest}`;
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files, vitest], {
    cwd: app,
    timeout: LONG_STEP_TIMEOUT_MS,
  });

  // 3. The READMEs' examples, and the registry checks, type-checked against what was installed.
  const examples = [];
  for (const pkg of PACKAGES) {
    const dir = join(root, 'examples', pkg.short);
    let names = [];
    try {
      names = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    } catch {
      continue;
    }
    for (const name of names) {
      const target = `${pkg.short}-${name}`;
      cpSync(join(dir, name), join(app, 'src', target));
      examples.push(target.replace(/\.ts$/, '.js'));
    }
  }
  if (examples.length === 0) throw new Error('no examples found under examples/');
  // The published conformance suites (the `/testing` entries, which load only inside vitest),
  // on the published adapters and store: these test files of the repository import nothing but
  // the packages' names, so they run here as they are.
  mkdirSync(join(app, 'test'));
  const publishedSuites: [pkg: string, file: string][] = [
    ['transport-adapters', 'node-conformance.test.ts'],
    ['oplog-storage-lmdb', 'conformance.test.ts'],
  ];
  for (const [pkg, file] of publishedSuites) {
    cpSync(join(packagesDir, pkg, 'test', file), join(app, 'test', `${pkg}-${file}`));
  }
  writeFileSync(join(app, 'src', 'registry-esm.ts'), registryCheck('import'));
  writeFileSync(join(app, 'src', 'registry-cjs.cts'), registryCheck('require'));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          // Declaration files are checked too (see typeCheck).
          skipLibCheck: false,
          typeRoots: [typesNode],
          types: ['node'],
          rootDir: '.',
          outDir: 'build',
        },
        include: ['src', 'test'],
      },
      null,
      2,
    ),
  );
  typeCheck(app, '.');
  // TypeScript's older `moduleResolution: node10` (what `module: commonjs` still implies) reads
  // no `exports`: the subpath entries reach it through each package's `typesVersions`.
  mkdirSync(join(app, 'node10'));
  writeFileSync(join(app, 'node10', 'registry.ts'), registryCheck('import'));
  writeFileSync(
    join(app, 'tsconfig.node10.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node10',
        // As `tsc --init` sets it; pino's declarations need it under CommonJS.
        esModuleInterop: true,
        strict: true,
        skipLibCheck: false,
        typeRoots: [typesNode],
        types: ['node'],
        noEmit: true,
      },
      include: ['node10'],
    }),
  );
  typeCheck(app, 'tsconfig.node10.json');

  // 4. The compiled examples, on the published JavaScript.
  // Their data directories (os.tmpdir()) go under the work directory, removed at the end.
  const exampleTmp = join(work, 'tmp');
  mkdirSync(exampleTmp);
  for (const example of examples) {
    run(process.execPath, [join('build', 'src', example)], {
      cwd: app,
      env: { ...process.env, TMPDIR: exampleTmp },
      timeout: EXAMPLE_TIMEOUT_MS,
    });
  }

  // 5. The conformance suites under vitest; every entry point required as CommonJS.
  const vitestBin = join(app, 'node_modules', 'vitest', 'vitest.mjs');
  const suites = run(process.execPath, [vitestBin, 'run', '--dir', 'test'], {
    cwd: app,
    timeout: LONG_STEP_TIMEOUT_MS,
  });
  console.log(
    suites
      .split('\n')
      .filter((line) => /Test Files|Tests /.test(line))
      .join('\n'),
  );
  for (const specifier of entryPoints('require')) {
    run(process.execPath, ['-e', `require(${JSON.stringify(specifier)})`], { cwd: app });
  }

  // 6. The browser-facing entries, bundled for the browser from the published ESM as an app's
  // bundler would: a Node built-in anywhere in their graph fails the build, and every input must
  // be ours or on BROWSER_DEPENDENCIES.
  const browserEntry = BROWSER_ENTRIES.map((name, i) => `export * as entry${i} from '${name}';`);
  writeFileSync(join(app, 'browser-entry.js'), `${browserEntry.join('\n')}\n`);
  // The bundler also uses a plain `source` condition, as many monorepos set for their own
  // packages: ours must still come from dist/ (our sources answer only `@dist-space/source`).
  const bundle = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['browser-entry.js'],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const inputs = Object.keys(bundle.metafile.inputs);
  const fromSources = inputs.filter((input) => /@dist-space\/[^/]+\/src\//.test(input));
  if (fromSources.length > 0) {
    throw new Error(`a 'source' condition reached our TypeScript sources: ${fromSources[0]}`);
  }
  for (const input of inputs) {
    if (input === 'browser-entry.js') continue;
    const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? '';
    if (dependency.startsWith('@dist-space/') || BROWSER_DEPENDENCIES.has(dependency)) continue;
    throw new Error(`the browser bundle takes in ${input}, not on the browser-safe list`);
  }
  console.log(`bundled for the browser: ${BROWSER_ENTRIES.join(', ')}`);

  // 7. The server's bin, as `npx dist-space-server` finds it.
  run(join(app, 'node_modules', '.bin', 'dist-space-server'), ['--help'], {
    cwd: app,
    timeout: 30_000,
  });

  console.log(`packages ok: ${PACKAGES.length} packed and installed, ${examples.length} examples`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
