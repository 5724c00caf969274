import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';

// The client's self-contained browser bundle: one ESM file with every @dist-space package,
// fast-diff and idb inside, for a page that has no bundler. `npm run build` writes it to
// dist/browser/; the tests and the browser example build it in memory (a fraction of a second),
// so that neither needs a build step first.

const packageDir = fileURLToPath(new URL('../', import.meta.url));

/** The bundle's file name, under `dist/browser/` and where the example page serves it. */
export const BROWSER_BUNDLE_FILE = 'dist-space-client.js';

/** A built bundle: its code, its source map, and which inputs went into it (esbuild's metafile). */
export interface BrowserBundle {
  readonly code: string;
  readonly sourceMap: string;
  readonly metafile: Metafile;
}

/**
 * esbuild's options for the browser bundle, without its input: ESM, platform `browser` (so a
 * Node built-in anywhere in the graph fails the build), sibling packages taken from their
 * TypeScript sources through the `@dist-space/source` export condition, `process.env.NODE_ENV`
 * replaced (immer reads it), minified, with a linked source map. Nothing is written: the output is
 * in memory.
 */
export function browserBundleOptions(): BuildOptions & { write: false; metafile: true } {
  return {
    // Only names the output (and its source map's link).
    outfile: join(packageDir, 'dist', 'browser', BROWSER_BUNDLE_FILE),
    bundle: true,
    write: false,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@dist-space/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'silent',
  };
}

/** Bundles `entry`, a file of `packages/client/src` (`browser.ts`, the bundle's entry, by default). */
export async function buildBrowserBundle(entry = 'browser.ts'): Promise<BrowserBundle> {
  const result = await build({
    ...browserBundleOptions(),
    entryPoints: [join(packageDir, 'src', entry)],
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  if (!code || !sourceMap) throw new Error(`esbuild wrote no bundle for ${entry}.`);
  return { code: code.text, sourceMap: sourceMap.text, metafile: result.metafile };
}

/** Writes the bundle and its map to `dist/browser/` (run by the package's `npm run build`). */
export async function writeBrowserBundle(): Promise<string> {
  const outFile = join(packageDir, 'dist', 'browser', BROWSER_BUNDLE_FILE);
  const bundle = await buildBrowserBundle();
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, bundle.code);
  await writeFile(`${outFile}.map`, bundle.sourceMap);
  return outFile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outFile = await writeBrowserBundle();
  process.stdout.write(`browser bundle: ${outFile}\n`);
}
