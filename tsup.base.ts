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
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    ...options,
  });
}
