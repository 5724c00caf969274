import { defineConfig, type Options } from 'tsup';

/**
 * How every package is built: ESM and CommonJS with declarations and source maps, ES2022,
 * platform-neutral unless a package says otherwise. A package's tsup.config.ts passes only what
 * differs (its entries, its platform, its externals).
 */
export function packageBuild(options: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // rollup-plugin-dts drops a file's `export {}`, so a declaration chunk holding nothing but a
    // package's `declare module '@dist-space/ot-core'` block (transport-adapters' error codes,
    // shared by its entries) came out as a script: there the block declares an ambient module
    // that hides ot-core's real declarations from every TypeScript consumer. The footer keeps each
    // declaration file a module, so such a block stays an augmentation.
    dts: { footer: 'export {};' },
    // Each package's `import './errors.js'` is there for the declarations: the file holds only its
    // `declare module '@dist-space/ot-core'` block, and that import is what carries the block into
    // the published .d.ts (a type-only import does not; check:packages fails without it). Its
    // JavaScript is empty, so esbuild dropping it under `sideEffects: false` is right, and its
    // warning about that says nothing to act on.
    esbuildOptions(esbuild) {
      esbuild.logOverride = { ...esbuild.logOverride, 'ignored-bare-import': 'silent' };
    },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    ...options,
  });
}
