import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  type BrowserBundle,
  browserBundleOptions,
  buildBrowserBundle,
} from '../scripts/browser-bundle.js';

const packageDir = fileURLToPath(new URL('../', import.meta.url));

/** picomatch's `isWindows`, minified: `process` read only once `typeof` found it. */
const GUARDED_PLATFORM_PROBE = 'typeof process<"u"&&process.platform?process.platform==="win32":!1';

/**
 * What in a bundle would not run in a browser: inputs that are Node built-ins or the `ws`
 * package (whose browser field only throws), imports left outside the bundle, and any mention of
 * the Node-only globals `process`, `Buffer` and `require` in the code (minified, so comments are
 * gone; `process.env.NODE_ENV` is replaced at build time).
 */
function nodeOnlyParts(bundle: BrowserBundle): string[] {
  const problems: string[] = [];
  for (const input of Object.keys(bundle.metafile.inputs)) {
    if (/^node:|(^|\/)node_modules\/ws\//.test(input)) problems.push(`input ${input}`);
  }
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const imported of output.imports) problems.push(`import ${imported.path}`);
  }
  // picomatch (the scopes' globs) asks for the platform behind a typeof guard, after trying
  // `navigator`: it runs in a browser, and is the one mention allowed.
  const code = bundle.code.replaceAll(GUARDED_PLATFORM_PROBE, '');
  for (const match of code.matchAll(/\b(?:process|Buffer|require)\b/g)) {
    problems.push(`global ${match[0]} in ${code.slice(match.index - 30, match.index + 30)}`);
  }
  return problems;
}

/** Bundles a snippet with the bundle's options, as if it were in `packages/client/src`. */
async function bundleSnippet(contents: string): Promise<BrowserBundle> {
  const result = await build({
    ...browserBundleOptions(),
    stdin: { contents, resolveDir: `${packageDir}src`, sourcefile: 'snippet.ts', loader: 'ts' },
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  return { code: code?.text ?? '', sourceMap: '', metafile: result.metafile };
}

describe('the browser bundle', () => {
  it('holds every dependency and nothing Node-only', async () => {
    const bundle = await buildBrowserBundle();
    expect(nodeOnlyParts(bundle)).toEqual([]);
    const inputs = Object.keys(bundle.metafile.inputs).join('\n');
    for (const inside of [
      'ot-core/src/',
      'vfs-workspace/src/',
      'protocol/src/',
      'permissions/src/capabilities.ts',
      'transport-adapters/src/websocket-browser.ts',
      'node_modules/fast-diff/',
      'node_modules/idb/',
      'node_modules/immer/',
      'node_modules/@msgpack/msgpack/',
    ]) {
      expect(inputs).toContain(inside);
    }
    const output = Object.entries(bundle.metafile.outputs).find(([path]) => path.endsWith('.js'));
    expect(output?.[1].exports).toEqual(
      expect.arrayContaining(['Client', 'WorkspaceHandle', 'diffText', 'mapPosition']),
    );
  });

  it("keeps the client's main entry (what a bundler user imports) free of Node too", async () => {
    const bundle = await buildBrowserBundle('index.ts');
    expect(nodeOnlyParts(bundle)).toEqual([]);
    expect(Object.keys(bundle.metafile.inputs).join('\n')).toContain('client/src/client.ts');
  });

  it('fails the build on a Node built-in, and the check finds ws and Node globals', async () => {
    await expect(
      bundleSnippet(`import { readFileSync } from 'node:fs'; readFileSync;`),
    ).rejects.toThrow(/node:fs/);
    const problems = nodeOnlyParts(
      await bundleSnippet(
        `import WebSocket from 'ws';
         export const probe = [WebSocket, typeof Buffer, process.argv, require(globalThis.name)];`,
      ),
    );
    expect(problems.some((p) => p.startsWith('input') && p.includes('node_modules/ws/'))).toBe(
      true,
    );
    for (const name of ['process', 'Buffer', 'require']) {
      expect(problems.some((p) => p.startsWith(`global ${name}`))).toBe(true);
    }
  });
});
